/**
 * DeribitSession: owns one socket and drives the state machine — connect, authenticate, refresh,
 * reconnect, resubscribe, heartbeats, cancel-on-disconnect, logout.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import WebSocketImpl from 'isomorphic-ws';
import type { ChannelData } from './api/channels.js';
import type { CallArgs, MethodResult } from './api/methods.js';
import {
  clockOffsetFrom,
  credentialParams,
  type Grant,
  parseTokenResult,
  refreshParams,
  type TokenSet,
} from './auth.js';
import { ErrorCode } from './codes.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  classify,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from './errors.js';
import type { ClosedEvent, CloseReason, SessionEvents, WarningEvent } from './events.js';
import { HeartbeatWatchdog } from './heartbeat.js';
import { Lineage } from './lineage.js';
import { type Logger, type ResolvedOptions, resolveOptions, type SessionOptions } from './options.js';
import { abortableSleep, retryWithBackoff } from './reconnect.js';
import { DeadlineTimer, refreshDelay } from './refresh.js';
import { RpcConnection, type RpcHandlers, type WebSocketConstructor } from './rpc.js';
import { missingScope, parseScope, type Scope } from './scope.js';
import { isReady, type SessionState, type TransitionReason, transition } from './state.js';
import { chunk, type NotificationHandler, SubscriptionRegistry, splitChannels } from './subscriptions.js';

/** Per-call options of {@link DeribitSession.call}. */
export interface CallOptions {
  /** ms to wait for authentication plus the response. Default: the session's `requestTimeout`. */
  readonly timeout?: number;
  /** Abort the call (it rejects with the signal's reason; a response that arrives later is ignored). */
  readonly signal?: AbortSignal;
}

/** Options of {@link DeribitSession.logout}. */
export interface LogoutOptions {
  /** Invalidate every token of this session on the server. Default `true`. */
  readonly invalidateToken?: boolean;
  /** ms to wait for the server to close the socket. Default: the session's `logoutTimeout`. */
  readonly timeout?: number;
}

/** What `logout()` achieved. */
export interface LogoutResult {
  /** True when `private/logout` was sent and the server closed the socket. */
  readonly confirmed: boolean;
}

interface ReadyWaiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** `connect()` callers get the fatal error itself; calls get a {@link SessionClosedError}. */
  readonly isConnect: boolean;
}

/** Options of {@link DeribitSession.fork} and {@link DeribitSession.exchange}: the parent's, overridden. */
export type ChildSessionOptions = Omit<
  SessionOptions,
  'credentials' | 'refreshToken' | 'scope' | 'grant' | 'signatureData'
>;

/** Options of {@link DeribitSession.exchange}. */
export interface ExchangeOptions extends ChildSessionOptions {
  /** Name for the subaccount session (`session:NAME` scope); without it the parent's scope kind is kept. */
  readonly sessionName?: string;
}

/** Where a child session gets a fresh token pair when its own refresh token is no longer accepted. */
type TokenSource = () => Promise<TokenSet>;
const tokenSources = new WeakMap<DeribitSession, TokenSource>();

/** Shortest safety margin, ms: a token is treated as expired this long before the server says so. */
const MAX_EXPIRY_SAFETY_MS = 5000;
/** After a failed transient refresh, retry after this long (ms), or half the remaining life if sooner. */
const REFRESH_RETRY_MS = 1000;

const defaultWebSocket = WebSocketImpl as unknown as WebSocketConstructor;
const noop = (): void => {};

/**
 * One authenticated Deribit session on one WebSocket, kept alive for as long as you need it.
 *
 * ```ts
 * const session = new DeribitSession({ url: DERIBIT_TESTNET, credentials: { clientId, clientSecret } });
 * await session.connect();
 * const summary = await session.call('private/get_account_summary', { currency: 'BTC' });
 * await session.close();
 * ```
 */
export class DeribitSession extends EventEmitter<SessionEvents> {
  readonly #options: ResolvedOptions;
  readonly #rawOptions: SessionOptions;
  #lineage = new Lineage();
  #children: Set<DeribitSession> | undefined;
  readonly #WebSocket: WebSocketConstructor;
  #state: SessionState = 'disconnected';
  #rpc: RpcConnection | undefined;
  #tokens: TokenSet | undefined;
  #refreshToken: string | undefined;
  #clockOffset = 0;
  #hasAuthenticated = false;
  readonly #refreshTimer = new DeadlineTimer();
  readonly #expiryTimer = new DeadlineTimer();
  #watchdog: HeartbeatWatchdog | undefined;
  /** Aborted by close(): ends the current connection loop, even mid-wait. Exists only while a loop runs. */
  #loopAbort: AbortController | undefined;
  #looping = false;
  #refreshing: Promise<void> | undefined;
  #disconnectReason: TransitionReason = 'socket-closed';
  #onStableBreak: ((error: Error) => void) | undefined;
  #waiters: Set<ReadyWaiter> | undefined;
  readonly #registry: SubscriptionRegistry;
  #closing: Promise<void> | undefined;
  #logout: Promise<LogoutResult> | undefined;
  /** The socket a logout detached from the session: `close()` during a logout must still close it. */
  #loggingOutRpc: RpcConnection | undefined;
  /** Set when logout or close begins: no new work is accepted. */
  #ending = false;

