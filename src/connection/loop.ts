/**
 * The connection loop: open a socket → authenticate → restore heartbeat, cancel-on-disconnect and
 * subscriptions → ready; on loss, again, with p-retry's backoff (a connection that flaps before
 * `stableAfter` counts as a failed attempt). It is the one owner of the current socket: it opens it, watches
 * it (liveness), drops it, and closes it on the way out (logging out first when asked).
 * @module
 */
import type { Grant } from '../auth/grants.js';
import type { TokenKeeper } from '../auth/keeper.js';
import type { CallGate } from '../calls/gate.js';
import {
  ConnectionClosedError,
  classify,
  isLoginOverLimit,
  NotConnectedError,
  RequestTimeoutError,
  SessionClosedError,
} from '../errors/errors.js';
import { validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { ConnectOptions, LogoutResult } from '../session/session-types.js';
import { isReady, type TransitionReason } from '../session/state.js';
import type { Subscriber } from '../subscriptions/subscriber.js';
import { abortableSleep, type RetryInfo, retryWithBackoff } from './backoff.js';
import { endSocket, type LogoutRequest, type Unconfirmed } from './end.js';
import { testRequestResponder } from './heartbeat.js';
import { LivenessMonitor, livenessModeFor } from './liveness.js';
import { RpcConnection, type RpcHandlers } from './rpc.js';
import { setUpSocket } from './setup.js';
import type { WebSocketConstructor } from './socket.js';

/** What the loop needs from its session. */
export interface LoopLink {
  readonly keeper: TokenKeeper;
  readonly gate: CallGate;
  readonly subscriber: Subscriber;
  readonly WebSocket: WebSocketConstructor;
  /** Node `ws` client options (undefined in browsers). */
  readonly socketOptions: Record<string, unknown> | undefined;
  /** The session is authenticated (again): announce it. */
  announce(grant: Grant): void;
  /** A fatal error: the session closes with it. */
  fail(error: Error): void;
  /** The loop gave up (out of retries, or reconnect disabled): whoever waits learns why. */
  gaveUp(error: Error): void;
}

/** Progress of the reconnect loop, for `status()`. */
export interface LoopStatus {
  readonly attempt: number;
  readonly lastError: Error | undefined;
  /** ms epoch of the next attempt while waiting in backoff. */
  readonly nextRetryAt: number | undefined;
}

/** One session's connection loop. */
export class ConnectionLoop {
  readonly #ctx: SessionContext;
  readonly #link: LoopLink;
  #socket: RpcConnection | undefined;
  #monitor: LivenessMonitor | undefined;
  /** Exists while a loop runs; aborted to end it, even mid-wait. */
  #abort: AbortController | undefined;
  /** While the loop waits for the connection to prove stable: how a loss breaks that wait. */
  #stableBreak: ((error: Error) => void) | undefined;
  /** Why the current socket is being dropped (the `state` event's reason when it closes). */
  #dropReason: TransitionReason = 'socket-closed';
  /** The failure the current socket is being dropped for, if any: the next connection backs off as after it. */
  #dropFailure: Error | undefined;
  /** The socket a logout is waiting on: `hurry()` closes it. */
  #loggingOut: RpcConnection | undefined;
  #status: LoopStatus = { attempt: 0, lastError: undefined, nextRetryAt: undefined };

  /**
   * @param ctx - the session's context (its core)
   * @param link - the parts the loop drives
   */
  constructor(ctx: SessionContext, link: LoopLink) {
    this.#ctx = ctx;
    this.#link = link;
  }

  /** The current socket, authenticated or not. */
  get socket(): RpcConnection | undefined {
    return this.#socket;
  }

  /** The current socket when the session is ready for calls. */
  get readySocket(): RpcConnection | undefined {
    return isReady(this.#ctx.state) ? this.#socket : undefined;
  }

  /** Whether a loop is running (connecting, or waiting to reconnect). */
  get running(): boolean {
    return this.#abort !== undefined;
  }

  /** No attempt pending: keep only why the last one failed (if it did). */
  #rest(lastError: Error | undefined): void {
    this.#status = { attempt: 0, lastError, nextRetryAt: undefined };
  }

  /** Progress, for `status()`. */
  get status(): LoopStatus {
    return this.#status;
  }

  /** See {@link DeribitSession.connect}. */
  connect(options: ConnectOptions): Promise<void> {
    if (this.#ctx.state === 'closed') return Promise.reject(new SessionClosedError());
    const { signal } = options;
    let timeout: number;
    try {
      timeout = validateTimeout('connect timeout', options.timeout, Number.POSITIVE_INFINITY);
    } catch (error) {
      return Promise.reject(error);
    }
    // Before the loop starts: an aborted signal opens no socket and changes no state.
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (isReady(this.#ctx.state)) return Promise.resolve();
    const { gate } = this.#link;
    let gaveUp: Error | undefined;
    const waiting = gate.waitForConnect({
      timeout,
      signal,
      onTimeout: () => {
        const last = this.#status.lastError;
        const detail = last ? ` (last error: ${last.message})` : '';
        gaveUp = new RequestTimeoutError(
          'connect()',
          timeout,
          true,
          `connect() did not complete within ${timeout} ms${detail}`,
        );
        return gaveUp;
      },
    });
    this.start();
    return waiting.catch((error: unknown) => {
      const ownGiveUp = error === gaveUp || (signal?.aborted === true && error === signal.reason);
      // The first connection was abandoned by its last caller: stop trying rather than connect behind their back.
      if (
        ownGiveUp &&
        !this.#link.keeper.hasAuthenticated &&
        !gate.hasConnectWaiter &&
        this.#ctx.state !== 'closed'
      ) {
        const why = error instanceof Error ? error : new Error('connect() was aborted');
        this.stop(why);
        gate.fail(why, new NotConnectedError(`connect() gave up (${why.message}): call connect() again`));
      }
      throw error;
    });
  }

  /**
   * Start the loop unless it runs. After a `failure` on the last socket (an authentication in place that
   * failed), the first connection waits as after a failed attempt, and `reconnecting` reports it.
   */
  start(failure?: Error): void {
    if (this.#abort !== undefined || this.#ctx.state === 'closed') return;
    const controller = new AbortController();
    this.#abort = controller;
    void this.#run(controller.signal, failure).finally(() => {
      if (this.#abort === controller) this.#abort = undefined;
    });
  }

  async #run(signal: AbortSignal, failure: Error | undefined): Promise<void> {
    const policy = this.#ctx.options.reconnect;
    let failed = failure;
    const establish = async (): Promise<void> => {
      if (failed !== undefined) {
        const error = failed;
        failed = undefined;
        throw error; // the attempt that just failed on the last socket: back off before the next one
      }
      await this.#establish(signal);
      this.#rest(undefined);
      if (policy && policy.stableAfter > 0) await this.#waitStable(policy.stableAfter, signal);
    };
    try {
      if (policy === false) await establish();
      else {
        await retryWithBackoff(establish, policy, {
          signal,
          shouldRetry: (error) => classify(error) !== 'fatal',
          // 12003 login_over_limit: every failed login lengthens the lockout. Never retry it hot.
          minDelay: (error) => (isLoginOverLimit(error) ? policy.maxTimeout : 0),
          onRetry: (info) => this.#onRetry(info),
        });
      }
    } catch (error) {
      if (signal.aborted || this.#ctx.state === 'closed') return;
      const failure = error instanceof Error ? error : new Error('connection failed');
      this.#rest(failure); // no more attempts: keep why
      if (classify(failure) === 'fatal') this.#link.fail(failure);
      else this.#link.gaveUp(failure);
    }
  }

  #onRetry(info: RetryInfo): void {
    this.#status = { attempt: info.attempt, lastError: info.error, nextRetryAt: Date.now() + info.delay };
    this.#ctx.log('info', 'reconnecting', {
      attempt: info.attempt,
      delay: info.delay,
      error: info.error.message,
    });
    this.#ctx.emit('reconnecting', info);
  }

  /** One attempt: open a socket, authenticate, restore. Throws on failure. */
  async #establish(signal: AbortSignal): Promise<void> {
    const { keeper, subscriber } = this.#link;
    this.#status = { ...this.#status, nextRetryAt: undefined };
    this.#ctx.setState('connecting', keeper.hasAuthenticated ? 'reconnect' : 'connect');
    const rpc = await this.#open(signal);
    this.#socket = rpc;
    this.#dropReason = 'socket-closed';
    this.#dropFailure = undefined;
    this.#ctx.setState('authenticating', 'socket-open');
    this.#watch(rpc, 'open');
    try {
      const grant = await keeper.authenticate(rpc);
      await Promise.all([setUpSocket(rpc, this.#ctx), subscriber.restore(rpc)]);
      if (this.#socket !== rpc || signal.aborted) {
        throw new ConnectionClosedError(undefined, undefined, 'socket lost during authentication');
      }
      this.#watch(rpc, 'restored');
      this.#ctx.setState('authenticated', 'auth-ok');
      this.#link.announce(grant);
    } catch (error) {
      if (this.#socket === rpc) {
        // Auth or restore failed on a live socket: drop it quietly; the loop decides what comes next.
        this.#release(rpc);
        void rpc.shutdown(1000, 'authentication failed', (method) => new ConnectionClosedError(method));
        if (this.#ctx.state === 'authenticating') this.#ctx.setState('disconnected', 'auth-retryable-error');
      }
      throw error;
    }
  }

  async #open(signal: AbortSignal): Promise<RpcConnection> {
    const { url, connectTimeout } = this.#ctx.options;
    let rpc: RpcConnection | undefined;
    try {
      rpc = await RpcConnection.open({
        url,
        WebSocket: this.#link.WebSocket,
        connectTimeout,
        handlers: this.#handlersFor(() => rpc),
        signal,
        socketOptions: this.#link.socketOptions,
      });
    } catch (error) {
      if (this.#ctx.state === 'connecting') {
        this.#ctx.setState('disconnected', 'socket-error');
        const closed = error instanceof ConnectionClosedError ? error : undefined;
        this.#ctx.emit('disconnected', {
          code: closed?.closeCode ?? 1006,
          reason: error instanceof Error ? error.message : 'connection failed',
          willReconnect: this.#willReconnect(),
        });
      }
      throw error;
    }
    if (signal.aborted) {
      void rpc.shutdown(1000, 'session closed', () => new SessionClosedError());
      throw signal.reason;
    }
    return rpc;
  }

  /** Resolve once the connection stayed up for `ms`; reject if it closes sooner (a flap is a failed attempt). */
  #waitStable(ms: number, signal: AbortSignal): Promise<void> {
    if (!isReady(this.#ctx.state))
      return Promise.reject(new ConnectionClosedError(undefined, undefined, 'socket lost'));
    const broken = new AbortController();
    this.#stableBreak = (error) => broken.abort(error);
    const onAbort = (): void => broken.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    return abortableSleep(ms, broken.signal).finally(() => {
      signal.removeEventListener('abort', onAbort);
      this.#stableBreak = undefined;
    });
  }

  /** Watch `rpc` as this phase asks (see {@link livenessModeFor}). */
  #watch(rpc: RpcConnection, phase: 'open' | 'restored'): void {
    const { liveness, heartbeatInterval } = this.#ctx.options;
    const mode = livenessModeFor(phase, liveness, heartbeatInterval);
    if (mode === undefined) return;
    this.#monitor?.stop();
    const reason: TransitionReason = 'probe' in mode ? 'liveness-timeout' : 'heartbeat-timeout';
    this.#monitor = new LivenessMonitor(rpc, mode, () => {
      this.#ctx.log('warn', 'no frame from the server in time; dropping the socket', { reason });
      this.drop(rpc, reason, 'no frame from the server in time');
    });
  }

  #handlersFor(current: () => RpcConnection | undefined): RpcHandlers {
    const answerTestRequest = testRequestResponder(current, this.#ctx.options.requestTimeout);
    return {
      onNotification: (channel, data) => this.#link.subscriber.registry.dispatch(channel, data),
      onHeartbeat: (type) => {
        // Only the current socket is answered: one being logged out or closed gets nothing more.
        if (type === 'test_request' && current() === this.#socket) answerTestRequest();
      },
      onClose: (code, reason) => {
        const rpc = current();
        if (rpc !== undefined) this.#onSocketClosed(rpc, code, reason);
      },
      onProtocolError: (error) => this.#ctx.report(error),
    };
  }

  #onSocketClosed(rpc: RpcConnection, code: number, reason: string): void {
    if (rpc !== this.#socket) return; // an old socket, or one being closed on purpose
    this.#release(rpc);
    const willReconnect = this.#willReconnect();
    this.#ctx.log('warn', 'socket closed', { code, reason, willReconnect });
    if (this.#ctx.state !== 'disconnected' && this.#ctx.state !== 'closed') {
      this.#ctx.setState('disconnected', this.#dropReason);
    }
    this.#ctx.emit('disconnected', { code, reason, willReconnect });
    const failure = this.#dropFailure;
    this.#dropFailure = undefined;
    const lost = failure ?? new ConnectionClosedError(undefined, code, reason);
    if (this.#stableBreak) this.#stableBreak(lost);
    else if (willReconnect) this.start(failure);
    else if (!this.running) {
      this.#rest(lost);
      this.#link.gaveUp(lost);
    }
  }

  #willReconnect(): boolean {
    return this.#ctx.options.reconnect !== false && this.#ctx.state !== 'closed';
  }

  /** Forget `rpc` as the current socket, with everything tied to it. */
  #release(rpc: RpcConnection): void {
    if (this.#socket !== rpc) return;
    this.#socket = undefined;
    this.#monitor?.stop();
    this.#monitor = undefined;
    this.#link.keeper.stop();
    this.#link.subscriber.socketLost();
  }

  /**
   * Drop `rpc` now (it is dead or unusable); the close handler reports it and the loop reconnects, at once,
   * or after a `failure` (e.g. `12003` to an authentication in place) with the backoff that failure asks for.
   */
  drop(rpc: RpcConnection, reason: TransitionReason, why: string, failure?: Error): void {
    if (rpc !== this.#socket) return;
    this.#dropReason = reason;
    this.#dropFailure = failure;
    rpc.terminate(4001, why);
  }

  /**
   * Stop trying (a `connect()` that gave up): end the loop and any socket it holds, back to `disconnected`.
   * A later `connect()` starts afresh.
   */
  stop(error: Error): void {
    this.#abort?.abort(error);
    this.#abort = undefined;
    const rpc = this.#socket;
    if (rpc !== undefined) {
      this.#release(rpc);
      void rpc.shutdown(1000, 'connect aborted', (method) => new ConnectionClosedError(method));
    }
    if (this.#ctx.state !== 'disconnected' && this.#ctx.state !== 'closed') {
      this.#ctx.setState('disconnected', 'connect-aborted');
      this.#ctx.emit('disconnected', { code: 1000, reason: error.message, willReconnect: false });
    }
    this.#rest(error);
  }

  /**
   * The session is closing: end the loop and whatever socket exists, whatever it is doing. With `logout`,
   * an authenticated socket gets `private/logout` and the server is given `logout.timeout` ms to close it.
   * Synchronous up to the logout frame, so nothing is sent after `closed` is announced. An unconfirmed logout
   * is reported as a `logout-unconfirmed` warning.
   */
  async end(logout: LogoutRequest | undefined, errorFor: (method: string) => Error): Promise<LogoutResult> {
    const why = await this.#endSocket(logout, errorFor);
    if (logout === undefined || why === undefined) return { confirmed: why === undefined };
    this.#ctx.warn({
      code: 'logout-unconfirmed',
      message:
        why === 'no-socket' || why === 'not-authenticated'
          ? 'logged out locally: the socket was down'
          : 'the server did not close the socket after private/logout in time',
    });
    return { confirmed: false };
  }

  /** End the loop and the socket; resolves with why a logout is unconfirmed, or undefined when it is confirmed. */
  async #endSocket(
    logout: LogoutRequest | undefined,
    errorFor: (method: string) => Error,
  ): Promise<Unconfirmed | undefined> {
    this.#abort?.abort(new SessionClosedError());
    this.#abort = undefined;
    this.#rest(this.#status.lastError);
    const rpc = this.#socket;
    if (rpc === undefined) return 'no-socket';
    this.#release(rpc);
    this.#loggingOut = rpc;
    try {
      return await endSocket(rpc, logout, errorFor);
    } finally {
      this.#loggingOut = undefined;
    }
  }

  /** `close()` during a logout: stop waiting for the server and close the socket now. */
  hurry(): void {
    const rpc = this.#loggingOut;
    this.#loggingOut = undefined;
    void rpc?.shutdown(1000, 'session closed', () => new SessionClosedError());
  }
}
