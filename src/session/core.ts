/**
 * The inside of a session: its state, its parts, and the one teardown. The core is the context every part
 * shares and the link each part has to the others, as one object with methods (no closures a session), so
 * an idle session costs little: a process may hold hundreds.
 * @module
 */
import WebSocketImpl from 'isomorphic-ws';
import type { Grant } from '../auth/grants.js';
import { TokenKeeper } from '../auth/keeper.js';
import type { CreditGovernor } from '../calls/credits/governor.js';
import type { LostCallInfo } from '../calls/gate.js';
import { CallGate } from '../calls/gate.js';
import { defaultCreditKey, Pacing } from '../calls/pacing.js';
import { PLATFORM_CHANNEL, PlatformGate } from '../calls/platform.js';
import type { LogoutRequest } from '../connection/end.js';
import type { SocketLifetime } from '../connection/lifetime.js';
import { ConnectionLoop } from '../connection/loop.js';
import type { WebSocketConstructor } from '../connection/socket.js';
import { socketOptionsFor } from '../connection/transport.js';
import { Continuity } from '../continuity/continuity.js';
import { type ConnectionClosedError, NotConnectedError, SessionClosedError } from '../errors/errors.js';
import { type ChildLink, type ChildSession, type ChildSessionOptions, Family } from '../family/family.js';
import { notificationTimestamp } from '../metrics/family.js';
import { createMetricsPublisher, type MetricsPublisher } from '../metrics/publisher.js';
import {
  type ResolvedOptions,
  resolveChildOptions,
  resolveOptions,
  type SessionOptions,
} from '../options/options.js';
import { Subscriber } from '../subscriptions/subscriber.js';
import { monotonic } from '../time/clock.js';
import type { EventPayload, LogLevel, SessionContext } from './context.js';
import type { CloseReason, SessionEvents, WarningEvent } from './events.js';
import { Reporter } from './reporter.js';
import type { LogoutResult, SessionStatus } from './session-types.js';
import { isReady, type SessionState, type TransitionReason, transition } from './state.js';

// isomorphic-ws's typings are `ws`'s class, whose constructor takes more than the WHATWG surface this library
// uses: the cast narrows it to that surface (browsers get the native WebSocket through the same import).
const defaultWebSocket = WebSocketImpl as unknown as WebSocketConstructor;
/** Sessions made in this process: the default metrics label of each. */
let sessions = 0;

/** Where the core's events go: the facade, an emitter whose listeners cannot throw into the core. */
export interface EventSink {
  emit<K extends keyof SessionEvents>(event: K, payload: EventPayload<K>): boolean;
  listenerCount(event: keyof SessionEvents): number;
}

/** The state, the parts and the teardown of one session. */
export class SessionCore<Child extends ChildSession = ChildSession> implements SessionContext {
  state: SessionState = 'disconnected';
  readonly options: ResolvedOptions;
  readonly #raw: SessionOptions;
  readonly #events: EventSink;
  readonly #createChild: (options: SessionOptions, link: ChildLink) => Child;
  readonly WebSocket: WebSocketConstructor;
  readonly socketOptions: Record<string, unknown> | undefined;
  readonly reporter: Reporter;
  readonly metrics: MetricsPublisher;
  readonly keeper: TokenKeeper;
  readonly gate: CallGate;
  readonly subscriber: Subscriber;
  readonly continuity: Continuity;
  readonly platform: PlatformGate;
  /** The subaccount's credit pacing (undefined with `credits: false`). */
  readonly pacing: Pacing | undefined;
  readonly family: Family<Child>;
  readonly loop: ConnectionLoop;
  /** The one teardown, once begun. */
  #teardown: Promise<LogoutResult> | undefined;
  /** Aborted by a `close()` during a logout: stop waiting for the server. */
  readonly #hurry = new AbortController();

