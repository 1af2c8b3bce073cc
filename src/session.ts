/// <reference lib="esnext.disposable" />
/**
 * DeribitSession: the public face of one session. It holds the state and the events, validates what callers
 * pass, and delegates: the connection loop owns the socket, the token keeper owns the tokens, the call gate
 * holds whatever waits for readiness, the subscriber owns server subscriptions, the family owns children.
 * Every way out (close, logout, a fatal error) goes through one teardown.
 * @module
 */
import WebSocketImpl from 'isomorphic-ws';
import { abortable } from './abort.js';
import type { ChannelData } from './api/channels.js';
import type { CallArgs, MethodResult } from './api/methods.js';
import type { Grant } from './auth.js';
import { CallGate } from './call-gate.js';
import { monotonic } from './clock.js';
import { ConnectionLoop } from './connection-loop.js';
import type { EventPayload, SessionContext } from './context.js';
import type * as errors from './errors.js';
import { InvalidArgumentError, NotConnectedError, SessionClosedError } from './errors.js';
import type { ClosedEvent, CloseReason, SessionEvents } from './events.js';
import { type ChildLink, type ExchangeOptions, Family, type ForkOptions } from './family.js';
import { GuardedEmitter } from './guarded-emitter.js';
import { type ResolvedOptions, resolveChildOptions, resolveOptions, type SessionOptions } from './options.js';
import { Reporter } from './reporter.js';
import type { Scope } from './scope.js';
import type {
  CallOptions,
  ConnectOptions,
  LogoutOptions,
  LogoutResult,
  SessionStatus,
} from './session-types.js';
import type { WebSocketConstructor } from './socket.js';
import type { LogoutRequest } from './socket-end.js';
import { isReady, type SessionState, type TransitionReason, transition } from './state.js';
import { NotificationStream, type StreamItem, type StreamOptions } from './stream.js';
import { Subscriber } from './subscriber.js';
import type { NotificationHandler } from './subscriptions.js';
import { TokenKeeper } from './token-keeper.js';
import { socketOptionsFor } from './transport.js';
import { validateTimeout } from './validate.js';

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
export class DeribitSession extends GuardedEmitter<SessionEvents> {
  readonly #options: ResolvedOptions;
  readonly #rawOptions: SessionOptions;
  #state: SessionState = 'disconnected';
  readonly #reporter: Reporter;
  readonly #gate: CallGate;
  readonly #keeper: TokenKeeper;
  readonly #subscriber: Subscriber;
  readonly #family: Family;
  readonly #loop: ConnectionLoop;
  /** The one teardown, once begun. */
  #teardown: Promise<LogoutResult> | undefined;

