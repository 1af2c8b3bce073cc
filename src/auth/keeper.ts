/**
 * The token keeper: the only writer of the session's tokens. It authenticates sockets (refresh token first
 * where it can work, then credentials, then the parent for child sessions), adopts and announces new tokens,
 * schedules the refresh and the expiry guard for the socket that holds them, refreshes single-flight, and
 * re-authenticates in place when a refresh is refused or cannot finish in time, the token is about to expire,
 * or the server says `13009` to a private call sent under the current token; and it throttles all of it, so no
 * server answer can make it loop. Every wait ends with the socket's lifetime (`life.signal`).
 * @module
 */
import type { SocketLifetime } from '../connection/lifetime.js';

/** What the keeper uses of a socket's lifetime (a narrow view: unit tests give it a fake). */
export type KeeperSocket = Pick<SocketLifetime, 'request' | 'signal' | 'drop' | 'authenticated'>;

import { isLoginOverLimit, isTokenRejection } from '../errors/classify.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  type RpcError,
  SessionClosedError,
} from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import { isReady, type SessionState, type TransitionReason } from '../session/state.js';
import { monotonic } from '../time/clock.js';
import { LazyAbort } from '../time/lazy-abort.js';
import { DeadlineTimer, onAbort, sleep } from '../time/wait.js';
import { AuthRequests } from './auth-requests.js';
import { type Grant, parseTokenResult, refreshParams, type TokenSet } from './grants.js';
import { refreshDelay } from './refresh.js';
import { missingScope, parseScope, type Scope } from './scope.js';
import { backoffAfter, UNAUTHORIZED_STREAK_RESET_MS } from './throttle.js';

/** Where a child session gets a fresh token pair when its own refresh token is no longer accepted. */
export type TokenSource = (signal?: AbortSignal) => Promise<TokenSet>;

/** What the keeper needs from the rest of the session. */
export interface KeeperLink<Socket extends KeeperSocket = SocketLifetime> {
  /** The loop's current socket, if any. */
  current(): Socket | undefined;
  /** A fatal failure: the session closes with `error`. */
  fail(error: Error): void;
  /**
   * Authenticated again in place on `life`: restore what the gap needs, then announce. `previousAdoptAt`: wall
   * time (ms) the token that was refused had been adopted.
   */
  reauthenticated(life: Socket, grant: Grant, previousAdoptAt: number): Promise<void>;
}

/** Shortest safety margin, ms: a token is treated as expired this long before the server says so. */
const MAX_EXPIRY_SAFETY_MS = 5000;
/** After a failed transient refresh, retry after this long (ms), or half the remaining life if sooner. */
const REFRESH_RETRY_MS = 1000;

/** A refresh or re-authentication running in place on the live socket. */
interface Job {
  readonly kind: 'refresh' | 'reauth';
  readonly controller: AbortController;
  promise: Promise<void>;
}

/** Owns the tokens of one session. */
export class TokenKeeper<Socket extends KeeperSocket = SocketLifetime> {
  readonly #ctx: SessionContext;
  readonly #link: KeeperLink<Socket>;
  readonly #source: TokenSource | undefined;
  readonly #requests: AuthRequests;
  #tokens: TokenSet | undefined;
  #expiresAtMono = 0;
  #refreshToken: string | undefined;
  #generation = 0;
  /** Wall time (ms) the current pair was adopted. */
  #adoptedAt = 0;
  readonly #refreshTimer = new DeadlineTimer();
  readonly #expiryTimer = new DeadlineTimer();
  #undoTimers: (() => void) | undefined;
  #job: Job | undefined;
  #unauthorizedStreak = 0;
  #lastUnauthorizedAt = Number.NEGATIVE_INFINITY;
  /** Aborted by {@link dispose}: ends any throttle or backoff wait at once (its signal made only for a wait). */
  readonly #disposed = new LazyAbort();

  /**
   * @param ctx - the session's context
   * @param link - the loop and the core
   * @param refreshToken - a persisted refresh token to start from
   * @param source - for child sessions: the parent's way to issue a fresh pair
   */
  constructor(
    ctx: SessionContext,
    link: KeeperLink<Socket>,
    refreshToken: string | undefined,
    source?: TokenSource,
  ) {
    this.#ctx = ctx;
    this.#link = link;
    this.#refreshToken = refreshToken;
    this.#source = source;
    this.#requests = new AuthRequests(ctx, this.#disposed);
  }

  /** The granted scope of the current token. */
  get scope(): Scope | undefined {
    return this.#tokens?.scope;
  }

  /** The current token pair (never expose it: only the `tokens` event carries tokens). */
  get tokens(): TokenSet | undefined {
    return this.#tokens;
  }

  /** ms epoch of the current token's expiry. */
  get expiresAt(): number | undefined {
    return this.#tokens?.expiresAt;
  }