  /**
   * @param raw - the options as given (validated here; throws `InvalidArgumentError`)
   * @param events - the facade
   * @param createChild - how to construct a child session
   * @param child - for a child session: its parent's token source and the family's lineage
   */
  constructor(
    raw: SessionOptions,
    events: EventSink,
    createChild: (options: SessionOptions, link: ChildLink) => Child,
    child?: ChildLink,
  ) {
    this.options = resolveOptions(raw);
    this.#raw = raw;
    this.#events = events;
    this.#createChild = createChild;
    this.WebSocket = this.options.WebSocket ?? defaultWebSocket;
    this.socketOptions = socketOptionsFor(this.options);
    this.reporter = new Reporter(this.options.logger, this);
    this.metrics = createMetricsPublisher(this.options.label ?? `session-${++sessions}`);
    const { credits, url, credentials } = this.options;
    this.pacing =
      credits === false
        ? undefined
        : new Pacing(this, child?.creditKey ?? credits.key ?? defaultCreditKey(url, credentials?.clientId));
    this.keeper = new TokenKeeper(this, this, this.options.refreshToken, child?.source);
    this.gate = new CallGate(this, this);
    this.subscriber = new Subscriber(this, this);
    this.continuity = new Continuity(this, this.subscriber.registry);
    this.platform = new PlatformGate(this);
    this.subscriber.follow([PLATFORM_CHANNEL], (data) => this.platform.notify(data));
    this.family = new Family<Child>(this, this, child?.lineage);
    this.loop = new ConnectionLoop(this, this);
  }

  // --- the context every part shares

  /** Move to `to`, validated by the transitions table; entering a ready state opens the call gate. */
  setState(to: SessionState, reason: TransitionReason): void {
    const change = transition(this.state, to, reason);
    this.state = to;
    this.reporter.log('debug', `state ${change.from} → ${change.to}`, { reason });
    this.emit('state', change);
    if (isReady(to)) this.gate.open();
  }

  /** Emit on the facade (listeners are guarded there). */
  emit<K extends keyof SessionEvents>(event: K, payload: EventPayload<K>): void {
    this.#events.emit(event, payload);
  }

  /** Whether anyone listens to `error`. */
  hasErrorListener(): boolean {
    return this.#events.listenerCount('error') > 0;
  }

  report(error: Error): void {
    this.reporter.report(error);
  }

  warn(warning: WarningEvent): void {
    this.reporter.warn(warning);
  }

  log(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    this.reporter.log(level, message, context);
  }

  // --- links between the parts

  /** The socket's lifetime when the session is ready. */
  ready(): SocketLifetime | undefined {
    return this.loop.ready;
  }

  /** The current socket's lifetime, ready or not. */
  current(): SocketLifetime | undefined {
    return this.loop.current;
  }

  connecting(): boolean {
    return this.loop.running;
  }

  generation(): number {
    return this.keeper.generation;
  }

  onUnauthorized(life: SocketLifetime, generation: number): void {
    this.keeper.onUnauthorized(life, generation);
  }

  notify(channel: string, data: unknown): void {
    this.continuity.notify(channel, data);
  }

  socketLost(life: SocketLifetime): void {
    this.continuity.socketLost(life);
  }

  platformGate(): PlatformGate {
    return this.platform;
  }

  governor(): CreditGovernor | undefined {
    return this.pacing?.governor;
  }

  get creditKey(): string | undefined {
    return this.pacing?.key;
  }

  /** An order call goes out: the subaccount's matching-engine tier is worth knowing (read hourly). */
  ordering(life: SocketLifetime): void {
    this.pacing?.readLimits(life);
  }

  /** Deribit ends a session that ran out of credits: give the socket up, so the reconnect backs off. */
  tooManyRequests(life: SocketLifetime, error: Error): void {
    life.drop('rate-limited', 'too_many_requests', error);
  }

  lost(call: LostCallInfo, error: ConnectionClosedError): void {
    this.continuity.lost(call.method, call.params, call.sentAt, call.offset, error);
  }

  get requester(): CallGate {
    return this.gate;
  }

  waitReady(what: string, timeout: number, signal: AbortSignal | undefined): Promise<void> {
    return this.gate.waitReady(what, timeout, signal);
  }

