/// <reference lib="esnext.disposable" preserve="true" />
/**
 * DeribitSession: the public face of one session. It holds the state and the events, validates what callers
 * pass, and delegates: the connection loop owns the socket, the token keeper owns the tokens, the call gate
 * holds whatever waits for readiness, the subscriber owns server subscriptions, the family owns children.
 * Every way out (close, logout, a fatal error) goes through one teardown.
 * @module
 */

import type { ChannelData, ChannelName } from '../api/channels.js';
import type { CallArgs, MethodName, MethodResult } from '../api/methods.js';
import type { Scope } from '../auth/scope.js';
import type * as errors from '../errors/errors.js';
import { InvalidArgumentError } from '../errors/errors.js';
import type { ChildLink, ExchangeOptions, ForkOptions } from '../family/family.js';
import type { SessionOptions } from '../options/options.js';
import { validateTimeout } from '../options/validate.js';
import type { NotificationHandler } from '../subscriptions/registry.js';
import { NotificationStream, type StreamItem, type StreamOptions } from '../subscriptions/stream.js';
import { wait } from '../time/wait.js';
import { type EventSink, SessionCore } from './core.js';
import type { ClosedEvent, SessionEvents } from './events.js';
import { GuardedEmitter } from './guarded-emitter.js';
import type {
  CallOptions,
  ConnectOptions,
  LogoutOptions,
  LogoutResult,
  SessionStatus,
} from './session-types.js';
import type { SessionState } from './state.js';

const noop = (): void => {};