  /** Whether any authentication has succeeded (the next connect is a reconnect). */
  get hasAuthenticated(): boolean {
    return this.#tokens !== undefined;
  }

  /** Counts the token pairs adopted: a call sent under generation `g` was sent with the `g`-th pair. */
  get generation(): number {
    return this.#generation;
  }

  /** The state now (a read TypeScript does not narrow across awaits and listener calls). */
  #state(): SessionState {
    return this.#ctx.state;
  }

  get #isDisposed(): boolean {
    return this.#disposed.aborted || this.#ctx.state === 'closed';
  }

  /**
   * Authenticate `life`: the refresh token first where it can work (always on the socket that holds the
   * tokens; on a new socket only for session-scoped tokens or without credentials), then the credentials,
   * then the parent. `skipRefreshToken`: go to the credentials first (a refresh with that token just went
   * unanswered). Throws {@link AuthenticationError} when no way is left (fatal); anything else is transient.
   */
  async authenticate(
    life: Socket,
    sameSocket = false,
    signal = life.signal,
    skipRefreshToken = false,
  ): Promise<Grant> {
    const refreshToken = this.#refreshToken;
    const hasCredentials = this.#ctx.options.credentials !== undefined;
    const portable = this.#tokens === undefined || this.#tokens.scope.sessionName !== undefined;
    const tryRefresh = !(skipRefreshToken && hasCredentials) && (sameSocket || portable || !hasCredentials);
    if (refreshToken !== undefined && tryRefresh) {
      try {
        this.#adopt(life, await this.#requests.auth(life, refreshParams(refreshToken), signal));
        return 'refresh_token';
      } catch (error) {
        if (!isTokenRejection(error)) throw error;
        if (this.#refreshToken === refreshToken) this.#refreshToken = undefined;
        this.#ctx.log('warn', 'refresh token rejected; falling back', { code: error.code });
        if (!hasCredentials) return this.#authenticateFromSource(life, error, signal);
      }
    }
    if (!hasCredentials) return this.#authenticateFromSource(life, undefined, signal);
    this.#adopt(life, await this.#requests.withCredentials(life, signal));
    return this.#ctx.options.grant;
  }

  /** A child session without credentials asks its parent for a fresh pair, then uses it on this socket. */
  async #authenticateFromSource(
    life: Socket,
    rejection: RpcError | undefined,
    signal: AbortSignal,
  ): Promise<Grant> {
    const why = rejection
      ? `the refresh token was rejected (${rejection.code} ${rejection.deribitMessage})`
      : 'no refresh token';
    const source = this.#source;
    if (source === undefined) {
      throw new AuthenticationError(`${why} and there are no credentials to fall back on`, {
        cause: rejection,
      });
    }
    let fresh: TokenSet;
    try {
      fresh = await source(signal);
    } catch (error) {
      // A parent that is closed or cannot authenticate will not get better; anything else may.
      if (!(error instanceof SessionClosedError || error instanceof AuthenticationError)) throw error;
      throw new AuthenticationError(`${why} and the parent session could not issue a new one`, {
        cause: error,
      });
    }
    try {
      this.#adopt(life, await this.#requests.auth(life, refreshParams(fresh.refreshToken), signal));
    } catch (error) {
      // A pair fresh from the parent refused on this socket (e.g. bound to the parent's): asking again won't help.
      if (!isTokenRejection(error)) throw error;
      throw new AuthenticationError(`${why}, and the pair the parent issued was refused too`, {
        cause: error,
      });
    }
    return 'refresh_token';
  }

  /**
   * Make `tokens` current on `life`: remember the newest refresh token, schedule renewal, announce them.
   * Listeners come last: one that closes the session finds everything in place for {@link dispose} to undo.
   */
  #adopt(life: Socket, tokens: TokenSet): void {
    // A result that arrives after close() or after the socket went is dropped: no tokens event, no timer.
    if (this.#isDisposed) throw new SessionClosedError();
    if (life.signal.aborted)
      throw new ConnectionClosedError(undefined, undefined, 'socket lost during authentication');
    this.#tokens = tokens;
    this.#refreshToken = tokens.refreshToken;
    this.#expiresAtMono = monotonic() + tokens.expiresIn * 1000;
    this.#generation += 1;
    this.#adoptedAt = Date.now();
    life.authenticated = true;
    this.#schedule(life, tokens);
    this.#ctx.emit('tokens', {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
    });
    const requested = this.#ctx.options.scope;
    if (requested !== undefined && !this.#isDisposed) {
      const missing = missingScope(parseScope(requested), tokens.scope);
      if (missing.length > 0) {
        this.#ctx.warn({
          code: 'scope-narrowed',
          message: `the server granted less than requested: ${missing.join(' ')}`,
          items: missing,
        });
      }
    }
  }

  /** ms before expiry at which the token is treated as expired: 5 % of its life, at most 5 s. */
  #safetyMs(): number {
    return Math.min(MAX_EXPIRY_SAFETY_MS, (this.#tokens?.expiresIn ?? 0) * 50);
  }

  /** The refresh and the expiry guard, for the socket that holds the tokens: they end with it. */
  #schedule(life: Socket, tokens: TokenSet): void {
    this.#undoTimers?.();
    this.#refreshTimer.scheduleIn(refreshDelay(tokens.expiresIn, this.#ctx.options.refresh), () =>
      this.#runInPlace(life, 'refresh', (job) => this.#refresh(life, job)),
    );
    this.#expiryTimer.schedule(this.#expiresAtMono - this.#safetyMs(), () => this.#onTokenExpiring(life));
    this.#undoTimers = onAbort(life.signal, () => this.stop());
  }

  /** Run one in-place job at a time on `life`; another that comes meanwhile is dropped. */
  #runInPlace(life: Socket, kind: Job['kind'], run: (job: Job) => Promise<void>): void {
    if (this.#job !== undefined || life.signal.aborted) return;
    const controller = new AbortController();
    const undo = onAbort(life.signal, () => controller.abort(life.signal.reason));
    const job: Job = { kind, controller, promise: Promise.resolve() };
    this.#job = job;
    job.promise = run(job)
      .catch((error: unknown) => this.#ctx.report(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        undo();
        if (this.#job === job) this.#job = undefined;
      });
  }

  /** Scheduled refresh over the live socket, bounded by the token's remaining life. */
  async #refresh(life: Socket, job: Job): Promise<void> {
    const refreshToken = this.#refreshToken;
    if (this.#ctx.state !== 'authenticated') return;
    if (refreshToken === undefined)
      return this.#reauthenticate(life, 'refresh-rejected', 0, job.controller.signal);
    this.#ctx.setState('refreshing', 'refresh-due');
    const { signal } = job.controller;
    // Never wait past the expiry guard: a refresh that cannot answer in time gives way to a full re-auth.
    const left = this.#expiresAtMono - this.#safetyMs() - monotonic();
    const timeout = Math.max(1, Math.min(this.#ctx.options.requestTimeout, left));
    let tokens: TokenSet;
    try {
      tokens = await this.#requests.auth(life, refreshParams(refreshToken), signal, timeout);
    } catch (error) {
      if (signal.aborted || this.#state() !== 'refreshing') return; // taken over, or the socket went
      if (isTokenRejection(error)) {
        this.#ctx.log('warn', 'refresh rejected; re-authenticating', { code: error.code });
        if (this.#refreshToken === refreshToken) this.#refreshToken = undefined;
        return this.#reauthenticate(life, 'refresh-rejected', 0, signal);
      }
      if (this.#expiresAtMono - this.#safetyMs() - monotonic() <= 0) {
        this.#ctx.log('warn', 'refresh did not finish before the token expires; re-authenticating');
        return this.#reauthenticate(life, 'token-expired', 0, signal);
      }
      // Transient (timeout, rate limit, a malformed answer): try again soon while the token is still good
      // (after a login lockout, only after the longest reconnect delay); the expiry guard backs this up.
      this.#ctx.setState('authenticated', 'refresh-failed');
      const remaining = this.#expiresAtMono - this.#safetyMs() - monotonic();
      const retryIn = isLoginOverLimit(error)
        ? Math.max(REFRESH_RETRY_MS, this.#maxBackoff())
        : REFRESH_RETRY_MS;
      this.#refreshTimer.scheduleIn(Math.min(retryIn, Math.max(0, remaining / 2)), () =>
        this.#runInPlace(life, 'refresh', (next) => this.#refresh(life, next)),
      );
      this.#ctx.metrics.refresh('failed');
      this.#ctx.report(error instanceof Error ? error : new Error('token refresh failed'));
      return;
    }
    if (signal.aborted || this.#state() !== 'refreshing') return;
    this.#adopt(life, tokens);
    // Each step hands control to listeners, which may close the session: go on only while it is ours.
    if (this.#state() !== 'refreshing') return;
    this.#ctx.setState('authenticated', 'refresh-ok');
    this.#ctx.metrics.refresh('ok');
    if (this.#state() !== 'authenticated') return;
    this.#ctx.emit('refreshed', { scope: tokens.scope, expiresAt: tokens.expiresAt });
  }

  #maxBackoff(): number {
    const reconnect = this.#ctx.options.reconnect;
    return reconnect === false ? 30_000 : reconnect.maxTimeout;
  }

  /**
   * The token is about to expire and no refresh made it: stop using it (calls wait) and authenticate again. A
   * refresh still waiting for its answer is abandoned: the expiry guard wins.
   */
  #onTokenExpiring(life: Socket): void {
    if (life.signal.aborted || !isReady(this.#ctx.state)) return;
    const job = this.#job;
    if (job?.kind === 'reauth') return;
    this.#ctx.log('warn', 'access token about to expire without refresh; re-authenticating');
    if (job !== undefined) {
      job.controller.abort(new Error('the token expires: the refresh is abandoned'));
      // Out of the state the refresh would go back from, now: no call goes out on the expiring token.
      if (this.#ctx.state !== 'authenticating') this.#ctx.setState('authenticating', 'token-expired');
      void job.promise.then(() =>
        this.#runInPlace(life, 'reauth', (next) =>
          this.#reauthenticate(life, 'token-expired', 0, next.controller.signal),
        ),
      );
      return;
    }
    this.#runInPlace(life, 'reauth', (next) =>
      this.#reauthenticate(life, 'token-expired', 0, next.controller.signal),
    );
  }

  /**
   * A private call sent on `life` under token generation `generation` was answered `13009`/`10000`. When that
   * generation is still current (the token was revoked or expired server-side, a server restart), calls wait
   * while the session authenticates again in place; a repeat within {@link UNAUTHORIZED_STREAK_RESET_MS} backs
   * off first. An answer about an older token (sent before the last re-auth or refresh) only fails its call.
   */
  onUnauthorized(life: Socket, generation: number): void {
    if (generation !== this.#generation || life.signal.aborted) return;
    if (this.#ctx.state !== 'authenticated' || this.#job !== undefined) return;
    const now = monotonic();
    if (now - this.#lastUnauthorizedAt > UNAUTHORIZED_STREAK_RESET_MS) this.#unauthorizedStreak = 0;
    this.#lastUnauthorizedAt = now;
    this.#unauthorizedStreak += 1;
    const delay = backoffAfter(this.#unauthorizedStreak, this.#ctx.options.reconnect);
    this.#ctx.log('warn', 'a private call was refused as unauthorized; re-authenticating', {
      delayMs: delay,
    });
    this.#runInPlace(life, 'reauth', (job) =>
      this.#reauthenticate(life, 'unauthorized', delay, job.controller.signal),
    );
  }

  /** Full authentication on the live socket (calls wait meanwhile). Fatal errors close; others drop the socket. */
  async #reauthenticate(
    life: Socket,
    reason: TransitionReason,
    delay: number,
    signal: AbortSignal,
  ): Promise<void> {
    this.stop();
    const previousAdoptAt = this.#adoptedAt;
    if (this.#ctx.state !== 'authenticating') this.#ctx.setState('authenticating', reason);
    try {
      if (delay > 0) await sleep(delay, signal);
      // After a refresh that did not answer, its refresh token may be spent or stuck: the credentials first.
      const grant = await this.authenticate(life, true, signal, reason === 'token-expired');
      if (signal.aborted || this.#state() !== 'authenticating') return;
      await this.#link.reauthenticated(life, grant, previousAdoptAt);
    } catch (error) {
      if (life.signal.aborted || this.#isDisposed) return;
      const failure = error instanceof Error ? error : new Error('authentication failed');
      if (failure instanceof AuthenticationError) this.#link.fail(failure);
      else life.drop('auth-retryable-error', `authentication failed: ${failure.message}`, failure);
    }
  }

  /**
   * Issue a token pair for a child (`public/fork_token`, `public/exchange_token`) with this session's newest
   * refresh token, on its live socket. A refresh running in place is waited for first (it consumes the refresh
   * token this request needs). `signal` abandons the request (a late answer is ignored).
   */
  async issue(
    method: string,
    params: (refreshToken: string) => Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    while (this.#job !== undefined) await this.#job.promise;
    const life = this.#link.current();
    const refreshToken = this.#refreshToken;
    if (this.#isDisposed) throw new SessionClosedError(`the parent session is closed: cannot ${method}`);
    if (life === undefined || refreshToken === undefined || !isReady(this.#ctx.state)) {
      throw new ConnectionClosedError(
        undefined,
        undefined,
        `the parent session is not authenticated: cannot ${method}`,
      );
    }
    const result = await life.request(method, params(refreshToken), {
      timeout: this.#ctx.options.requestTimeout,
      signal,
    });
    return parseTokenResult(result);
  }

  /** The socket is gone: its timers go with it (the next socket schedules anew). */
  stop(): void {
    this.#refreshTimer.cancel();
    this.#expiryTimer.cancel();
    this.#undoTimers?.();
    this.#undoTimers = undefined;
  }

  /** The session is closing: no more tokens, timers or waits, ever. */
  dispose(): void {
    this.stop();
    this.#job?.controller.abort(new SessionClosedError());
    this.#disposed.abort(new SessionClosedError());
  }
}
