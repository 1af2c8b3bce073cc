/**
 * Notifications as an async iterator (`for await (const { channel, data } of session.stream(…))`), over a
 * bounded buffer. Overflow policy: `'error'` (default) ends the stream with a {@link StreamOverflowError}
 * once `highWaterMark` notifications wait unread, because silently losing order or trade updates is worse
 * than stopping; `'drop-oldest'` keeps the newest `highWaterMark` (fine for tickers and books).
 * @module
 */
import { InvalidArgumentError, StreamOverflowError } from '../errors/errors.js';
import { validateSignal, validateTimeout } from '../options/validate.js';
import type { NotificationHandler, NotificationInfo, RefusalHandler } from './registry.js';

/** Options of {@link DeribitSession.stream}. */
export interface StreamOptions {
  /** Ends the stream (the iterator rejects with the signal's reason) and unsubscribes. Already aborted: nothing is subscribed. */
  readonly signal?: AbortSignal;
  /** Notifications buffered unread at most. Default `1000`. */
  readonly highWaterMark?: number;
  /** What happens past `highWaterMark`. Default `'error'`. */
  readonly overflow?: 'error' | 'drop-oldest';
  /** ms for the subscribe itself (readiness and the server's answer). Default: the session's `requestTimeout`. */
  readonly timeout?: number;
}

/** One notification of a stream. */
export interface StreamItem<T = unknown> {
  readonly channel: string;
  readonly data: T;
  /** `true` for a notification fetched again after a gap (see {@link NotificationInfo.replayed}). */
  readonly replayed: boolean;
}

/** Default of {@link StreamOptions.highWaterMark}. */
export const DEFAULT_HIGH_WATER_MARK = 1000;

type Unsubscribe = () => Promise<void>;

/** How the stream ends: `undefined` while open, `{}` done, `{ error }` failed. */
type Ending = { readonly error?: unknown } | undefined;

/** The iterator behind {@link DeribitSession.stream}. */
export class NotificationStream<T> implements AsyncIterableIterator<StreamItem<T>> {
  readonly #highWaterMark: number;
  readonly #dropOldest: boolean;
  #buffer: StreamItem<T>[] = [];
  #head = 0;
  #reader: { resolve: (r: IteratorResult<StreamItem<T>>) => void; reject: (e: unknown) => void } | undefined;
  #ending: Ending;
  #unsubscribe: Promise<Unsubscribe | undefined>;
  /** The unsubscribe begun by the end, settled once the server answered (or it failed). */
  #unsubscribed: Promise<void> | undefined;
  readonly #detach: () => void;
  readonly #onDrop: (channel: string) => void;

  /**
   * @param subscribe - registers the push handler and what ends the stream when the server refuses its channels
   *   for good (on a restore); resolves with the unsubscribe function
   * @param onClosed - registers a callback for the session's end (error for a fatal close); returns its undo
   * @param options - see {@link StreamOptions}
   * @param onDrop - told of each item `drop-oldest` discards (for the metrics)
   */
  constructor(
    subscribe: (push: NotificationHandler<T>, refused: RefusalHandler) => Promise<Unsubscribe>,
    onClosed: (end: (error?: Error) => void) => () => void,
    options: StreamOptions = {},
    onDrop: (channel: string) => void = () => {},
  ) {
    this.#onDrop = onDrop;
    const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
      throw new InvalidArgumentError('highWaterMark', 'stream highWaterMark must be a positive integer');
    }
    if (
      options.overflow !== undefined &&
      options.overflow !== 'error' &&
      options.overflow !== 'drop-oldest'
    ) {
      throw new InvalidArgumentError('overflow', "stream overflow must be 'error' or 'drop-oldest'");
    }
    validateTimeout('timeout', options.timeout, 1); // checked now rather than by the first next()
    const signal = validateSignal('signal', options.signal);
    this.#highWaterMark = highWaterMark;
    this.#dropOldest = options.overflow === 'drop-oldest';
    if (signal?.aborted) {
      // Ended before it began: nothing is subscribed, nothing listens.
      this.#ending = { error: signal.reason };
      this.#unsubscribe = Promise.resolve(undefined);
      this.#detach = () => {};
      return;
    }
    const onAbort = (): void => this.#end({ error: signal?.reason });
    signal?.addEventListener('abort', onAbort, { once: true });
    const undoClosed = onClosed((error) => this.#end(error ? { error } : {}));
    this.#detach = () => {
      signal?.removeEventListener('abort', onAbort);
      undoClosed();
    };
    this.#unsubscribe = subscribe(
      (data, channel, info) => this.#push({ channel, data, replayed: info.replayed }),
      (_channels, error) => this.#end({ error }),
    ).then(
      (unsubscribe) => unsubscribe,
      (error: unknown) => {
        this.#end({ error });
        return undefined;
      },
    );
  }

  #push(item: StreamItem<T>): void {
    if (this.#ending !== undefined) return;
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      reader.resolve({ value: item, done: false });
      return;
    }
    if (this.#buffer.length - this.#head >= this.#highWaterMark) {
      if (!this.#dropOldest) {
        this.#end({ error: new StreamOverflowError(this.#highWaterMark) });
        return;
      }
      this.#onDrop((this.#buffer[this.#head] as StreamItem<T>).channel);
      this.#head += 1;
    }
    this.#buffer.push(item);
    if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head); // compact now and then: shift() on every read is O(n)
      this.#head = 0;
    }
  }

  /** End the stream: unsubscribe, release listeners, and settle a waiting reader. */
  #end(ending: NonNullable<Ending>): void {
    if (this.#ending !== undefined) return;
    this.#ending = ending;
    this.#detach();
    this.#unsubscribed = this.#unsubscribe.then((unsubscribe) => unsubscribe?.()).catch(() => {});
    const reader = this.#reader;
    this.#reader = undefined;
    if (reader === undefined) return;
    if (ending.error === undefined) reader.resolve({ value: undefined, done: true });
    else {
      this.#ending = {}; // thrown to the waiting reader: the next read is done, not the same error again
      reader.reject(ending.error);
    }
  }

  /** The next notification; buffered ones are read first, even after the stream ended. */
  next(): Promise<IteratorResult<StreamItem<T>>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as StreamItem<T>;
      this.#head += 1;
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    const ending = this.#ending;
    if (ending !== undefined) {
      if (ending.error !== undefined) {
        this.#ending = {}; // an error is thrown once; then the iterator is done
        return Promise.reject(ending.error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#reader !== undefined)
      return Promise.reject(new InvalidArgumentError('next', 'stream: one next() at a time'));
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  /** Stop early (`break` in `for await`): resolves once the server unsubscribed the stream's channels. */
  async return(): Promise<IteratorResult<StreamItem<T>>> {
    this.#end({});
    this.#buffer = [];
    this.#head = 0;
    this.#ending = {};
    await this.#unsubscribed;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamItem<T>> {
    return this;
  }
}
