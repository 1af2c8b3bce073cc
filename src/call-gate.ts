/**
 * The call gate: everything that waits for the session to become ready (`authenticated`). Calls wait at
 * most their `maxWait` (then reject unsent: an order must not go out late); `connect()` callers wait for
 * the outcome of the connection loop, bounded by their own timeout. The gate opens on `authenticated` and
 * fails everyone on close, on a fatal error, or when the loop gives up.
 * @module
 */
import { RequestTimeoutError } from './errors.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** `connect()` callers get the fatal error itself; calls may get another one. */
  readonly isConnect: boolean;
}

/** Options of one wait. */
export interface WaitOptions {
  /** ms to wait at most; the wait rejects with `onTimeout()` then. Infinity for no bound. */
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  /** Default: a {@link RequestTimeoutError} saying the request was never sent. */
  readonly onTimeout?: () => Error;
}

/** Waiters for readiness. */
export class CallGate {
  // Created on first use: an idle authenticated session never waits.
  #waiters: Set<Waiter> | undefined;

  /** How many wait now. */
  get size(): number {
    return this.#waiters?.size ?? 0;
  }

  /** Wait until {@link open}; `what` names the call in the timeout error. */
  wait(what: string, options: WaitOptions): Promise<void> {
    return this.#add(false, what, options);
  }

  /** Wait as a `connect()` caller (rejected with the fatal error itself by {@link fail}). */
  waitForConnect(options: WaitOptions): Promise<void> {
    return this.#add(true, 'connect()', options);
  }

  #add(isConnect: boolean, what: string, { timeout, signal, onTimeout }: WaitOptions): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters?.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        isConnect,
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      const timer = Number.isFinite(timeout)
        ? setTimeout(
            () => waiter.reject(onTimeout ? onTimeout() : new RequestTimeoutError(what, timeout, true)),
            timeout,
          )
        : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters ??= new Set();
      this.#waiters.add(waiter);
    });
  }

  /** The session is ready: let everyone through. */
  open(): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    for (const waiter of waiters ?? []) waiter.resolve();
  }

  /** Reject everyone: `connect()` callers with `forConnect`, calls with `forCalls`. */
  fail(forConnect: Error, forCalls: Error = forConnect): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    for (const waiter of waiters ?? []) waiter.reject(waiter.isConnect ? forConnect : forCalls);
  }

  /** Whether a `connect()` caller is waiting. */
  get hasConnectWaiter(): boolean {
    for (const waiter of this.#waiters ?? []) if (waiter.isConnect) return true;
    return false;
  }
}