  childOptions(overrides: ChildSessionOptions): ChildSessionOptions {
    return resolveChildOptions(this.#raw, overrides);
  }

  createChild(options: SessionOptions, link: ChildLink): Child {
    return this.#createChild(options, link);
  }

  handlerFailed(error: unknown, channel: string): void {
    this.reporter.listenerFailed({ channel }, error);
  }

  /** Everything a freshly authenticated socket needs before it is announced: its subscriptions, the gap. */
  async restore(life: SocketLifetime): Promise<void> {
    const status = life.request('public/status', undefined, { timeout: this.options.requestTimeout }).then(
      (result) => this.platform.status(result),
      (error: unknown) =>
        this.log('info', 'public/status failed', {
          error: error instanceof Error ? error.message : 'unknown',
        }),
    );
    await Promise.all([this.subscriber.restore(life), status]);
    await this.continuity.resync(life);
  }

  /** Authenticated again in place on the same socket: the gap filled, ready again, and announced. */
  async reauthenticated(life: SocketLifetime, grant: Grant, previousAdoptAt: number): Promise<void> {
    this.continuity.reauthenticating(life, previousAdoptAt);
    await this.continuity.resync(life);
    if (life.signal.aborted || this.state !== 'authenticating') return;
    this.setState('authenticated', 'auth-ok');
    this.announce(grant);
  }

  /** Authenticated (again), with heartbeat, COD and subscriptions restored: tell the world. */
  announce(grant: Grant): void {
    const tokens = this.keeper.tokens;
    // A `state` listener may have closed the session on the way here: then there is nothing to announce.
    if (tokens === undefined || this.state !== 'authenticated') return;
    if (tokens.scope.sessionName !== undefined) this.family.noteNamedSession(tokens.scope.sessionName);
    this.reporter.log('info', 'authenticated', { grant, expiresAt: tokens.expiresAt });
    this.metrics.authenticated(grant);
    this.emit('authenticated', { scope: tokens.scope, expiresAt: tokens.expiresAt, grant });
  }

  fail(error: Error): void {
    void this.end('fatal', error);
  }

  /** The loop gave up: `connect()` callers learn why; waiting calls were never sent, and must not look lost. */
  gaveUp(error: Error): void {
    const unsent = `not sent: the session stopped reconnecting (${error.message}); call connect() again`;
    this.gate.fail(error, new NotConnectedError(unsent));
    this.reporter.report(error);
  }

  /** A snapshot for dashboards and health endpoints (no secrets). */
  status(): SessionStatus {
    const { attempt, lastError, nextRetryAt } = this.loop.status;
    const life = this.loop.current;
    return {
      state: this.state,
      attempt,
      lastError: lastError && { code: errorCode(lastError), message: lastError.message },
      nextRetryAt,
      expiresAt: this.keeper.expiresAt,
      sinceLastFrame: life === undefined ? undefined : Math.round(monotonic() - life.rpc.lastFrameAt),
      subscriptions: this.subscriber.counts(life),
      waiting: this.gate.size,
      roundTrip: life?.roundTrip === undefined ? undefined : Math.round(life.roundTrip * 100) / 100,
      lag: this.#lag(life),
      credits: this.pacing?.status(),
    };
  }

  /** The last notification's lag: when it arrived against the server's `timestamp` on it (server clock). */
  #lag(life: SocketLifetime | undefined): number | undefined {
    const { lastData, lastAt } = this.continuity;
    const stamped = lastData === undefined ? undefined : notificationTimestamp(lastData);
    if (stamped === undefined) return undefined;
    return Math.round(lastAt + (life?.rpc.serverOffset ?? 0) - stamped);
  }

  /**
   * The one way out: close or log out whatever socket exists, from any state. Idempotent; a `close` during
   * a logout stops waiting for the server.
   */
  end(reason: CloseReason, error?: Error, logout?: LogoutRequest): Promise<LogoutResult> {
    if (this.#teardown !== undefined) {
      if (reason === 'close') this.#hurry.abort();
      return this.#teardown;
    }
    this.keeper.dispose();
    this.continuity.dispose();
    this.gate.close();
    this.pacing?.dispose();
    const cause = error ? { cause: error } : undefined;
    const verb = reason === 'logout' ? 'logged out' : 'closed';
    const ended = this.loop.end(
      logout,
      (method) =>
        new SessionClosedError(
          `the session ${verb} before ${method} was answered: the outcome is unknown`,
          cause,
        ),
      this.#hurry.signal,
    );
    const closedError = new SessionClosedError(
      reason === 'fatal'
        ? `the session closed after a fatal error: ${error?.message ?? 'unknown'}`
        : 'the session is closed',
      cause,
    );
    const name = this.keeper.scope?.sessionName;
    this.setState('closed', reason === 'fatal' ? 'auth-fatal-error' : reason);
    this.gate.fail(error ?? closedError, closedError);
    this.family.closeSpawning();
    this.subscriber.clear();
    this.reporter.log(reason === 'fatal' ? 'error' : 'info', 'session closed', {
      reason,
      error: error?.message,
    });
    this.emit('closed', error ? { reason, error } : { reason });
    this.#teardown = ended.then((result) => {
      if (result.confirmed && logout?.invalidateToken && name !== undefined) this.family.lineage.remove(name);
      return result;
    });
    return this.#teardown;
  }
}

function errorCode(error: Error): string | number {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? code : error.name;
}
