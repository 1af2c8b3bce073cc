/**
 * The call gate: the way calls reach the socket, and everything that waits for the session to become ready
 * (`authenticated`). A call goes out at once on a ready session; otherwise it waits at most its `maxWait`
 * (then rejects unsent: an order must not go out late), within its overall `timeout`. `connect()` callers
 * wait for the outcome of the connection loop. The gate opens on `authenticated` and fails everyone on close,
 * on a fatal error, or when the loop gives up.
 * @module
 */

import type { RpcConnection } from '../connection/rpc.js';
import { isPrivateMethod } from '../connection/transport.js';
import {
  InvalidArgumentError,
  isUnauthorized,
  NotConnectedError,
  RequestTimeoutError,
  SessionClosedError,
} from '../errors/errors.js';
import { validateMaxWait, validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { CallOptions } from '../session/session-types.js';
import { isReady } from '../session/state.js';
import { monotonic } from '../time/clock.js';

/** What the gate needs from the session. */
export interface GateLink {
  /** The live socket when the session is ready, else undefined. */
  readySocket(): RpcConnection | undefined;
  /** Whether the connection loop runs (so readiness may come). */
  connecting(): boolean;
  /** A private call on `rpc` was refused as unauthorized. */
  onUnauthorized(rpc: RpcConnection): void;
}

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

/** Calls, and waiters for readiness. */
export class CallGate {
  readonly #ctx: SessionContext;
  readonly #link: GateLink;
  // Created on first use: an idle authenticated session never waits.
  #waiters: Set<Waiter> | undefined;

  /**
   * @param ctx - the session's context (its core)
   * @param link - the socket and the loop
   */
  constructor(ctx: SessionContext, link: GateLink) {
    this.#ctx = ctx;
    this.#link = link;
  }

  /** See {@link DeribitSession.call}. */
  call<T>(
    method: string,
    params: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
  ): Promise<T> {
    if (typeof method !== 'string' || method === '') {
      return Promise.reject(new InvalidArgumentError('method', 'method must be a non-empty string'));
    }
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      return Promise.reject(new InvalidArgumentError('params', 'params must be an object'));
    }
    const rpc = this.#link.readySocket();
    if (rpc !== undefined && options === undefined) {
      return this.#send<T>(rpc, method, params, this.#ctx.options.requestTimeout, undefined);
    }
    return this.#callWhenReady<T>(method, params, options ?? {});
  }

  async #callWhenReady<T>(
    method: string,
    params: Record<string, unknown> | undefined,
    options: CallOptions,
  ): Promise<T> {
    const timeout = validateTimeout('timeout', options.timeout, this.#ctx.options.requestTimeout);
    const maxWait = validateMaxWait('maxWait', options.maxWait, this.#ctx.options.maxWait);
    const deadline = monotonic() + timeout;
    for (;;) {
      const rpc = this.#link.readySocket();
      const left = deadline - monotonic();
      if (rpc !== undefined) return this.#send<T>(rpc, method, params, Math.max(1, left), options.signal);
      if (left <= 0) throw new RequestTimeoutError(method, timeout, true);
      await this.waitReady(method, Math.min(maxWait, left), options.signal);
    }
  }

  #send<T>(
    rpc: RpcConnection,
    method: string,
    params: Record<string, unknown> | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const sent = rpc.call(method, params, timeout, signal) as Promise<T>;
    // The user's own access_token is the user's business; the session's token is ours to renew.
    if (isPrivateMethod(method) && (params === undefined || !('access_token' in params))) {
      sent.catch((error: unknown) => {
        if (isUnauthorized(error)) this.#link.onUnauthorized(rpc);
      });
    }
    return sent;
  }

  /** Wait until ready, at most `timeout` ms; rejects at once when closed or when nothing is connecting. */
  waitReady(what: string, timeout: number, signal: AbortSignal | undefined): Promise<void> {
    const state = this.#ctx.state;
    if (state === 'closed') return Promise.reject(new SessionClosedError());
    if (isReady(state)) return Promise.resolve();
    if (state === 'disconnected' && !this.#link.connecting()) {
      return Promise.reject(
        new NotConnectedError(`${what} was not sent: the session is not connected; call connect() first`),
      );
    }
    return this.wait(what, { timeout, signal });
  }

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
    // No time to wait: fail now, before anything can open the gate (a 0 ms timer would let it through).
    if (timeout <= 0) return Promise.reject(onTimeout ? onTimeout() : new RequestTimeoutError(what, 0, true));
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