  /** @param options - see {@link SessionOptions}; throws {@link InvalidArgumentError} at once for invalid options. */
  constructor(options: SessionOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#rawOptions = options;
    this.#reporter = new Reporter(
      this.#options.logger,
      (event, payload) => this.#emit(event, payload),
      () => this.listenerCount('error') > 0,
    );
    const ctx = this.#context();
    this.#keeper = new TokenKeeper(ctx, options.refreshToken);
    this.#gate = new CallGate(ctx, {
      readySocket: () => this.#loop.readySocket,
      connecting: () => this.#loop.running,
      onUnauthorized: (rpc) => this.#keeper.onUnauthorized(rpc),
    });
    const waitReady = (what: string, timeout: number, signal: AbortSignal | undefined) =>
      this.#gate.waitReady(what, timeout, signal);
    this.#subscriber = new Subscriber(
      ctx,
      { readySocket: () => this.#loop.readySocket, socket: () => this.#loop.socket, waitReady },
      (error, channel) => this.#reporter.listenerFailed({ channel }, error),
    );
    this.#family = new Family(ctx, {
      keeper: this.#keeper,
      waitReady,
      childOptions: (overrides) => resolveChildOptions(this.#rawOptions, overrides),
      createChild: (childOptions, link) => DeribitSession.#child(childOptions, link),
    });
    this.#loop = new ConnectionLoop(ctx, {
      keeper: this.#keeper,
      gate: this.#gate,
      subscriber: this.#subscriber,
      WebSocket: options.WebSocket ?? defaultWebSocket,
      socketOptions: socketOptionsFor(this.#options),
      announce: (grant) => this.#announce(grant),
      fail: (error) => void this.#end('fatal', error),
      gaveUp: (error) => {
        // connect() callers learn why; waiting calls were never sent, and must not look answered or lost.
        const unsent = `not sent: the session stopped reconnecting (${error.message}); call connect() again`;
        this.#gate.fail(error, new NotConnectedError(unsent));
        this.#reporter.report(error);
      },
    });
    this.#keeper.attach({
      socket: () => this.#loop.socket,
      drop: (rpc, reason, why, failure) => this.#loop.drop(rpc, reason, why, failure),
      fail: (error) => void this.#end('fatal', error),
      announce: (grant) => this.#announce(grant),
    });
  }

  static #child(options: SessionOptions, link: ChildLink): DeribitSession {
    const child = new DeribitSession(options);
    child.#keeper.source = link.source;
    child.#family.lineage = link.lineage;
    return child;
  }

  /** Authenticated (again), with heartbeat, COD and subscriptions restored: tell the world. */
  #announce(grant: Grant): void {
    const tokens = this.#keeper.tokens;
    // A `state` listener may have closed the session on the way here: then there is nothing to announce.
    if (tokens === undefined || this.#state !== 'authenticated') return;
    if (tokens.scope.sessionName !== undefined) this.#family.noteNamedSession(tokens.scope.sessionName);
    this.#reporter.log('info', 'authenticated', { grant, expiresAt: tokens.expiresAt });
    this.#emit('authenticated', { scope: tokens.scope, expiresAt: tokens.expiresAt, grant });
  }

  #context(): SessionContext {
    const session = this;
    return {
      options: this.#options,
      get state() {
        return session.#state;
      },
      setState: (to, reason) => this.#setState(to, reason),
      emit: (event, payload) => this.#emit(event, payload),
      report: (error) => this.#reporter.report(error),
      warn: (warning) => this.#reporter.warn(warning),
      log: (level, message, context) => this.#reporter.log(level, message, context),
    };
  }

  /** Current state. */
  get state(): SessionState {
    return this.#state;
  }

  /** The granted scope of the current token (parsed), or undefined before the first authentication. */
  get scope(): Scope | undefined {
    return this.#keeper.scope;
  }

  /** ms epoch at which the current access token expires, or undefined before the first authentication. */
  get expiresAt(): number | undefined {
    return this.#keeper.expiresAt;
  }

  /** The endpoint this session connects to. */
  get url(): string {
    return this.#options.url;
  }

  /** Sessions forked or exchanged from this one (and theirs), still open. */
  get children(): DeribitSession[] {
    return this.#family.children;
  }

  /** Named sessions this session's family (root, forks, subaccount sessions) holds on the key, oldest first. */
  get namedSessions(): string[] {
    return this.#family.lineage.names;
  }

  /** Channels with at least one handler (restored after every reconnect). */
  get channels(): string[] {
    return this.#subscriber.registry.channels();
  }

  /**
   * Connect and authenticate. Resolves once authenticated; keeps trying transient failures with backoff;
   * rejects with the fatal error (e.g. {@link errors.AuthenticationError} for bad credentials, after which the
   * session is `closed`), or when `timeout`/`signal` end the wait (see {@link ConnectOptions}).
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    return this.#loop.connect(options);
  }

  /**
   * Call any JSON-RPC method and resolve with its `result`. While the session is not ready the call waits
   * (at most `maxWait`, then it rejects unsent). Rejects with {@link errors.RpcError}, {@link errors.RequestTimeoutError}
   * (`sent` says whether it left), {@link errors.ConnectionClosedError} (in flight when the socket dropped: outcome
   * unknown; never replayed), {@link errors.NotConnectedError} or {@link SessionClosedError}. A private call answered
   * `13009 unauthorized` makes the session authenticate again (the caller still gets the error).
   */
  call<M extends string>(method: M, ...args: CallArgs<M, CallOptions>): Promise<MethodResult<M>>;
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T> {
    return this.#gate.call<T>(method, params, options);
  }

  /**
   * Subscribe `handler` to one or more channels. Resolves once the server confirmed them (before `connect()`,
   * at once: they are sent when authenticated). Channels stay subscribed across reconnects. `timeout` and
   * `signal` cover the whole subscribe. Returns an idempotent unsubscribe; the server is unsubscribed when a
   * channel's last handler goes. A handler that throws or rejects is reported on `error`.
   */
  subscribe<C extends string>(
    channels: C | readonly C[],
    handler: NotificationHandler<ChannelData<C>>,
    options?: CallOptions,
  ): Promise<() => Promise<void>>;
  subscribe(
    channels: string | readonly string[],
    handler: NotificationHandler<never>,
    options: CallOptions = {},
  ): Promise<() => Promise<void>> {
    return this.#subscriber.subscribe(channels, handler as NotificationHandler, options);
  }

  /**
   * Notifications of `channels` as an async iterator of `{ channel, data }` over a bounded buffer (see
   * {@link StreamOptions} for the overflow policy). Ends when the loop breaks, the signal aborts or the
   * session closes (a fatal close throws the error).
   */
  stream<C extends string>(
    channels: C | readonly C[],
    options: StreamOptions = {},
  ): AsyncIterableIterator<StreamItem<ChannelData<C>>> {
    return new NotificationStream<ChannelData<C>>(
      // The stream's timeout and signal bound the subscribe too: an abort mid-subscribe undoes it.
      (push) => this.subscribe(channels, push, options),
      (end) => {
        const onClosed = (event: ClosedEvent): void => end(event.error);
        this.once('closed', onClosed);
        return () => this.off('closed', onClosed);
      },
      options,
    );
  }

  /**
   * Fork a new named session (`public/fork_token`) on its own socket, with its own refresh cycle, reconnects
   * and subscriptions. This session must hold a session-scoped token (`scope: 'session:NAME'`). When the child's
   * refresh token stops being accepted it forks again from this session, if still open.
   */
  fork(name: string, options?: ForkOptions): Promise<DeribitSession> {
    return this.#family.fork(name, options);
  }

  /**
   * Open a session for a subaccount (`public/exchange_token`) on its own socket, with its own lifecycle.
   * With `sessionName` the new session is named (`session:NAME`); a connection-scoped session needs one.
   */
  exchange(subjectId: number, options?: ExchangeOptions): Promise<DeribitSession> {
    return this.#family.exchange(subjectId, options);
  }

  /**
   * Log out: send `private/logout` (it has no response), wait (bounded) for the server to close the socket,
   * and close the session, from whatever state it is in. Logging out does not trigger cancel-on-disconnect:
   * open orders stay open. If the socket is down the session still ends locally and `confirmed` is false.
   * Concurrent calls share one logout.
   */
  logout(options: LogoutOptions = {}): Promise<LogoutResult> {
    const { invalidateToken = true, signal } = options;
    let timeout: number;
    try {
      if (typeof invalidateToken !== 'boolean')
        throw new InvalidArgumentError('invalidateToken', 'invalidateToken must be a boolean');
      timeout = validateTimeout('timeout', options.timeout, this.#options.logoutTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    // An abort stops waiting for the server: the socket is closed at once, and this caller gets the reason.
    return abortable(this.#end('logout', undefined, { invalidateToken, timeout }), signal, () =>
      this.#loop.hurry(),
    );
  }

  /** Close the socket and end the session without logging out (tokens stay valid until they expire). Idempotent. */
  close(): Promise<void> {
    return this.#end('close').then(noop);
  }

  /** `await using session = new DeribitSession(…)`: logs out, or closes with `dispose: 'close'`. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#options.dispose === 'close') await this.close();
    else await this.logout();
  }

  /** A snapshot for dashboards and health endpoints (no secrets). */
  status(): SessionStatus {
    const { attempt, lastError, nextRetryAt } = this.#loop.status;
    const socket = this.#loop.socket;
    return {
      state: this.#state,
      attempt,
      lastError: lastError && { code: errorCode(lastError), message: lastError.message },
      nextRetryAt,
      expiresAt: this.#keeper.expiresAt,
      sinceLastFrame: socket === undefined ? undefined : Math.round(monotonic() - socket.lastFrameAt),
      subscriptions: this.#subscriber.counts(),
      waiting: this.#gate.size,
    };
  }

  /** The one way out: close or log out whatever socket exists, from any state. Idempotent. */
  #end(reason: CloseReason, error?: Error, logout?: LogoutRequest): Promise<LogoutResult> {
    if (this.#teardown !== undefined) {
      if (reason === 'close') this.#loop.hurry();
      return this.#teardown;
    }
    this.#keeper.dispose();
    const ended = this.#loop.end(
      logout,
      (method) =>
        new SessionClosedError(
          `the session ${reason === 'logout' ? 'logged out' : 'closed'} before ${method} was answered: the outcome is unknown`,
          error ? { cause: error } : undefined,
        ),
    );
    const closedError = new SessionClosedError(
      reason === 'fatal'
        ? `the session closed after a fatal error: ${error?.message ?? 'unknown'}`
        : 'the session is closed',
      error ? { cause: error } : undefined,
    );
    const name = this.#keeper.scope?.sessionName;
    this.#setState('closed', reason === 'fatal' ? 'auth-fatal-error' : reason);
    this.#gate.fail(error ?? closedError, closedError);
    this.#family.closeSpawning();
    this.#subscriber.clear();
    this.#reporter.log(reason === 'fatal' ? 'error' : 'info', 'session closed', {
      reason,
      error: error?.message,
    });
    this.#emit('closed', error ? { reason, error } : { reason });
    this.#teardown = ended.then((result) => {
      if (result.confirmed && logout?.invalidateToken && name !== undefined)
        this.#family.lineage.remove(name);
      return result;
    });
    return this.#teardown;
  }

  #setState(to: SessionState, reason: TransitionReason): void {
    const change = transition(this.#state, to, reason);
    this.#state = to;
    this.#reporter.log('debug', `state ${change.from} → ${change.to}`, { reason });
    this.#emit('state', change);
    if (isReady(to)) this.#gate.open();
  }

  #emit<K extends keyof SessionEvents>(event: K, payload: EventPayload<K>): void {
    (this.emit as (event: K, payload: EventPayload<K>) => boolean)(event, payload);
  }

  protected override listenerFailed(event: string, error: unknown): void {
    this.#reporter.listenerFailed({ event }, error);
  }

  /** A summary without secrets, for `JSON.stringify(session)`. */
  toJSON(): Record<string, unknown> {
    return {
      url: this.#options.url,
      state: this.#state,
      scope: this.#keeper.tokens?.scopeText,
      expiresAt: this.expiresAt,
    };
  }

  /** Node's `util.inspect` hook: the same summary, never a secret. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DeribitSession ${JSON.stringify(this.toJSON())}`;
  }
}

function errorCode(error: Error): string | number {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? code : error.name;
}
