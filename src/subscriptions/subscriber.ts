/**
 * Subscriptions on the server: subscribe and unsubscribe requests (public and private apart, cut to Deribit's
 * limits), one request in flight per channel however many callers ask, restoring every channel on a new socket
 * before the session is announced ready, and reconciling what the server granted with what is still wanted (a
 * channel unsubscribed while its subscribe was in flight is unsubscribed again once the answer comes).
 *
 * A channel is never silently lost: a `subscribe()` the server leaves a channel out of rejects with
 * {@link SubscriptionRefusedError}; a restore retries what failed or was left out, on the same socket with a
 * short backoff, and reports a channel refused for good to its subscribers (see `restore.ts`).
 * @module
 */
import type { SocketLifetime } from '../connection/lifetime.js';
import { isUnauthorized } from '../errors/classify.js';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  NotConnectedError,
  RequestTimeoutError,
  SessionClosedError,
  SubscriptionRefusedError,
} from '../errors/errors.js';
import { validateMaxWait, validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { CallOptions } from '../session/session-types.js';
import { monotonic } from '../time/clock.js';
import { wait } from '../time/wait.js';
import { channelRequests } from './channels.js';
import { type NotificationHandler, type RefusalHandler, SubscriptionRegistry } from './registry.js';
import { restoreChannels } from './restore.js';

/** What the subscriber needs from the session. */
export interface SubscriberLink {
  /** The live socket when the session is ready (authenticated or refreshing), else undefined. */
  ready(): SocketLifetime | undefined;
  /** The session's current socket, ready or not (undefined once it is lost, closed or logging out). */
  current(): SocketLifetime | undefined;
  /** Wait for readiness, at most `timeout` ms ({@link NotConnectedError} when nothing is connecting). */
  waitReady(what: string, timeout: number, signal: AbortSignal | undefined): Promise<void>;
  /** A handler of `channel` threw or rejected with `error`. */
  handlerFailed(error: unknown, channel: string): void;
}

/** The outcome of one subscribe request: the channels of its part the server left out. */
type Outcome = Promise<readonly string[]>;

/** Server-side subscriptions of one session. */
export class Subscriber {
  /** Handlers per channel. */
  readonly registry: SubscriptionRegistry;
  readonly #ctx: SessionContext;
  readonly #link: SubscriberLink;

  /**
   * @param ctx - the session's context
   * @param link - readiness of the session, and where handler failures go
   */
  constructor(ctx: SessionContext, link: SubscriberLink) {
    this.#ctx = ctx;
    this.#link = link;
    this.registry = new SubscriptionRegistry((error, channel) => link.handlerFailed(error, channel));
  }

  /**
   * Register `handler` on `channels` and resolve once the server confirmed each of them. Before `connect()` it
   * only registers: the channels are sent once authenticated. A refusal, a channel left out (then
   * {@link SubscriptionRefusedError}), the timeout or the signal undo the registration and reject. `refused`
   * hears of channels refused later, on a restore (default: reported on the session's `error`).
   */
  async subscribe(
    channels: string | readonly string[],
    handler: NotificationHandler,
    options: CallOptions,
    refused?: RefusalHandler,
  ): Promise<() => Promise<void>> {
    const list = typeof channels === 'string' ? [channels] : [...channels];
    if (list.length === 0 || list.some((channel) => typeof channel !== 'string' || channel.trim() === '')) {
      throw new InvalidArgumentError('channels', 'channels must be one or more non-empty strings');
    }
    if (typeof handler !== 'function')
      throw new InvalidArgumentError('handler', 'handler must be a function');
    const timeout = validateTimeout('timeout', options.timeout, this.#ctx.options.requestTimeout);
    const maxWait = validateMaxWait('maxWait', options.maxWait, this.#ctx.options.maxWait);
    if (this.#ctx.state === 'closed') throw new SessionClosedError();
    if (options.signal?.aborted) throw options.signal.reason; // nothing registered, nothing sent
    const registration = this.registry.add(
      list,
      handler,
      refused ?? ((_channels, error) => this.#ctx.report(error)),
    );
    const unsubscribe = async (): Promise<void> => {
      const emptied = registration.remove();
      if (emptied.length > 0) await this.#unsubscribeOnServer(emptied);
    };
    const deadline = monotonic() + timeout;
    const remaining = (): number => Math.max(0, deadline - monotonic());
    try {
      for (;;) {
        try {
          await this.#link.waitReady('subscribe', Math.min(maxWait, remaining()), options.signal);
        } catch (error) {
          // Before connect(): registered now, subscribed on the server once authenticated.
          if (error instanceof NotConnectedError && !registration.removed) return unsubscribe;
          throw error;
        }
        const life = this.#link.ready();
        if (life === undefined) continue;
        try {
          await this.#confirmed(life, [...new Set(list)], remaining(), options.signal);
          return unsubscribe;
        } catch (error) {
          // The socket dropped: the restore after the reconnect subscribes again; wait for it while time remains.
          if (!(error instanceof ConnectionClosedError) || remaining() === 0) throw error;
        }
      }
    } catch (error) {
      await unsubscribe().catch(() => {});
      throw error;
    }
  }

  /** Resolve once every channel is confirmed on `life`; reject on refusal, a channel left out, timeout or abort. */
  async #confirmed(
    life: SocketLifetime,
    channels: string[],
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const socket = life.channels;
    const toSend = channels.filter((c) => !socket.isConfirmed(c) && socket.inflight(c) === undefined);
    if (toSend.length > 0) this.send(life, toSend, timeout);
    const waits = [...new Set(channels.flatMap((c) => socket.inflight(c) ?? []))];
    if (waits.length > 0) {
      await wait(Promise.all(waits), {
        ms: timeout,
        signal,
        onTimeout: () => {
          throw new RequestTimeoutError('subscribe', timeout);
        },
      });
    }
    if (life.signal.aborted)
      throw new ConnectionClosedError(undefined, undefined, 'socket lost during subscribe');
    const missing = channels.filter((c) => !socket.isConfirmed(c) && this.registry.has(c));
    if (missing.length > 0) throw new SubscriptionRefusedError(missing);
  }

  /**
   * Send subscribe requests for `channels` on `life`, recording one in-flight outcome per channel. Each outcome
   * resolves with the channels of its request the server left out, or rejects when the server refuses the
   * request or the socket goes.
   */
  send(
    life: SocketLifetime,
    channels: readonly string[],
    timeout: number,
  ): Array<{ part: string[]; outcome: Outcome }> {
    return channelRequests(channels, 'subscribe').map(([method, part]) => {
      const outcome = this.#request(life, method, part, timeout);
      life.channels.track(part, outcome.then(noop));
      return { part, outcome };
    });
  }

  async #request(life: SocketLifetime, method: string, part: readonly string[], timeout: number): Outcome {
    const result = await life.request(method, { channels: part }, { timeout: Math.max(1, timeout) });
    const granted = new Set(
      Array.isArray(result) ? result.filter((c): c is string => typeof c === 'string') : [],
    );
    const unwanted: string[] = [];
    const missing: string[] = [];
    for (const channel of part) {
      if (!granted.has(channel)) missing.push(channel);
      else if (this.registry.has(channel)) life.channels.confirm(channel);
      else unwanted.push(channel); // unsubscribed while the request was in flight
    }
    // On the session's socket even while it restores (not ready yet): that is where the channel now is.
    if (unwanted.length > 0 && !life.signal.aborted) {
      await this.#sendUnsubscribe(life, unwanted).catch((error: unknown) => this.#reportUnlessClosed(error));
    }
    return missing;
  }

  /**
   * Subscribe every registered channel on a freshly authenticated socket, before it is reported ready: what
   * fails transiently or is left out is asked again; what the server refuses for good is reported to its
   * subscribers. Throws when the socket cannot be restored (the loop then reconnects with backoff).
   */
  restore(life: SocketLifetime): Promise<void> {
    return restoreChannels(life, this.registry.channels(), {
      send: (channels) => this.send(life, channels, this.#ctx.options.requestTimeout),
      wanted: (channel) => this.registry.has(channel),
      refuse: (channels, error) => {
        const dropped = this.registry.refuse(channels, error);
        if (dropped.length === 0) return;
        this.#ctx.warn({
          code: 'channels-missing',
          message: `the server did not subscribe: ${dropped.join(', ')} (their handlers were removed)`,
          items: dropped,
        });
      },
    });
  }

  async #unsubscribeOnServer(channels: string[]): Promise<void> {
    const life = this.#link.current();
    for (const channel of channels) life?.channels.unconfirm(channel);
    // Channels are subscribed only on an authenticated socket, which may still be restoring (not ready yet).
    if (life === undefined || !life.authenticated) return;
    // A channel whose subscribe is in flight is reconciled when its answer comes.
    const settled = channels.filter((channel) => life.channels.inflight(channel) === undefined);
    if (settled.length === 0) return;
    try {
      await this.#sendUnsubscribe(life, settled);
    } catch (error) {
      // Refused while the token is being renewed in place: once more, when the session is ready again.
      if (isUnauthorized(error) && !life.signal.aborted) {
        await this.#link
          .waitReady('unsubscribe', this.#ctx.options.requestTimeout, undefined)
          .then(
            () => (life.signal.aborted ? undefined : this.#sendUnsubscribe(life, settled)),
            () => undefined,
          )
          .catch((retry: unknown) => this.#reportUnlessClosed(retry));
        return;
      }
      // The handlers are gone either way, so the unsubscribe resolves: a socket that dropped has no
      // subscriptions left to remove, and anything else is reported rather than thrown at the caller.
      this.#reportUnlessClosed(error);
    }
  }

  async #sendUnsubscribe(life: SocketLifetime, channels: readonly string[]): Promise<void> {
    const timeout = this.#ctx.options.requestTimeout;
    await Promise.all(
      channelRequests(channels, 'unsubscribe').map(([method, part]) =>
        life.request(method, { channels: part }, { timeout }),
      ),
    );
  }

  #reportUnlessClosed(error: unknown): void {
    if (!(error instanceof ConnectionClosedError) && error instanceof Error) this.#ctx.report(error);
  }

  /** Counts for `status()`: channels with handlers confirmed on `life`, and the others. */
  counts(life: SocketLifetime | undefined): { confirmed: number; pending: number } {
    const channels = this.registry.userChannels();
    const confirmed = life === undefined ? 0 : channels.filter((c) => life.channels.isConfirmed(c)).length;
    return { confirmed, pending: channels.length - confirmed };
  }

  /**
   * Keep `handler` on `channels` for the session itself (e.g. `platform_state`): restored like any channel, not
   * listed among the user's.
   */
  follow(channels: readonly string[], handler: NotificationHandler): void {
    this.registry.add(
      channels,
      handler,
      (refused, error) =>
        this.#ctx.log('warn', 'a channel the session follows was refused', {
          channels: refused,
          error: error.message,
        }),
      true,
    );
  }

  /** The session closed: forget every handler. */
  clear(): void {
    this.registry.clear();
  }
}

function noop(): void {}
