/**
 * The call gate: the way calls reach the socket, and everything that waits for the session to become ready
 * (`authenticated`). A call goes out at once on a ready session; otherwise it waits at most its `maxWait`
 * (then rejects unsent: an order must not go out late), within its overall `timeout`. `connect()` callers
 * wait for the outcome of the connection loop. The gate opens on `authenticated` and fails everyone on close,
 * on a fatal error, or when the loop gives up. Each call is stamped with the token generation it was sent
 * under, so a late `13009` about an older token fails only its own call.
 * @module
 */

import { randomNonce } from '../auth/signature.js';
import type { RequestOptions, SocketLifetime } from '../connection/lifetime.js';
import type { RpcConnection } from '../connection/rpc.js';
import { isPrivateMethod } from '../connection/transport.js';
import { isResolvable } from '../continuity/outcomes.js';
import { isTooManyRequests, isUnauthorized } from '../errors/classify.js';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  NotConnectedError,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from '../errors/errors.js';
import { validateMaxWait, validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { CallOptions } from '../session/session-types.js';
import { isReady } from '../session/state.js';
import { monotonic } from '../time/clock.js';
import { onAbort, wait } from '../time/wait.js';
import type { CreditGovernor } from './credits/governor.js';
import { poolOf } from './credits/pools.js';
import type { PlatformGate } from './platform.js';

/** What the gate uses of a socket's lifetime (a narrow view: unit tests give it a fake). */
export interface GateSocket {
  readonly rpc: Pick<RpcConnection, 'call' | 'serverOffset' | 'usDiff'>;
}

/** What the gate needs from the session. */
export interface GateLink<Socket extends GateSocket = SocketLifetime> {
  /** The live socket when the session is ready, else undefined. */
  ready(): Socket | undefined;
  /** Whether the connection loop runs (so readiness may come). */
  connecting(): boolean;
  /** The token generation current now. */
  generation(): number;
  /** A private call sent on `life` under `generation` was refused as unauthorized. */
  onUnauthorized(life: Socket, generation: number): void;
  /** An order call was in flight when the socket dropped: its outcome is to be found out. */
  lost(call: LostCallInfo, error: ConnectionClosedError): void;
  /** The credit governor of the session's subaccount, when pacing is on. */
  governor(): CreditGovernor | undefined;
  /** What Deribit locked (order entry waits while it is). */
  platformGate(): PlatformGate;
  /** An order call goes out on `life`. */
  ordering(life: Socket): void;
  /** A `10028` answered a request on `life`: Deribit ends that session. */
  tooManyRequests(life: Socket, error: Error): void;
}

/** An order call lost with its socket. */
export interface LostCallInfo {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Local wall time (ms) it was sent, and the server's clock offset then. */
  readonly sentAt: number;
  readonly offset: number;
}

/** Order calls whose lost answers the session can resolve. */
function isOrderMethod(method: string): boolean {
  return method.startsWith('private/') && isResolvable(method);
}

/** With `labelOrders`, a buy or sell without a label gets a unique one, so its outcome can always be found. */
function withLabel(
  method: string,
  params: Record<string, unknown> | undefined,
  labelOrders: boolean,
): Record<string, unknown> | undefined {
  if (!labelOrders || (method !== 'private/buy' && method !== 'private/sell')) return params;
  if (params === undefined || (typeof params['label'] === 'string' && params['label'] !== '')) return params;
  return { ...params, label: `ds-${randomNonce(20)}` };
}

/** Options of one wait. */
export interface WaitOptions {
  /** ms to wait at most; the wait rejects with `onTimeout()` then. Infinity for no bound. */
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  /** Default: a {@link RequestTimeoutError} saying the request was never sent. */
  readonly onTimeout?: () => Error;
}

/** Everyone waiting for one outcome: settled at once for all of them. */
class Waiters {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  count = 0;

  constructor() {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    this.promise = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    this.promise.catch(() => {}); // each waiter handles it; nobody left waiting is no unhandled rejection
    this.resolve = resolve;
    this.reject = reject;
  }
}

/** Calls, and waiters for readiness. */
export class CallGate<Socket extends GateSocket = SocketLifetime> {
  readonly #ctx: SessionContext;
  readonly #link: GateLink<Socket>;
  // Created on first use: an idle authenticated session never waits.
  #calls: Waiters | undefined;
  #connects: Waiters | undefined;
  /** Aborted when the session closes. */
  readonly #closing = new AbortController();

  /**
   * @param ctx - the session's context (its core)
   * @param link - the socket, the loop and the tokens
   */
  constructor(ctx: SessionContext, link: GateLink<Socket>) {
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
    const life = this.#link.ready();
    if (life !== undefined && options === undefined) {
      // The fast path: ready, and the credits are there (taken synchronously).
      const governor = this.#link.governor();
      if (!this.#link.platformGate().locked && (governor === undefined || governor.tryAcquire(method))) {
        return this.#send<T>(life, method, params, this.#ctx.options.requestTimeout, undefined);
      }
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
    const started = monotonic();
    const deadline = started + timeout;
    // Waiting for readiness and for credits together: at most maxWait, then unsent (never sent late).
    const waitUntil = Math.min(deadline, started + maxWait);
    for (;;) {
      const life = this.#link.ready();
      const left = deadline - monotonic();
      if (life !== undefined) {
        const platform = this.#link.platformGate();
        if (platform.locked) {
          await platform.whenOpen(method, params, waitUntil, options.signal);
          if (this.#link.ready() !== life) continue;
        }
        const governor = this.#link.governor();
        if (governor === undefined || governor.tryAcquire(method)) {
          return this.#send<T>(life, method, params, Math.max(1, left), options.signal);
        }
        await this.#credits(governor, method, waitUntil, options.signal);
        // The socket may have gone while the call waited: then wait for the next one (the credits are spent).
        if (this.#link.ready() === life) {
          return this.#send<T>(life, method, params, Math.max(1, deadline - monotonic()), options.signal);
        }
        continue;
      }
      if (left <= 0) throw new RequestTimeoutError(method, timeout, true);
      const waitFor = Math.max(0, waitUntil - monotonic());
      await this.waitReady(method, waitFor, options.signal, Math.min(maxWait, timeout));
    }
  }

  /** Wait for `method`'s credits until `until` (monotonic), or the caller's signal, or the session's close. */
  async #credits(
    governor: CreditGovernor,
    method: string,
    until: number,
    signal: AbortSignal | undefined,
    priority?: 'critical',
  ): Promise<void> {
    const started = monotonic();
    const stop = new AbortController();
    const undo = [this.#closing.signal, signal].map((s) =>
      s === undefined ? undefined : onAbort(s, () => stop.abort(s.reason)),
    );
    try {
      await governor.acquire(method, {
        deadline: until,
        signal: stop.signal,
        ...(priority ? { priority } : {}),
      });
    } finally {
      for (const off of undo) off?.();
      this.#ctx.metrics.creditWait(poolOf(method), monotonic() - started);
    }
  }

  #send<T>(
    life: Socket,
    method: string,
    params: Record<string, unknown> | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const generation = this.#link.generation();
    const order = isOrderMethod(method);
    const request = order ? withLabel(method, params, this.#ctx.options.labelOrders) : params;
    const sent = this.#guard(life, method, life.rpc.call(method, request, timeout, signal) as Promise<T>);
    if (order) {
      this.#link.ordering(life);
      // Before the caller's own handlers: the error it gets already carries `outcome`.
      const info = { method, params: request ?? {}, sentAt: Date.now(), offset: life.rpc.serverOffset };
      sent.catch((error: unknown) => {
        if (error instanceof ConnectionClosedError) this.#link.lost(info, error);
      });
    }
    if (this.#ctx.metrics.observesCalls) this.#observe(life, method, sent);
    // The user's own access_token is the user's business; the session's token is ours to renew.
    if (isPrivateMethod(method) && (params === undefined || !('access_token' in params))) {
      sent.catch((error: unknown) => {
        if (isUnauthorized(error)) this.#link.onUnauthorized(life, generation);
      });
    }
    return sent;
  }

  /** Time a call for the metrics: its outcome, its round trip, the server's clock as its answer stamped it. */
  #observe(life: Socket, method: string, sent: Promise<unknown>): void {
    const { metrics } = this.#ctx;
    const started = monotonic();
    const answered = (): number => {
      const took = monotonic() - started;
      metrics.roundTrip('call', took);
      if (life.rpc.usDiff !== undefined) metrics.serverTime(life.rpc.usDiff);
      metrics.clockOffset(life.rpc.serverOffset);
      return took;
    };
    sent.then(
      () => metrics.call(method, 'ok', answered()),
      (error: unknown) => {
        const took = monotonic() - started;
        if (error instanceof RpcError) {
          metrics.rpcError(method, error.code);
          metrics.call(method, 'rpc-error', answered());
        } else if (error instanceof RequestTimeoutError)
          metrics.call(method, error.sent ? 'timeout-sent' : 'timeout-unsent', took);
        else if (error instanceof ConnectionClosedError) metrics.call(method, 'closed', took);
        else metrics.call(method, 'aborted', took);
      },
    );
  }

  /**
   * A request of the session's own on `life` (authentication, set-up, subscriptions, resyncs, probes), paced
   * like any call but ahead of user calls, with the small reserve user calls may not touch.
   */
  request(
    life: Socket,
    method: string,
    params: object | undefined,
    options: RequestOptions,
  ): Promise<unknown> {
    const governor = this.#link.governor();
    // The session's own requests decide when it is ready (or keep it alive): they go before user calls.
    const priority = 'critical';
    if (governor === undefined || governor.tryAcquire(method, priority)) {
      return this.#guard(life, method, life.rpc.call(method, params, options.timeout, options.signal));
    }
    const until = monotonic() + options.timeout;
    return this.#credits(governor, method, until, options.signal, priority).then(() =>
      this.#guard(
        life,
        method,
        life.rpc.call(method, params, Math.max(1, until - monotonic()), options.signal),
      ),
    );
  }

  /**
   * A `10028` came anyway (another process on the subaccount, or a pool smaller than believed): the pool is
   * treated as empty and slowed, and the socket, which Deribit terminates, is given up with that failure, so the
   * reconnect backs off instead of storming.
   */
  #guard<T>(life: Socket, method: string, sent: Promise<T>): Promise<T> {
    // Its answer may tell the governor that the burst before it has reached Deribit (credits/arrival.ts).
    this.#link.governor()?.sending(method, sent);
    sent.catch((error: unknown) => {
      if (!isTooManyRequests(error)) return;
      this.#link.governor()?.onTooManyRequests(poolOf(method));
      this.#link.tooManyRequests(life, error as Error);
    });
    return sent;
  }

  /** The session closed: calls waiting for credits stop waiting. */
  close(): void {
    this.#closing.abort(new SessionClosedError());
  }

  /** Wait until ready, at most `timeout` ms; rejects at once when closed or when nothing is connecting. */
  waitReady(
    what: string,
    timeout: number,
    signal: AbortSignal | undefined,
    reported = timeout,
  ): Promise<void> {
    const state = this.#ctx.state;
    if (state === 'closed') return Promise.reject(new SessionClosedError());
    if (isReady(state)) return Promise.resolve();
    if (state === 'disconnected' && !this.#link.connecting()) {
      return Promise.reject(
        new NotConnectedError(`${what} was not sent: the session is not connected; call connect() first`),
      );
    }
    return this.wait(what, {
      timeout,
      signal,
      onTimeout: () => new RequestTimeoutError(what, reported, true),
    });
  }

  /** How many wait now. */
  get size(): number {
    return (this.#calls?.count ?? 0) + (this.#connects?.count ?? 0);
  }

  /** Wait until {@link open}; `what` names the call in the timeout error. */
  wait(what: string, options: WaitOptions): Promise<void> {
    this.#calls ??= new Waiters();
    return this.#add(this.#calls, what, options);
  }

  /** Wait as a `connect()` caller (rejected with the fatal error itself by {@link fail}). */
  waitForConnect(options: WaitOptions): Promise<void> {
    this.#connects ??= new Waiters();
    return this.#add(this.#connects, 'connect()', options);
  }

  async #add(waiters: Waiters, what: string, { timeout, signal, onTimeout }: WaitOptions): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    // No time to wait: fail now, before anything can open the gate (a 0 ms timer would let it through).
    const timedOut = (): never => {
      throw onTimeout ? onTimeout() : new RequestTimeoutError(what, timeout, true);
    };
    if (timeout <= 0) timedOut();
    waiters.count += 1;
    try {
      await wait(waiters.promise, { ms: timeout, signal, onTimeout: timedOut });
    } finally {
      waiters.count -= 1;
    }
  }

  /** The session is ready: let everyone through. */
  open(): void {
    const calls = this.#calls;
    const connects = this.#connects;
    this.#calls = this.#connects = undefined;
    calls?.resolve();
    connects?.resolve();
  }

  /** Reject everyone: `connect()` callers with `forConnect`, calls with `forCalls`. */
  fail(forConnect: Error, forCalls: Error = forConnect): void {
    const calls = this.#calls;
    const connects = this.#connects;
    this.#calls = this.#connects = undefined;
    calls?.reject(forCalls);
    connects?.reject(forConnect);
  }

  /** Whether a `connect()` caller is waiting. */
  get hasConnectWaiter(): boolean {
    return (this.#connects?.count ?? 0) > 0;
  }
}