/** The link of the child being constructed: read once by the constructor (children are built only by a parent). */
let constructingChild: ChildLink | undefined;

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
  readonly #core: SessionCore<DeribitSession>;

  /** @param options - see {@link SessionOptions}; throws {@link InvalidArgumentError} at once for invalid options. */
  constructor(options: SessionOptions) {
    super();
    const child = constructingChild;
    constructingChild = undefined;
    this.#core = new SessionCore<DeribitSession>(options, this as EventSink, DeribitSession.#child, child);
  }

  static #child(options: SessionOptions, link: ChildLink): DeribitSession {
    constructingChild = link;
    try {
      return new DeribitSession(options);
    } finally {
      constructingChild = undefined;
    }
  }

  /** Current state. */
  get state(): SessionState {
    return this.#core.state;
  }

  /** The granted scope of the current token (parsed), or undefined before the first authentication. */
  get scope(): Scope | undefined {
    return this.#core.keeper.scope;
  }

  /** ms epoch at which the current access token expires, or undefined before the first authentication. */
  get expiresAt(): number | undefined {
    return this.#core.keeper.expiresAt;
  }

  /** The endpoint this session connects to. */
  get url(): string {
    return this.#core.options.url;
  }

  /** Sessions forked or exchanged from this one (and theirs), still open. */
  get children(): DeribitSession[] {
    return this.#core.family.children;
  }

  /** Named sessions this session's family (root, forks, subaccount sessions) holds on the key, oldest first. */
  get namedSessions(): string[] {
    return this.#core.family.lineage.names;
  }

  /** Channels with at least one handler (restored after every reconnect). */
  get channels(): string[] {
    return this.#core.subscriber.registry.userChannels();
  }

  /**
   * Connect and authenticate. Resolves once authenticated; keeps trying transient failures with backoff;
   * rejects with the fatal error (e.g. {@link errors.AuthenticationError} for bad credentials, after which the
   * session is `closed`), or when `timeout`/`signal` end the wait (see {@link ConnectOptions}).
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    return this.#core.loop.connect(options);
  }

  /**
   * Call any JSON-RPC method and resolve with its `result`. While the session is not ready the call waits
   * (at most `maxWait`, then it rejects unsent). Rejects with {@link errors.RpcError}, {@link errors.RequestTimeoutError}
   * (`sent` says whether it left), {@link errors.ConnectionClosedError} (in flight when the socket dropped: outcome
   * unknown; never replayed), {@link errors.NotConnectedError} or {@link SessionClosedError}. A private call answered
   * `13009 unauthorized` makes the session authenticate again (the caller still gets the error).
   */
  call<M extends MethodName>(method: M, ...args: CallArgs<M, CallOptions>): Promise<MethodResult<M>>;
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T> {
    return this.#core.gate.call<T>(method, params, options);
  }

  /**
   * Subscribe `handler` to one or more channels. Resolves once the server confirmed them (before `connect()`,
   * at once: they are sent when authenticated). Channels stay subscribed across reconnects. `timeout` and
   * `signal` cover the whole subscribe. Returns an idempotent unsubscribe; the server is unsubscribed when a
   * channel's last handler goes. A handler that throws or rejects is reported on `error`.
   */
  subscribe<C extends ChannelName>(
    channels: C | readonly C[],
    handler: NotificationHandler<ChannelData<C>>,
    options?: CallOptions,
  ): Promise<() => Promise<void>>;
  subscribe(
    channels: string | readonly string[],
    handler: NotificationHandler<never>,
    options: CallOptions = {},
  ): Promise<() => Promise<void>> {
    return this.#core.subscriber.subscribe(channels, handler as NotificationHandler, options);
  }

  /**
   * Notifications of `channels` as an async iterator of `{ channel, data }` over a bounded buffer (see
   * {@link StreamOptions} for the overflow policy). Ends when the loop breaks, the signal aborts or the
   * session closes (a fatal close throws the error).
   */
  stream<C extends ChannelName>(
    channels: C | readonly C[],
    options: StreamOptions = {},
  ): AsyncIterableIterator<StreamItem<ChannelData<C>>> {
    return new NotificationStream<ChannelData<C>>(
      // The stream's timeout and signal bound the subscribe too: an abort mid-subscribe undoes it.
      (push, refused) =>
        this.#core.subscriber.subscribe(channels, push as NotificationHandler, options, refused),
      (end) => {
        const onClosed = (event: ClosedEvent): void => end(event.error);
        this.once('closed', onClosed);
        return () => this.off('closed', onClosed);
      },
      options,
      (channel) => this.#core.metrics.streamDrop(channel),
    );
  }

  /**
   * Fork a new named session (`public/fork_token`) on its own socket, with its own refresh cycle, reconnects
   * and subscriptions. This session must hold a session-scoped token (`scope: 'session:NAME'`). When the child's
   * refresh token stops being accepted it forks again from this session, if still open.
   */
  fork(name: string, options?: ForkOptions): Promise<DeribitSession> {
    return this.#core.family.fork(name, options);
  }

  /**
   * Open a session for a subaccount (`public/exchange_token`) on its own socket, with its own lifecycle.
   * With `sessionName` the new session is named (`session:NAME`); a connection-scoped session needs one.
   */
  exchange(subjectId: number, options?: ExchangeOptions): Promise<DeribitSession> {
    return this.#core.family.exchange(subjectId, options);
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
      timeout = validateTimeout('timeout', options.timeout, this.#core.options.logoutTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    // An abort stops waiting for the server: the socket is closed at once, and this caller gets the reason.
    return wait(this.#core.end('logout', undefined, { invalidateToken, timeout }), {
      signal,
      onAbort: () => void this.#core.end('close'),
    });
  }

  /** Close the socket and end the session without logging out (tokens stay valid until they expire). Idempotent. */
  close(): Promise<void> {
    return this.#core.end('close').then(noop);
  }

  /** `await using session = new DeribitSession(…)`: logs out, or closes with `dispose: 'close'`. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#core.options.dispose === 'close') await this.close();
    else await this.logout();
  }

  /** A snapshot for dashboards and health endpoints (no secrets). */
  status(): SessionStatus {
    return this.#core.status();
  }

  protected override listenerFailed(event: string, error: unknown): void {
    this.#core.reporter.listenerFailed({ event }, error);
  }

  /** A summary without secrets, for `JSON.stringify(session)`. */
  toJSON(): Record<string, unknown> {
    return {
      url: this.#core.options.url,
      state: this.#core.state,
      scope: this.#core.keeper.tokens?.scopeText,
      expiresAt: this.expiresAt,
    };
  }

  /** Node's `util.inspect` hook: the same summary, never a secret. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DeribitSession ${JSON.stringify(this.toJSON())}`;
  }
}
