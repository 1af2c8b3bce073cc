/**
 * The connection loop: open a socket → authenticate → set up heartbeat and cancel-on-disconnect, restore
 * subscriptions → ready; on loss, again, with p-retry's backoff (a connection that flaps before `stableAfter`
 * counts as a failed attempt). It is the one owner of the current socket: it creates one {@link SocketLifetime}
 * per socket, watches it (liveness), and ends it, closing it on the way out (logging out first when asked).
 * @module
 */
import type { Grant } from '../auth/grants.js';
import type { TokenKeeper } from '../auth/keeper.js';
import type { CallGate } from '../calls/gate.js';
import { classify, isLoginOverLimit } from '../errors/classify.js';
import {
  ConnectionClosedError,
  NotConnectedError,
  RequestTimeoutError,
  SessionClosedError,
} from '../errors/errors.js';
import { validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { ConnectOptions, LogoutResult } from '../session/session-types.js';
import { isReady, type TransitionReason } from '../session/state.js';
import { sleep } from '../time/wait.js';
import { LIBRARY_NAME, LIBRARY_VERSION } from '../version.js';
import { type RetryInfo, retryWithBackoff } from './backoff.js';
import { endSocket, type LogoutRequest, type Unconfirmed } from './end.js';
import { type Requester, SocketLifetime } from './lifetime.js';
import { livenessModeFor } from './liveness.js';
import { type CloseErrorFor, RpcConnection, type RpcHandlers } from './rpc.js';
import type { WebSocketConstructor } from './socket.js';

/**
 * How long the first `connect()` keeps trying by default, ms: long enough for a few backoff rounds through a
 * network blip, short enough that a wrong URL or a missing network is reported, not waited on forever.
 */
export const DEFAULT_CONNECT_WAIT = 60_000;

/** What the loop needs from its session. */
export interface LoopLink {
  readonly keeper: TokenKeeper;
  readonly gate: CallGate;
  /** A notification arrived. */
  notify(channel: string, data: unknown): void;
  /** A socket that carried the session was lost (a gap begins). */
  socketLost(life: SocketLifetime): void;
  readonly WebSocket: WebSocketConstructor;
  /** Node `ws` client options (undefined in browsers). */
  readonly socketOptions: Record<string, unknown> | undefined;
  /** How requests go out on a socket (through the credit governor). */
  readonly requester: Requester;
  /** Everything a freshly authenticated socket needs restored (subscriptions, what changed during the gap). */
  restore(life: SocketLifetime): Promise<void>;
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
  #current: SocketLifetime | undefined;
  /** Exists while a loop runs; aborted to end it, even mid-wait. */
  #abort: AbortController | undefined;
  #status: LoopStatus = { attempt: 0, lastError: undefined, nextRetryAt: undefined };
  /** The backoff before the attempt that is next (ms), for the reconnect metric. */
  #retryDelay = 0;

  /**
   * @param ctx - the session's context (its core)
   * @param link - the parts the loop drives
   */
  constructor(ctx: SessionContext, link: LoopLink) {
    this.#ctx = ctx;
    this.#link = link;
  }

  /** The current socket's lifetime, authenticated or not. */
  get current(): SocketLifetime | undefined {
    return this.#current;
  }

  /** The current socket's lifetime when the session is ready for calls. */
  get ready(): SocketLifetime | undefined {
    return isReady(this.#ctx.state) ? this.#current : undefined;
  }

  /** Whether a loop is running (connecting, or waiting to reconnect). */
  get running(): boolean {
    return this.#abort !== undefined;
  }

  /** Progress, for `status()`. */
  get status(): LoopStatus {
    return this.#status;
  }

  /** No attempt pending: keep only why the last one failed (if it did). */
  #rest(lastError: Error | undefined): void {
    this.#status = { attempt: 0, lastError, nextRetryAt: undefined };
  }

  /** See {@link DeribitSession.connect}. */
  connect(options: ConnectOptions): Promise<void> {
    if (this.#ctx.state === 'closed') return Promise.reject(new SessionClosedError());
    const { signal } = options;
    let timeout: number;
    try {
      timeout = validateTimeout('connect timeout', options.timeout, DEFAULT_CONNECT_WAIT, true);
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
          `connect() did not complete within ${Math.round(timeout)} ms${detail}`,
        );
        if (last !== undefined) (gaveUp as { cause?: unknown }).cause = last;
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
   * failed), the first connection waits as after a failed attempt, and `reconnecting` reports it. `defer`
   * starts the first attempt after the current listeners ran (the loop counts as running at once).
   */
  start(failure?: Error, defer = false): void {
    if (this.#abort !== undefined || this.#ctx.state === 'closed') return;
    const controller = new AbortController();
    this.#abort = controller;
    const run = (): Promise<void> =>
      controller.signal.aborted ? Promise.resolve() : this.#run(controller.signal, failure);
    void (defer ? Promise.resolve().then(run) : run()).finally(() => {
      if (this.#abort !== controller) return; // stopped or ended: its socket went with it
      this.#abort = undefined;
      // Nothing aborts this run's signal from now on: the socket it left need not hold on to it.
      this.#current?.releaseParent();
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
      const life = await this.#establish(signal);
      if (policy && policy.stableAfter > 0) await this.#waitStable(life, policy.stableAfter);
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
    this.#retryDelay = info.delay;
    this.#status = { attempt: info.attempt, lastError: info.error, nextRetryAt: Date.now() + info.delay };
    this.#ctx.log('info', 'reconnecting', {
      attempt: info.attempt,
      delay: info.delay,
      error: info.error.message,
    });
    this.#ctx.emit('reconnecting', info);
  }

  /** One attempt: open a socket, authenticate, set up, restore. Throws on failure. */
  async #establish(signal: AbortSignal): Promise<SocketLifetime> {
    const { keeper } = this.#link;
    const waited = this.#status.nextRetryAt === undefined ? 0 : this.#retryDelay;
    this.#status = { ...this.#status, nextRetryAt: undefined };
    this.#ctx.setState('connecting', keeper.hasAuthenticated ? 'reconnect' : 'connect');
    if (keeper.hasAuthenticated) this.#ctx.metrics.reconnect(this.#status.attempt + 1, waited);
    const life = await this.#open(signal);
    this.#current = life;
    this.#ctx.setState('authenticating', 'socket-open');
    this.#watch(life, 'open');
    this.#hello(life);
    try {
      const grant = await keeper.authenticate(life);
      const { heartbeatInterval, cancelOnDisconnect, requestTimeout } = this.#ctx.options;
      await Promise.all([
        life.setUp({ heartbeatInterval, cancelOnDisconnect, requestTimeout }, this.#status.lastError),
        this.#link.restore(life),
      ]);
      if (life.signal.aborted) throw lossOf(life);
      this.#watch(life, 'restored');
      this.#rest(undefined); // before the announcement: status() is current inside its listeners
      this.#ctx.setState('authenticated', 'auth-ok');
      this.#link.announce(grant);
      return life;
    } catch (error) {
      if (this.#current === life && !life.signal.aborted) {
        // Auth or set-up failed on a live socket: close it quietly; the loop decides what comes next.
        this.#current = undefined;
        void life.close(
          'auth-retryable-error',
          'authentication failed',
          (method, sent) => new ConnectionClosedError(method, undefined, undefined, { sent }),
        );
        if (this.#ctx.state === 'authenticating') this.#ctx.setState('disconnected', 'auth-retryable-error');
      }
      throw error;
    }
  }

  async #open(signal: AbortSignal): Promise<SocketLifetime> {
    const { url, connectTimeout } = this.#ctx.options;
    let life: SocketLifetime | undefined;
    let rpc: RpcConnection;
    try {
      rpc = await RpcConnection.open({
        url,
        WebSocket: this.#link.WebSocket,
        connectTimeout,
        handlers: this.#handlersFor(() => life),
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
    const { metrics } = this.#ctx;
    life = new SocketLifetime(rpc, this.#link.requester, signal, (ms) => {
      metrics.roundTrip('probe', ms);
      if (rpc.usDiff !== undefined) metrics.serverTime(rpc.usDiff);
      metrics.clockOffset(rpc.serverOffset);
    });
    if (signal.aborted) {
      void life.close('close', 'session closed', () => new SessionClosedError());
      throw signal.reason;
    }
    return life;
  }

  /** `public/hello` on every new connection, so Deribit knows the client; its answer changes nothing. */
  #hello(life: SocketLifetime): void {
    life
      .request(
        'public/hello',
        { client_name: LIBRARY_NAME, client_version: LIBRARY_VERSION },
        { timeout: this.#ctx.options.requestTimeout },
      )
      .catch((error: unknown) =>
        this.#ctx.log('debug', 'public/hello failed', {
          error: error instanceof Error ? error.message : 'unknown',
        }),
      );
  }

  /** Resolve once the connection stayed up for `ms`; reject if its life ends sooner (a flap is a failed attempt). */
  #waitStable(life: SocketLifetime, ms: number): Promise<void> {
    if (life.signal.aborted || !isReady(this.#ctx.state)) return Promise.reject(lossOf(life));
    return sleep(ms, life.signal).catch(() => {
      throw lossOf(life);
    });
  }

  /** Watch `life` as this phase asks (see {@link livenessModeFor}). */
  #watch(life: SocketLifetime, phase: 'open' | 'restored'): void {
    const { liveness, heartbeatInterval } = this.#ctx.options;
    const mode = livenessModeFor(phase, liveness, heartbeatInterval);
    if (mode === undefined) return;
    const reason: TransitionReason = 'probe' in mode ? 'liveness-timeout' : 'heartbeat-timeout';
    life.watch(mode, (cause) => {
      const why =
        cause === 'unanswered'
          ? 'no answer to requests from the server in time'
          : 'no frame from the server in time';
      this.#ctx.log('warn', `${why}; dropping the socket`, { reason });
      life.drop(reason, why);
    });
  }

  #handlersFor(current: () => SocketLifetime | undefined): RpcHandlers {
    const { requestTimeout } = this.#ctx.options;
    return {
      onNotification: (channel, data) => this.#link.notify(channel, data),
      // Only a live socket is answered: one being logged out or closed gets nothing more.
      onHeartbeat: (type) => {
        if (type === 'test_request') current()?.answerTestRequest(requestTimeout);
      },
      onClose: (code, reason) => {
        const life = current();
        if (life !== undefined) this.#onSocketClosed(life, code, reason);
      },
      onProtocolError: (error) => this.#ctx.report(error),
    };
  }

  #onSocketClosed(life: SocketLifetime, code: number, reason: string): void {
    life.lost(code, reason);
    if (life !== this.#current) return; // an old socket, or one being closed on purpose
    this.#current = undefined;
    this.#link.socketLost(life);
    const willReconnect = this.#willReconnect();
    this.#ctx.log('warn', 'socket closed', { code, reason, willReconnect });
    if (this.#ctx.state !== 'disconnected' && this.#ctx.state !== 'closed') {
      this.#ctx.setState('disconnected', life.ended?.reason ?? 'socket-closed');
    }
    // A running loop sees the loss through the lifetime (an attempt, or the wait for stability, fails).
    if (!this.running && willReconnect) this.start(life.ended?.failure, true);
    this.#ctx.emit('disconnected', { code, reason, willReconnect });
    if (!this.running && !willReconnect && this.#ctx.state !== 'closed') {
      const lost = lossOf(life);
      this.#rest(lost);
      this.#link.gaveUp(lost);
    }
  }

  #willReconnect(): boolean {
    return this.#ctx.options.reconnect !== false && this.#ctx.state !== 'closed';
  }

  /**
   * Stop trying (a `connect()` that gave up): end the loop and any socket it holds, back to `disconnected`.
   * A later `connect()` starts afresh.
   */
  stop(error: Error): void {
    this.#abort?.abort(error);
    this.#abort = undefined;
    const life = this.#current;
    this.#current = undefined;
    void life?.close(
      'connect-aborted',
      'connect aborted',
      (method, sent) => new ConnectionClosedError(method, undefined, undefined, { sent }),
    );
    if (this.#ctx.state !== 'disconnected' && this.#ctx.state !== 'closed') {
      this.#ctx.setState('disconnected', 'connect-aborted');
      this.#ctx.emit('disconnected', { code: 1000, reason: error.message, willReconnect: false });
    }
    this.#rest(error);
  }

  /**
   * The session is closing: end the loop and whatever socket exists, whatever it is doing. With `logout`, an
   * authenticated socket gets `private/logout` and the server is given `logout.timeout` ms to close it (less
   * when `hurry` aborts). Synchronous up to the logout frame, so nothing is sent after `closed` is announced.
   * An unconfirmed logout is reported as a `logout-unconfirmed` warning.
   */
  async end(
    logout: LogoutRequest | undefined,
    errorFor: CloseErrorFor,
    hurry: AbortSignal,
  ): Promise<LogoutResult> {
    const life = this.#current;
    this.#current = undefined;
    life?.end(logout ? 'logout' : 'close');
    this.#abort?.abort(new SessionClosedError());
    this.#abort = undefined;
    this.#rest(this.#status.lastError);
    const why: Unconfirmed | undefined =
      life === undefined ? 'no-socket' : await endSocket(life, logout, errorFor, hurry);
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
}

/** The error a lost socket leaves: the failure it was given up for, or how it closed. */
function lossOf(life: SocketLifetime): Error {
  const end = life.ended;
  return end?.failure ?? new ConnectionClosedError(undefined, end?.code, end?.closeReason ?? 'socket lost');
}