  /**
   * @param options - see {@link SessionOptions}; throws `TypeError` at once for invalid options.
   */
  constructor(options: SessionOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#rawOptions = options;
    this.#WebSocket = options.WebSocket ?? defaultWebSocket;
    this.#refreshToken = options.refreshToken;
    this.#registry = new SubscriptionRegistry((error, channel) =>
      this.#report(toError(error, `a handler for ${channel} threw`)),
    );
  }

  /** Current state. */
  get state(): SessionState {
    return this.#state;
  }

  /** The granted scope of the current token (parsed), or undefined before the first authentication. */
  get scope(): Scope | undefined {
    return this.#tokens?.scope;
  }

  /** ms epoch at which the current access token expires, or undefined before the first authentication. */
  get expiresAt(): number | undefined {
    return this.#tokens?.expiresAt;
  }

  /** The endpoint this session connects to. */
  get url(): string {
    return this.#options.url;
  }

  /** Sessions forked or exchanged from this one (and theirs), still open. */
  get children(): DeribitSession[] {
    return [...(this.#children ?? [])].flatMap((child) => [child, ...child.children]);
  }

  /** Named sessions this session's family (root, forks, subaccount sessions) holds on the key, oldest first. */
  get namedSessions(): string[] {
    return this.#lineage.names;
  }

  /** Channels with at least one handler (restored after every reconnect). */
  get channels(): string[] {
    return this.#registry.channels();
  }

  /**
   * Connect and authenticate. Resolves once authenticated; keeps trying transient failures with backoff;
   * rejects with the fatal error (e.g. {@link AuthenticationError} for bad credentials), after which the
   * session is `closed`. Calling it again while connecting or connected returns the same outcome.
   */
  connect(): Promise<void> {
    if (this.#ending || this.#state === 'closed') return Promise.reject(new SessionClosedError());
    if (isReady(this.#state)) return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => {
      this.#waiters ??= new Set();
      this.#waiters.add({ resolve, reject, isConnect: true });
    });
    void this.#runLoop();
    return ready;
  }

  /**
   * Call any JSON-RPC method and resolve with its `result`. While the session is not authenticated the call
   * waits for it (within its timeout). Rejects with {@link RpcError}, {@link RequestTimeoutError},
   * {@link ConnectionClosedError} (in flight when the socket dropped: outcome unknown; never replayed) or
   * {@link SessionClosedError}.
   */
  call<M extends string>(method: M, ...args: CallArgs<M, CallOptions>): Promise<MethodResult<M>>;
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T> {
    const rpc = this.#rpc;
    const timeout = options?.timeout ?? this.#options.requestTimeout;
    if (rpc !== undefined && (this.#state === 'authenticated' || this.#state === 'refreshing')) {
      if (typeof method !== 'string' || method === '')
        return Promise.reject(new TypeError('method must be a non-empty string'));
      return rpc.call(method, params, timeout, options?.signal) as Promise<T>;
    }
    return this.#callWhenReady<T>(method, params, timeout, options?.signal);
  }

  async #callWhenReady<T>(
    method: string,
    params: Record<string, unknown> | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (typeof method !== 'string' || method === '') throw new TypeError('method must be a non-empty string');
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new TypeError('params must be an object');
    }
    if (!(timeout > 0)) throw new TypeError('timeout must be a positive number of ms');
    const started = Date.now();
    await this.#whenReady(method, timeout, signal);
    const rpc = this.#rpc;
    if (rpc === undefined) throw new ConnectionClosedError(method);
    return rpc.call(method, params, Math.max(1, timeout - (Date.now() - started)), signal) as Promise<T>;
  }

  /** Wait until authenticated, bounded by `timeout`; rejects at once if nothing is trying to connect. */
  #whenReady(method: string, timeout: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.#ending || this.#state === 'closed') return Promise.reject(new SessionClosedError());
    if (isReady(this.#state)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state === 'disconnected' && !this.#looping) {
      return Promise.reject(
        new ConnectionClosedError(undefined, undefined, `not connected: call connect() before ${method}`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters?.delete(waiter);
      };
      const waiter: ReadyWaiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        isConnect: false,
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      const timer = setTimeout(() => waiter.reject(new RequestTimeoutError(method, timeout, true)), timeout);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters ??= new Set();
      this.#waiters.add(waiter);
    });
  }

  /**
   * Subscribe `handler` to one or more channels. Resolves once the server confirmed them (or, while
   * reconnecting, once the session is authenticated again). Channels stay subscribed across reconnects.
   * Returns an idempotent unsubscribe; the server is unsubscribed when a channel's last handler goes.
   */
  subscribe<C extends string>(
    channels: C | readonly C[],
    handler: NotificationHandler<ChannelData<C>>,
    options?: CallOptions,
  ): Promise<() => Promise<void>>;
  async subscribe<T = unknown>(
    channels: string | readonly string[],
    handler: NotificationHandler<T>,
    options?: CallOptions,
  ): Promise<() => Promise<void>> {
    const list = typeof channels === 'string' ? [channels] : [...channels];
    if (list.length === 0 || list.some((channel) => typeof channel !== 'string' || channel.trim() === '')) {
      throw new TypeError('channels must be one or more non-empty strings');
    }
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (this.#ending || this.#state === 'closed') throw new SessionClosedError();
    const registration = this.#registry.add(list, handler as NotificationHandler);
    const unsubscribe = async (): Promise<void> => {
      const emptied = registration.remove();
      if (emptied.length > 0) await this.#unsubscribeOnServer(emptied);
    };
    try {
      await this.#whenReady('subscribe', options?.timeout ?? this.#options.requestTimeout, options?.signal);
      const rpc = this.#rpc;
      const pending = registration.added.filter((channel) => !this.#registry.isConfirmed(channel));
      if (rpc !== undefined && pending.length > 0) await this.#subscribeOnServer(rpc, pending, true);
    } catch (error) {
      // A connection failure keeps the registration: it is restored after the reconnect. Anything else undoes it.
      if (!(error instanceof ConnectionClosedError)) {
        registration.remove();
        throw error;
      }
    }
    return unsubscribe;
  }

  /**
   * Fork a new named session (`public/fork_token`) on its own socket, with its own refresh cycle,
   * reconnects and subscriptions. This session must hold a session-scoped token (`scope: 'session:NAME'`).
   * When the child's refresh token stops being accepted it forks again from this session, if still open.
   */
  async fork(name: string, options: ChildSessionOptions = {}): Promise<DeribitSession> {
    if (typeof name !== 'string' || name === '' || /\s/.test(name)) {
      throw new TypeError('fork() needs a session name without whitespace');
    }
    await this.#whenReady('public/fork_token', this.#options.requestTimeout, undefined);
    if (this.#tokens?.scope.sessionName === undefined) {
      throw new TypeError(
        "fork() needs a session-scoped parent: create it with scope 'session:NAME' (this session's token is connection-scoped)",
      );
    }
    const forkTokens = (): Promise<TokenSet> =>
      this.#parentCall('public/fork_token', (refreshToken) => ({
        refresh_token: refreshToken,
        session_name: name,
      }));
    const child = await this.#spawnChild(await forkTokens(), forkTokens, options);
    this.emit('forked', { name });
    return child;
  }

  /**
   * Open a session for a subaccount (`public/exchange_token`) on its own socket, with its own lifecycle.
   * With `sessionName` the new session is named (`session:NAME`).
   */
  async exchange(subjectId: number, options: ExchangeOptions = {}): Promise<DeribitSession> {
    if (!Number.isInteger(subjectId) || subjectId <= 0)
      throw new TypeError('exchange() needs a positive integer subject id');
    const { sessionName, ...childOptions } = options;
    if (sessionName !== undefined && (sessionName === '' || /\s/.test(sessionName))) {
      throw new TypeError('sessionName must be non-empty and without whitespace');
    }
    await this.#whenReady('public/exchange_token', this.#options.requestTimeout, undefined);
    const exchangeTokens = (): Promise<TokenSet> =>
      this.#parentCall('public/exchange_token', (refreshToken) => ({
        refresh_token: refreshToken,
        subject_id: subjectId,
        ...(sessionName === undefined ? {} : { scope: `session:${sessionName}` }),
      }));
    const child = await this.#spawnChild(await exchangeTokens(), exchangeTokens, childOptions);
    this.emit('exchanged', { subjectId });
    return child;
  }

  /** A token call made with this session's newest refresh token, on its socket. */
  async #parentCall(
    method: string,
    params: (refreshToken: string) => Record<string, unknown>,
  ): Promise<TokenSet> {
    if (this.#ending || this.#state === 'closed')
      throw new SessionClosedError(`the parent session is closed: cannot ${method}`);
    await this.#whenReady(method, this.#options.requestTimeout, undefined);
    const rpc = this.#rpc;
    const refreshToken = this.#refreshToken;
    if (rpc === undefined || refreshToken === undefined) throw new ConnectionClosedError(method);
    return parseTokenResult(await rpc.call(method, params(refreshToken), this.#options.requestTimeout));
  }

  async #spawnChild(
    tokens: TokenSet,
    source: TokenSource,
    overrides: ChildSessionOptions,
  ): Promise<DeribitSession> {
    const {
      credentials: _credentials,
      scope: _scope,
      grant: _grant,
      signatureData: _data,
      refreshToken: _rt,
      ...inherited
    } = this.#rawOptions;
    const child = new DeribitSession({ ...inherited, ...overrides, refreshToken: tokens.refreshToken });
    tokenSources.set(child, source);
    child.#lineage = this.#lineage;
    this.#children ??= new Set();
    this.#children.add(child);
    child.once('closed', () => this.#children?.delete(child));
    const name = tokens.scope.sessionName;
    if (name !== undefined) this.#noteNamedSession(name);
    try {
      await child.connect();
    } catch (error) {
      this.#children?.delete(child);
      throw error;
    }
    return child;
  }

  #noteNamedSession(name: string): void {
    const warning = this.#lineage.add(name);
    if (warning !== undefined)
      this.#warn({ code: 'session-budget', message: warning, items: this.#lineage.names });
  }

  /**
   * Log out: send `private/logout` (it has no response), wait (bounded) for the server to close the socket,
   * and close the session. Note: logging out does not trigger cancel-on-disconnect, so open orders stay open.
   * If the socket is down the session still ends locally and `confirmed` is false.
   */
  logout(options: LogoutOptions = {}): Promise<LogoutResult> {
    // Concurrent calls share one logout.
    this.#logout ??= this.#doLogout(options);
    return this.#logout;
  }

  async #doLogout(options: LogoutOptions): Promise<LogoutResult> {
    if (this.#state === 'closed') {
      await this.#closing;
      return { confirmed: false };
    }
    const invalidateToken = options.invalidateToken ?? true;
    const timeout = options.timeout ?? this.#options.logoutTimeout;
    this.#ending = true;
    const rpc = isReady(this.#state) ? this.#rpc : undefined;
    this.#loggingOutRpc = rpc;
    this.#rpc = undefined;
    rpc?.setCloseError(
      (method) => new SessionClosedError(`logged out before ${method} was answered: the outcome is unknown`),
    );
    let confirmed = false;
    if (rpc?.sendOnly('private/logout', { invalidate_token: invalidateToken })) {
      const waitForClose = new AbortController();
      await Promise.race([rpc.closed, abortableSleep(timeout, waitForClose.signal).catch(noop)]);
      waitForClose.abort();
      // Confirmed only when the server closed the socket, not a close() of ours meanwhile.
      confirmed = !rpc.isOpen && this.#closing === undefined;
    }
    if (!confirmed) {
      this.#warn({
        code: 'logout-unconfirmed',
        message: rpc
          ? 'the server did not close the socket after private/logout in time'
          : 'logged out locally: the socket was down',
      });
    }
    const name = this.#tokens?.scope.sessionName;
    if (confirmed && invalidateToken && name !== undefined) this.#lineage.remove(name);
    await this.#shutdown('logout');
    return { confirmed };
  }

  /** Close the socket and end the session without logging out (tokens stay valid until they expire). Idempotent. */
  close(): Promise<void> {
    return this.#shutdown('close');
  }

  // ---------------------------------------------------------------------------------------------
  // Connection loop

  async #runLoop(): Promise<void> {
    if (this.#looping || this.#state === 'closed') return;
    this.#looping = true;
    const controller = new AbortController();
    this.#loopAbort = controller;
    const signal = controller.signal;
    const policy = this.#options.reconnect;
    try {
      const establish = async (): Promise<void> => {
        await this.#establish(signal);
        if (policy && policy.stableAfter > 0) await this.#waitStable(policy.stableAfter, signal);
      };
      if (policy === false) await establish();
      else {
        await retryWithBackoff(establish, policy, {
          signal,
          shouldRetry: (error) => {
            const kind = classify(error);
            return kind === 'retry' || kind === 'reauth';
          },
          onRetry: (info) => {
            this.#log('info', 'reconnecting', {
              attempt: info.attempt,
              delay: info.delay,
              error: info.error.message,
            });
            this.emit('reconnecting', info);
          },
        });
      }
    } catch (error) {
      if (this.#is('closed') || signal.aborted) return;
      const failure = toError(error, 'connection failed');
      const kind = classify(failure);
      if (kind === 'fatal' || kind === 'caller') {
        await this.#shutdown('fatal', failure);
        return;
      }
      // Out of retries (or reconnect disabled): stay disconnected; waiters learn why.
      this.#rejectWaiters(failure, failure);
      this.#report(failure);
    } finally {
      this.#looping = false;
      if (this.#loopAbort === controller) this.#loopAbort = undefined;
    }
  }

  /** One attempt: open a socket, authenticate, restore heartbeat/COD/subscriptions. Throws on failure. */
  async #establish(signal: AbortSignal): Promise<void> {
    this.#setState('connecting', this.#hasAuthenticated ? 'reconnect' : 'connect');
    let rpc: RpcConnection;
    try {
      rpc = await RpcConnection.open({
        url: this.#options.url,
        WebSocket: this.#WebSocket,
        connectTimeout: this.#options.connectTimeout,
        handlers: this.#handlersFor(() => rpc),
        signal,
      });
    } catch (error) {
      if (this.#is('connecting')) {
        this.#setState('disconnected', 'socket-error');
        const closed = error instanceof ConnectionClosedError ? error : undefined;
        this.emit('disconnected', {
          code: closed?.closeCode ?? 1006,
          reason: closed?.message ?? 'connection failed',
          willReconnect: this.#willReconnect(),
        });
      }
      throw error;
    }
    if (!this.#is('connecting')) {
      void rpc.shutdown(1000, 'session closed', () => new SessionClosedError());
      throw new SessionClosedError();
    }
    this.#rpc = rpc;
    this.#disconnectReason = 'socket-closed';
    this.#setState('authenticating', 'socket-open');
    try {
      const grant = await this.#authenticate(rpc);
      await this.#restore(rpc);
      if (this.#rpc !== rpc)
        throw new ConnectionClosedError(undefined, undefined, 'socket lost during authentication');
      this.#hasAuthenticated = true;
      this.#setState('authenticated', 'auth-ok');
      this.#announceAuthenticated(grant);
    } catch (error) {
      if (this.#rpc === rpc) {
        // Auth failed on a live socket: drop it quietly; the loop decides what comes next.
        this.#rpc = undefined;
        void rpc.shutdown(1000, 'authentication failed', (method) => new ConnectionClosedError(method));
        if (this.#is('authenticating')) this.#setState('disconnected', 'auth-retryable-error');
      }
      throw error;
    }
  }

  /** Resolve once the socket stayed up for `ms`; reject if it closes sooner (a flap counts as a failed attempt). */
  #waitStable(ms: number, signal: AbortSignal): Promise<void> {
    if (!isReady(this.#state))
      return Promise.reject(new ConnectionClosedError(undefined, undefined, 'socket lost'));
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#onStableBreak = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => done(toError(signal.reason, 'aborted'));
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#onStableBreak = done;
    });
  }

  #handlersFor(current: () => RpcConnection): RpcHandlers {
    return {
      onNotification: (channel, data) => this.#registry.dispatch(channel, data),
      onHeartbeat: (type) => {
        if (type !== 'test_request') return;
        current().call('public/test', undefined, this.#options.requestTimeout).catch(noop);
      },
      onClose: (code, reason) => this.#onSocketClosed(current(), code, reason),
      onProtocolError: (error) => this.#report(error),
    };
  }

  #onSocketClosed(rpc: RpcConnection, code: number, reason: string): void {
    if (rpc !== this.#rpc) return; // an old socket, or one we closed ourselves
    this.#rpc = undefined;
    this.#stopConnectionTimers();
    this.#registry.resetConfirmed();
    const willReconnect = this.#willReconnect();
    this.#log('warn', 'socket closed', { code, reason, willReconnect });
    if (this.#state !== 'disconnected' && this.#state !== 'closed') {
      this.#setState('disconnected', this.#disconnectReason);
    }
    this.emit('disconnected', { code, reason, willReconnect });
    const stableBreak = this.#onStableBreak;
    if (stableBreak) stableBreak(new ConnectionClosedError(undefined, code, reason));
    else if (willReconnect) void this.#runLoop();
    else if (!this.#looping) this.#rejectWaiters(new ConnectionClosedError(undefined, code, reason));
  }

  #willReconnect(): boolean {
    return this.#options.reconnect !== false && this.#state !== 'closed' && !this.#ending;
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication and refresh

  /** Authenticate a fresh socket: refresh token first where it can still work, then credentials. */
  async #authenticate(rpc: RpcConnection): Promise<Grant> {
    const refreshToken = this.#refreshToken;
    const sessionScoped = this.#tokens === undefined || this.#tokens.scope.sessionName !== undefined;
    const hasCredentials = this.#options.credentials !== undefined;
    // Connection-scoped tokens die with their socket: skip them when credentials can do the job.
    if (refreshToken !== undefined && (sessionScoped || !hasCredentials)) {
      try {
        this.#adopt(await this.#authCall(rpc, refreshParams(refreshToken)));
        return 'refresh_token';
      } catch (error) {
        if (!(error instanceof RpcError) || classify(error) === 'retry') throw error;
        this.#refreshToken = undefined;
        this.#log('warn', 'refresh token rejected; falling back', { code: error.code });
        if (!hasCredentials) return this.#authenticateFromSource(rpc, error);
      }
    }
    if (!hasCredentials) return this.#authenticateFromSource(rpc, undefined);
    this.#adopt(await this.#authenticateWithCredentials(rpc));
    return this.#options.grant;
  }

  /** A child session without credentials asks its parent for a fresh pair, then uses it on this socket. */
  async #authenticateFromSource(rpc: RpcConnection, rejection: RpcError | undefined): Promise<Grant> {
    const source = tokenSources.get(this);
    const why = rejection
      ? `the refresh token was rejected (${rejection.code} ${rejection.deribitMessage})`
      : 'no refresh token';
    if (source === undefined) {
      throw new AuthenticationError(`${why} and there are no credentials to fall back on`, {
        cause: rejection,
      });
    }
    let fresh: TokenSet;
    try {
      fresh = await source();
    } catch (error) {
      if (classify(error) === 'retry') throw error;
      throw new AuthenticationError(`${why} and the parent session could not issue a new one`, {
        cause: error,
      });
    }
    this.#adopt(await this.#authCall(rpc, refreshParams(fresh.refreshToken)));
    return 'refresh_token';
  }

  async #authenticateWithCredentials(rpc: RpcConnection): Promise<TokenSet> {
    const { credentials, grant, scope, signatureData } = this.#options;
    if (credentials === undefined) throw new AuthenticationError('no credentials to authenticate with');
    const attempt = async (): Promise<TokenSet> =>
      this.#authCall(
        rpc,
        await credentialParams(grant, credentials, {
          scope,
          data: signatureData,
          clockOffset: this.#clockOffset,
        }),
      );
    try {
      try {
        return await attempt();
      } catch (error) {
        // A signature refused for its timestamp: learn the server's clock and sign once more.
        if (
          !(error instanceof RpcError) ||
          error.code !== ErrorCode.unauthorized ||
          grant !== 'client_signature'
        )
          throw error;
        await this.#syncClock(rpc);
        return await attempt();
      }
    } catch (error) {
      if (
        error instanceof RpcError &&
        (error.code === ErrorCode.invalidCredentials || error.code === ErrorCode.unauthorized)
      ) {
        throw new AuthenticationError(
          `authentication with ${grant} failed: ${error.code} ${error.deribitMessage}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async #syncClock(rpc: RpcConnection): Promise<void> {
    const sentAt = Date.now();
    const serverTime = await rpc.call('public/get_time', undefined, this.#options.requestTimeout);
    if (typeof serverTime !== 'number') return;
    this.#clockOffset = clockOffsetFrom(serverTime, sentAt, Date.now());
    this.#log('info', 'clock offset measured', { offsetMs: Math.round(this.#clockOffset) });
  }

  async #authCall(rpc: RpcConnection, params: Record<string, unknown>): Promise<TokenSet> {
    const result = await rpc.call('public/auth', params, this.#options.requestTimeout);
    return parseTokenResult(result);
  }

  /** Make `tokens` current: remember the newest refresh token, announce them, schedule renewal. */
  #adopt(tokens: TokenSet): void {
    this.#tokens = tokens;
    this.#refreshToken = tokens.refreshToken;
    this.emit('tokens', {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
    });
    if (this.#options.scope !== undefined) {
      const missing = missingScope(parseScope(this.#options.scope), tokens.scope);
      if (missing.length > 0) {
        this.#warn({
          code: 'scope-narrowed',
          message: `the server granted less than requested: ${missing.join(' ')}`,
          items: missing,
        });
      }
    }
    this.#scheduleRenewal(tokens);
  }

  #announceAuthenticated(grant: Grant): void {
    const tokens = this.#tokens;
    if (!tokens) return;
    const name = tokens.scope.sessionName;
    if (name !== undefined && !this.#lineage.names.includes(name)) this.#noteNamedSession(name);
    this.#log('info', 'authenticated', { grant, expiresAt: tokens.expiresAt });
    this.emit('authenticated', { scope: tokens.scope, expiresAt: tokens.expiresAt, grant });
  }

  #scheduleRenewal(tokens: TokenSet): void {
    const now = Date.now();
    this.#refreshTimer.schedule(
      now + refreshDelay(tokens.expiresIn, this.#options.refresh),
      () => void this.#refresh(),
    );
    const safety = Math.min(MAX_EXPIRY_SAFETY_MS, tokens.expiresIn * 50); // 5 % of the life, at most 5 s
    this.#expiryTimer.schedule(tokens.expiresAt - safety, () => void this.#onTokenExpired());
  }

  /** Single-flight scheduled refresh over the live socket. */
  #refresh(): Promise<void> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<void> {
    const rpc = this.#rpc;
    const refreshToken = this.#refreshToken;
    if (rpc === undefined || this.#state !== 'authenticated') return;
    if (refreshToken === undefined) {
      await this.#reauthenticateInPlace(rpc, 'refresh-rejected');
      return;
    }
    this.#setState('refreshing', 'refresh-due');
    try {
      const tokens = await this.#authCall(rpc, refreshParams(refreshToken));
      if (rpc !== this.#rpc || !this.#is('refreshing')) return;
      this.#adopt(tokens);
      this.#setState('authenticated', 'refresh-ok');
      this.emit('refreshed', { scope: tokens.scope, expiresAt: tokens.expiresAt });
    } catch (error) {
      if (rpc !== this.#rpc || !this.#is('refreshing')) return; // the socket went: reconnecting handles it
      if (error instanceof RpcError && classify(error) !== 'retry') {
        this.#log('warn', 'refresh rejected; re-authenticating with credentials', { code: error.code });
        this.#refreshToken = undefined;
        await this.#reauthenticateInPlace(rpc, 'refresh-rejected');
        return;
      }
      // Transient (timeout, rate limit): try again soon while the token is still good; the expiry guard backs this up.
      this.#setState('authenticated', 'refresh-failed');
      const remaining = (this.#tokens?.expiresAt ?? Date.now()) - Date.now();
      this.#refreshTimer.schedule(
        Date.now() + Math.min(REFRESH_RETRY_MS, Math.max(0, remaining / 2)),
        () => void this.#refresh(),
      );
      this.#report(toError(error, 'token refresh failed'));
    }
  }

  /** The token is about to expire without a successful refresh: stop using it and authenticate again. */
  async #onTokenExpired(): Promise<void> {
    const rpc = this.#rpc;
    if (rpc === undefined || !isReady(this.#state)) return;
    this.#log('warn', 'access token about to expire without refresh; re-authenticating');
    await this.#reauthenticateInPlace(rpc, 'token-expired');
  }

  /** Full authentication on the live socket (calls wait meanwhile). Fatal errors close; others drop the socket. */
  async #reauthenticateInPlace(rpc: RpcConnection, reason: TransitionReason): Promise<void> {
    this.#refreshTimer.cancel();
    this.#expiryTimer.cancel();
    if (this.#state !== 'authenticating') this.#setState('authenticating', reason);
    try {
      const grant = await this.#authenticate(rpc);
      if (rpc !== this.#rpc || !this.#is('authenticating')) return;
      this.#setState('authenticated', 'auth-ok');
      this.#announceAuthenticated(grant);
    } catch (error) {
      if (rpc !== this.#rpc || this.#state === 'closed') return;
      const failure = toError(error, 'authentication failed');
      if (classify(failure) === 'fatal') {
        await this.#shutdown('fatal', failure);
        return;
      }
      this.#disconnectReason = 'auth-retryable-error';
      rpc.terminate(4001, 'authentication failed');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // After authentication: heartbeat, cancel-on-disconnect, subscriptions

  async #restore(rpc: RpcConnection): Promise<void> {
    const { heartbeatInterval, cancelOnDisconnect, requestTimeout } = this.#options;
    const tasks: Promise<unknown>[] = [];
    if (heartbeatInterval !== false) {
      tasks.push(rpc.call('public/set_heartbeat', { interval: heartbeatInterval }, requestTimeout));
    }
    if (cancelOnDisconnect !== false) {
      tasks.push(
        rpc.call('private/enable_cancel_on_disconnect', { scope: cancelOnDisconnect }, requestTimeout),
      );
    }
    const channels = this.#registry.channels();
    if (channels.length > 0) tasks.push(this.#subscribeOnServer(rpc, channels, false));
    await Promise.all(tasks);
    if (heartbeatInterval !== false && rpc === this.#rpc) {
      this.#watchdog?.stop();
      this.#watchdog = new HeartbeatWatchdog(rpc, heartbeatInterval, () => {
        this.#log('warn', 'no frame from the server for two heartbeat intervals; dropping the socket');
        this.#disconnectReason = 'heartbeat-timeout';
        rpc.terminate(4002, 'heartbeat timeout');
      });
    }
  }

  /** Subscribe channels on `rpc` (public and private separately, ≤ 500 a request); report what the server left out. */
  async #subscribeOnServer(
    rpc: RpcConnection,
    channels: readonly string[],
    throwOnRefusal: boolean,
  ): Promise<void> {
    const { publicChannels, privateChannels } = splitChannels(channels);
    const requests = [
      ...chunk(publicChannels).map((part) => ['public/subscribe', part] as const),
      ...chunk(privateChannels).map((part) => ['private/subscribe', part] as const),
    ];
    const results = await Promise.allSettled(
      requests.map(async ([method, part]) => {
        const result = await rpc.call(method, { channels: part }, this.#options.requestTimeout);
        const granted = new Set(
          Array.isArray(result) ? result.filter((c): c is string => typeof c === 'string') : [],
        );
        for (const channel of part) if (granted.has(channel)) this.#registry.confirm(channel);
        return part.filter((channel) => !granted.has(channel));
      }),
    );
    const missing: string[] = [];
    for (const [index, outcome] of results.entries()) {
      if (outcome.status === 'fulfilled') missing.push(...outcome.value);
      else {
        const error = outcome.reason;
        if (!(error instanceof RpcError) || classify(error) === 'retry' || classify(error) === 'reauth')
          throw error;
        if (throwOnRefusal) throw error;
        missing.push(...(requests[index]?.[1] ?? []));
        this.#report(error);
      }
    }
    if (missing.length > 0) {
      this.#warn({
        code: 'channels-missing',
        message: `the server did not subscribe: ${missing.join(', ')}`,
        items: missing,
      });
    }
  }

  async #unsubscribeOnServer(channels: string[]): Promise<void> {
    const rpc = this.#rpc;
    for (const channel of channels) this.#registry.unconfirm(channel);
    if (rpc === undefined || !isReady(this.#state)) return; // nothing is subscribed on a socket that is not there
    const { publicChannels, privateChannels } = splitChannels(channels);
    const calls: Promise<unknown>[] = [];
    if (publicChannels.length > 0)
      calls.push(rpc.call('public/unsubscribe', { channels: publicChannels }, this.#options.requestTimeout));
    if (privateChannels.length > 0)
      calls.push(
        rpc.call('private/unsubscribe', { channels: privateChannels }, this.#options.requestTimeout),
      );
    try {
      await Promise.all(calls);
    } catch (error) {
      // The handlers are gone either way; a socket that dropped has no subscriptions left to remove.
      if (!(error instanceof ConnectionClosedError)) throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State, shutdown, reporting

  /** Reads the state afresh (TypeScript would otherwise keep a narrowing across awaits). */
  #is(state: SessionState): boolean {
    return this.#state === state;
  }

  #setState(to: SessionState, reason: TransitionReason): void {
    const change = transition(this.#state, to, reason);
    this.#state = to;
    this.#log('debug', `state ${change.from} → ${change.to}`, { reason });
    this.emit('state', change);
    if (isReady(to)) this.#resolveWaiters();
  }

  #resolveWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    for (const waiter of waiters ?? []) waiter.resolve();
  }

  /** Reject waiters: `connect()` callers with `forConnect`, calls with `forCalls`. */
  #rejectWaiters(forConnect: Error, forCalls: Error = forConnect): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    for (const waiter of waiters ?? []) waiter.reject(waiter.isConnect ? forConnect : forCalls);
  }

  #stopConnectionTimers(): void {
    this.#refreshTimer.cancel();
    this.#expiryTimer.cancel();
    this.#watchdog?.stop();
    this.#watchdog = undefined;
  }

  /** End the session for good, closing the current socket or the one a logout detached. */
  #shutdown(reason: CloseReason, error?: Error): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#ending = true;
    this.#loopAbort?.abort(new SessionClosedError());
    this.#stopConnectionTimers();
    const rpc = this.#rpc ?? this.#loggingOutRpc;
    this.#loggingOutRpc = undefined;
    this.#rpc = undefined;
    const closedError = new SessionClosedError(
      reason === 'fatal'
        ? `the session closed after a fatal error: ${error?.message ?? 'unknown'}`
        : 'the session is closed',
      error ? { cause: error } : undefined,
    );
    const socketClosed = rpc
      ? rpc.shutdown(
          1000,
          reason,
          (method) =>
            new SessionClosedError(
              `the session closed before ${method} was answered: the outcome is unknown`,
              { cause: error },
            ),
        )
      : Promise.resolve();
    this.#setState('closed', reason === 'fatal' ? 'auth-fatal-error' : reason);
    this.#rejectWaiters(error ?? closedError, closedError);
    this.#registry.clear();
    const event: ClosedEvent = error ? { reason, error } : { reason };
    this.#log(reason === 'fatal' ? 'error' : 'info', 'session closed', { reason, error: error?.message });
    this.emit('closed', event);
    this.#closing = socketClosed.then(noop, noop);
    return this.#closing;
  }

  #warn(warning: WarningEvent): void {
    this.#log('warn', warning.message, { code: warning.code });
    this.emit('warning', warning);
  }

  #report(error: Error): void {
    this.#log('error', error.message, { name: error.name });
    this.emit('error', error);
  }

  #log(level: keyof Logger, message: string, context?: Record<string, unknown>): void {
    const logger = this.#options.logger;
    if (!logger) return;
    try {
      logger[level](`[deribit-session] ${message}`, context);
    } catch {
      // A broken logger must not break the session.
    }
  }

  /** A summary without secrets, for `JSON.stringify(session)`. */
  toJSON(): Record<string, unknown> {
    return {
      url: this.#options.url,
      state: this.#state,
      scope: this.#tokens?.scopeText,
      expiresAt: this.#tokens?.expiresAt,
    };
  }

  /** Node's `util.inspect` hook: the same summary, never a secret. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DeribitSession ${JSON.stringify(this.toJSON())}`;
  }
}

function toError(error: unknown, fallback: string): Error {
  return error instanceof Error ? error : new Error(fallback);
}
