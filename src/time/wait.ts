/**
 * The one way this library waits: {@link wait} (for work, a deadline and an AbortSignal, whichever comes first),
 * {@link sleep}, and {@link DeadlineTimer} for far-away deadlines. Every timer and abort listener is removed
 * when the wait settles, and listeners on a caller's signal go through {@link onAbort}, which adds one listener
 * per signal however many waits share it (no `MaxListenersExceededWarning` for 100 calls on one signal).
 * @module
 */
import { monotonic } from './clock.js';

/** The largest delay `setTimeout` accepts (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

const callbacks = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Run `callback` once when `signal` aborts; returns the undo. All callbacks of one signal share one listener,
 * added on the first and removed with the last.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let set = callbacks.get(signal);
  if (set === undefined) {
    const own = new Set<() => void>();
    set = own;
    callbacks.set(signal, own);
    signal.addEventListener(
      'abort',
      () => {
        callbacks.delete(signal);
        for (const fn of own) fn();
      },
      { once: true },
    );
  }
  const entry = (): void => callback();
  set.add(entry);
  return () => {
    const current = callbacks.get(signal);
    if (current === undefined) return;
    current.delete(entry);
    // The listener itself stays until the signal aborts or is collected: removing it needs the closure,
    // and a signal with no callbacks left costs one idle listener.
  };
}

/** Options of {@link wait}. */
export interface WaitOptions<T> {
  /** ms until the deadline; `undefined` or `Infinity`: none. Longer waits than {@link MAX_TIMER_DELAY} re-arm. */
  readonly ms?: number | undefined;
  /** Abort the wait: it rejects with the signal's reason (at once when already aborted). */
  readonly signal?: AbortSignal | undefined;
  /** The deadline's outcome: return a value to resolve with, throw to reject. Default: resolve `undefined`. */
  readonly onTimeout?: (() => T) | undefined;
  /** Called when the signal ends the wait, to stop the work behind it. */
  readonly onAbort?: (() => void) | undefined;
}

/**
 * `work`'s outcome, unless the deadline (`ms`) or the signal comes first. Without `work`, only the deadline or
 * the signal can end it. Timer and listener are released however it ends.
 */
export function wait<T>(work: PromiseLike<T> | undefined, options: WaitOptions<T>): Promise<T> {
  const { ms, signal } = options;
  if (signal?.aborted) {
    options.onAbort?.();
    return Promise.reject(signal.reason);
  }
  const hasDeadline = ms !== undefined && ms !== Number.POSITIVE_INFINITY;
  if (work !== undefined && !hasDeadline && signal === undefined) return Promise.resolve(work);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = new DeadlineTimer();
    const undo = signal === undefined ? undefined : onAbort(signal, aborted);
    function finish(): boolean {
      if (settled) return false;
      settled = true;
      timer.cancel();
      undo?.();
      return true;
    }
    function aborted(): void {
      if (!finish()) return;
      options.onAbort?.();
      reject(signal?.reason);
    }
    if (hasDeadline) {
      timer.scheduleIn(Math.max(0, ms), () => {
        if (!finish()) return;
        try {
          resolve((options.onTimeout?.() ?? undefined) as T);
        } catch (error) {
          reject(error);
        }
      });
    }
    work?.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait<void>(undefined, { ms, signal });
}

/**
 * One timer that fires `onDue` at an absolute time on the monotonic clock (see `clock.ts`), however far away:
 * it re-arms in {@link MAX_TIMER_DELAY} steps. Scheduling again replaces the previous schedule.
 */
export class DeadlineTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = 0;
  #onDue: (() => void) | undefined;

  /** Fire `onDue` at `at` (monotonic ms), replacing any earlier schedule. */
  schedule(at: number, onDue: () => void): void {
    this.cancel();
    this.#at = at;
    this.#onDue = onDue;
    this.#arm();
  }

  /** Fire `onDue` in `ms` milliseconds, replacing any earlier schedule. */
  scheduleIn(ms: number, onDue: () => void): void {
    this.schedule(monotonic() + ms, onDue);
  }

  /** The scheduled time (monotonic ms), or undefined when idle. */
  get dueAt(): number | undefined {
    return this.#onDue ? this.#at : undefined;
  }

  /** Forget the schedule. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#onDue = undefined;
  }

  #arm(): void {
    const delay = Math.min(Math.max(0, this.#at - monotonic()), MAX_TIMER_DELAY);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (monotonic() < this.#at) {
        this.#arm();
        return;
      }
      const onDue = this.#onDue;
      this.#onDue = undefined;
      onDue?.();
    }, delay);
  }
}
