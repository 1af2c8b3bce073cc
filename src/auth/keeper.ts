/**
 * The token keeper: the only writer of the session's tokens. It authenticates sockets (refresh token first
 * where it can work, then credentials, then the parent for child sessions), adopts and announces new tokens,
 * schedules the refresh and the expiry guard on the monotonic clock, refreshes single-flight, re-authenticates
 * in place when a refresh is refused, the token is about to expire or the server says `13009` to a private
 * call, and throttles all of it so no server answer can make it loop.
 * @module
 */

import { abortableSleep, backoffDelay, DEFAULT_RECONNECT } from '../connection/backoff.js';
import type { RpcConnection } from '../connection/rpc.js';
import { ErrorCode } from '../errors/codes.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  isLoginOverLimit,
  RpcError,
  SessionClosedError,
} from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import { isReady, type SessionState, type TransitionReason } from '../session/state.js';
import { monotonic } from '../time/clock.js';
import { syncClock } from './clock-sync.js';
import { credentialParams, type Grant, parseTokenResult, refreshParams, type TokenSet } from './grants.js';
import { DeadlineTimer, refreshDelay } from './refresh.js';
import { missingScope, parseScope, type Scope } from './scope.js';

/** Where a child session gets a fresh token pair when its own refresh token is no longer accepted. */
export type TokenSource = (signal?: AbortSignal) => Promise<TokenSet>;

/** What the keeper needs from the connection loop. */
export interface KeeperLink {
  /** The loop's current socket, if any. */
  socket(): RpcConnection | undefined;
  /** Give up on `rpc` after a transient `failure` in place: the loop reconnects, backing off as it asks. */
  drop(rpc: RpcConnection, reason: TransitionReason, why: string, failure: Error): void;
  /** A fatal failure: the session closes with `error`. */
  fail(error: Error): void;
  /** The session is authenticated again after an in-place re-auth. */
  announce(grant: Grant): void;
}

/** Shortest safety margin, ms: a token is treated as expired this long before the server says so. */
const MAX_EXPIRY_SAFETY_MS = 5000;
/** After a failed transient refresh, retry after this long (ms), or half the remaining life if sooner. */
const REFRESH_RETRY_MS = 1000;
/** At most this many auth requests in {@link AUTH_WINDOW_MS}, whatever the server says. */
const MAX_AUTHS_PER_WINDOW = 3;
const AUTH_WINDOW_MS = 1000;
/** A `13009` burst older than this starts the backoff from zero again. */
const UNAUTHORIZED_STREAK_RESET_MS = 30_000;

/** Codes that mean "this refresh token (or token) is not accepted", as opposed to a transient failure. */
function isTokenRejection(error: unknown): error is RpcError {
  return (
    error instanceof RpcError &&
    (error.code === ErrorCode.unauthorized || error.code === ErrorCode.invalidCredentials)
  );
}

/** Owns the tokens of one session. */
export class TokenKeeper {
  readonly #ctx: SessionContext;
  readonly #link: KeeperLink;
  #tokens: TokenSet | undefined;
  #expiresAtMono = 0;
  #refreshToken: string | undefined;
  #clockOffset = 0;
  /** For child sessions: the parent's way to issue a fresh pair. */
  source: TokenSource | undefined;
  readonly #refreshTimer = new DeadlineTimer();
  readonly #expiryTimer = new DeadlineTimer();
  /** The refresh or re-auth running in place on the live socket (single-flight). */
  #inPlace: Promise<void> | undefined;
  #recentAuths: number[] | undefined;
  #unauthorizedStreak = 0;
  #lastUnauthorizedAt = Number.NEGATIVE_INFINITY;
  /** Aborted by {@link dispose}: ends any throttle or backoff wait at once. */
  #disposed: AbortController | undefined;

  /**
   * @param ctx - the session's context
   * @param link - the connection loop, through the session
   * @param refreshToken - a persisted refresh token to start from
   */
  constructor(ctx: SessionContext, link: KeeperLink, refreshToken: string | undefined) {
    this.#ctx = ctx;
    this.#link = link;
    this.#refreshToken = refreshToken;
  }

  get #socket(): RpcConnection | undefined {
    return this.#link.socket();
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

  /** The state now (a read TypeScript does not narrow across awaits). */
  #stateNow(): SessionState {
    return this.#ctx.state;
  }

  get #isDisposed(): boolean {
    return this.#disposed?.signal.aborted === true || this.#ctx.state === 'closed';
  }

  /**
   * Authenticate `rpc`: the refresh token first where it can work (always on the socket that holds the
   * tokens; on a new socket only for session-scoped tokens or without credentials), then the credentials,
   * then the parent. Throws {@link AuthenticationError} when no way is left (fatal); anything else is transient.
   */
  async authenticate(rpc: RpcConnection, sameSocket = false): Promise<Grant> {
    const refreshToken = this.#refreshToken;
    const hasCredentials = this.#ctx.options.credentials !== undefined;
    const portable = this.#tokens === undefined || this.#tokens.scope.sessionName !== undefined;
    if (refreshToken !== undefined && (sameSocket || portable || !hasCredentials)) {
      try {
        this.#adopt(rpc, await this.#authCall(rpc, refreshParams(refreshToken)));
        return 'refresh_token';
      } catch (error) {
        if (!isTokenRejection(error)) throw error;
        if (this.#refreshToken === refreshToken) this.#refreshToken = undefined;
        this.#ctx.log('warn', 'refresh token rejected; falling back', { code: error.code });
        if (!hasCredentials) return this.#authenticateFromSource(rpc, error);
      }
    }
    if (!hasCredentials) return this.#authenticateFromSource(rpc, undefined);
    this.#adopt(rpc, await this.#authenticateWithCredentials(rpc));
    return this.#ctx.options.grant;
  }

  /** A child session without credentials asks its parent for a fresh pair, then uses it on this socket. */
  async #authenticateFromSource(rpc: RpcConnection, rejection: RpcError | undefined): Promise<Grant> {
    const why = rejection
      ? `the refresh token was rejected (${rejection.code} ${rejection.deribitMessage})`
      : 'no refresh token';
    const source = this.source;
    if (source === undefined) {
      throw new AuthenticationError(`${why} and there are no credentials to fall back on`, {
        cause: rejection,
      });
    }
    let fresh: TokenSet;
    try {
      fresh = await source();
    } catch (error) {
      // A parent that is closed or cannot authenticate will not get better; anything else may.
      if (!(error instanceof SessionClosedError || error instanceof AuthenticationError)) throw error;
      throw new AuthenticationError(`${why} and the parent session could not issue a new one`, {
        cause: error,
      });
    }
    try {
      this.#adopt(rpc, await this.#authCall(rpc, refreshParams(fresh.refreshToken)));
    } catch (error) {
      // A pair fresh from the parent refused on this socket (e.g. bound to the parent's): asking again won't help.
      if (!isTokenRejection(error)) throw error;
      throw new AuthenticationError(`${why}, and the pair the parent issued was refused too`, {
        cause: error,
      });
    }
    return 'refresh_token';
  }

  /** Credentials; a `13009` is retried once after learning the server's clock, then it is fatal. */
  async #authenticateWithCredentials(rpc: RpcConnection): Promise<TokenSet> {
    const { credentials, grant, scope, signatureData } = this.#ctx.options;
    if (credentials === undefined) throw new AuthenticationError('no credentials to authenticate with');
    const attempt = async (): Promise<TokenSet> => {
      const params = await credentialParams(grant, credentials, {
        scope,
        data: signatureData,
        clockOffset: this.#clockOffset,
      });
      return this.#authCall(rpc, params);
    };
    const refused = (error: RpcError): AuthenticationError =>
      new AuthenticationError(`authentication with ${grant} failed: ${error.code} ${error.deribitMessage}`, {
        cause: error,
      });
    try {
      return await attempt();
    } catch (error) {
      if (!isTokenRejection(error)) throw error;
      if (error.code === ErrorCode.invalidCredentials) throw refused(error);
    }
    // 13009: most often a signature timestamp outside the server's window. Learn its clock and sign once more.
    this.#clockOffset = await syncClock(rpc, this.#ctx);
    try {
      return await attempt();
    } catch (error) {
      if (isTokenRejection(error)) throw refused(error);
      throw error;
    }
  }

  async #authCall(rpc: RpcConnection, params: Record<string, unknown>): Promise<TokenSet> {
    await this.#throttle();
    if (this.#isDisposed) throw new SessionClosedError();
    const result = await rpc.call('public/auth', params, this.#ctx.options.requestTimeout);
    return parseTokenResult(result);
  }

  /** At most {@link MAX_AUTHS_PER_WINDOW} auth requests per {@link AUTH_WINDOW_MS}: no storm, whatever the server says. */
  async #throttle(): Promise<void> {
    this.#recentAuths ??= [];
    const recent = this.#recentAuths;
    const now = monotonic();
    while (recent.length > 0 && (recent[0] ?? 0) <= now - AUTH_WINDOW_MS) recent.shift();
    if (recent.length >= MAX_AUTHS_PER_WINDOW) {
      const wait = (recent[0] ?? now) + AUTH_WINDOW_MS - now;
      this.#ctx.log('debug', 'auth throttled', { waitMs: Math.round(wait) });
      await abortableSleep(wait, this.#disposeSignal());
      recent.shift();
    }
    recent.push(monotonic());
  }

  #disposeSignal(): AbortSignal {
    this.#disposed ??= new AbortController();
    return this.#disposed.signal;
  }

  /**
   * Make `tokens` current: remember the newest refresh token, schedule renewal, announce them. Listeners
   * come last: one that closes the session finds everything in place for {@link dispose} to undo.
   */
  #adopt(rpc: RpcConnection, tokens: TokenSet): void {
    // A result that arrives after close() is dropped: no tokens event, no timer, after `closed`.
    if (this.#isDisposed) throw new SessionClosedError();
    this.#tokens = tokens;
    this.#refreshToken = tokens.refreshToken;
    this.#expiresAtMono = monotonic() + tokens.expiresIn * 1000;
    rpc.authenticated = true;
    this.#schedule(tokens);
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

  #schedule(tokens: TokenSet): void {
    this.#refreshTimer.scheduleIn(refreshDelay(tokens.expiresIn, this.#ctx.options.refresh), () =>
      this.#runInPlace(() => this.#refresh()),
    );
    const safety = Math.min(MAX_EXPIRY_SAFETY_MS, tokens.expiresIn * 50); // 5 % of the life, at most 5 s
    this.#expiryTimer.schedule(this.#expiresAtMono - safety, () =>
      this.#runInPlace(() => this.#onTokenExpiring()),
    );
  }

  /** Run one in-place job at a time (refresh, re-auth); a job that comes while another runs is dropped. */
  #runInPlace(job: () => Promise<void>): void {
    if (this.#inPlace !== undefined) return;
    const running = job().finally(() => {
      if (this.#inPlace === running) this.#inPlace = undefined;
    });
    this.#inPlace = running;
  }

  /** Scheduled refresh over the live socket. */
  async #refresh(): Promise<void> {
    const rpc = this.#socket;
    const refreshToken = this.#refreshToken;
    if (rpc === undefined || this.#ctx.state !== 'authenticated') return;
    if (refreshToken === undefined) return this.#reauthenticateInPlace(rpc, 'refresh-rejected');
    this.#ctx.setState('refreshing', 'refresh-due');
    let tokens: TokenSet;
    try {
      tokens = await this.#authCall(rpc, refreshParams(refreshToken));
    } catch (error) {
      if (rpc !== this.#socket || this.#stateNow() !== 'refreshing') return; // the socket went: reconnecting handles it
      if (isTokenRejection(error)) {
        this.#ctx.log('warn', 'refresh rejected; re-authenticating', { code: error.code });
        if (this.#refreshToken === refreshToken) this.#refreshToken = undefined;
        return this.#reauthenticateInPlace(rpc, 'refresh-rejected');
      }
      // Transient (timeout, rate limit, a malformed answer): try again soon while the token is still good
      // (after a login lockout, only after the longest reconnect delay); the expiry guard backs this up.
      this.#ctx.setState('authenticated', 'refresh-failed');
      const remaining = this.#expiresAtMono - monotonic();
      const policy = this.#ctx.options.reconnect || DEFAULT_RECONNECT;
      const retryIn = isLoginOverLimit(error)
        ? Math.max(REFRESH_RETRY_MS, policy.maxTimeout)
        : REFRESH_RETRY_MS;
      this.#refreshTimer.scheduleIn(Math.min(retryIn, Math.max(0, remaining / 2)), () =>
        this.#runInPlace(() => this.#refresh()),
      );
      this.#ctx.report(error instanceof Error ? error : new Error('token refresh failed'));
      return;
    }
    if (rpc !== this.#socket || this.#stateNow() !== 'refreshing') return;
    this.#adopt(rpc, tokens);
    // Each step hands control to listeners, which may close the session: go on only while it is ours.
    if (this.#stateNow() !== 'refreshing') return;
    this.#ctx.setState('authenticated', 'refresh-ok');
    if (this.#stateNow() !== 'authenticated') return;
    this.#ctx.emit('refreshed', { scope: tokens.scope, expiresAt: tokens.expiresAt });
  }

  /** The token is about to expire without a successful refresh: stop using it and authenticate again. */
  async #onTokenExpiring(): Promise<void> {
    const rpc = this.#socket;
    if (rpc === undefined || !isReady(this.#ctx.state)) return;
    this.#ctx.log('warn', 'access token about to expire without refresh; re-authenticating');
    await this.#reauthenticateInPlace(rpc, 'token-expired');
  }

  /**
   * A private call on `rpc` was answered `13009`/`10000` while the session believed it was authenticated
   * (token revoked or expired server-side, a server restart). Calls wait while the session authenticates
   * again in place; a repeat within {@link UNAUTHORIZED_STREAK_RESET_MS} backs off first.
   */
  onUnauthorized(rpc: RpcConnection): void {
    if (rpc !== this.#socket || this.#ctx.state !== 'authenticated' || this.#inPlace !== undefined) return;
    const now = monotonic();
    if (now - this.#lastUnauthorizedAt > UNAUTHORIZED_STREAK_RESET_MS) this.#unauthorizedStreak = 0;
    this.#lastUnauthorizedAt = now;
    this.#unauthorizedStreak += 1;
    const policy = this.#ctx.options.reconnect || DEFAULT_RECONNECT;
    const delay = this.#unauthorizedStreak > 1 ? backoffDelay(this.#unauthorizedStreak - 1, policy) : 0;
    this.#ctx.log('warn', 'a private call was refused as unauthorized; re-authenticating', {
      delayMs: delay,
    });
    this.#runInPlace(() => this.#reauthenticateInPlace(rpc, 'unauthorized', delay));
  }

  /** Full authentication on the live socket (calls wait meanwhile). Fatal errors close; others drop the socket. */
  async #reauthenticateInPlace(rpc: RpcConnection, reason: TransitionReason, delay = 0): Promise<void> {
    this.#refreshTimer.cancel();
    this.#expiryTimer.cancel();
    if (this.#ctx.state !== 'authenticating') this.#ctx.setState('authenticating', reason);
    try {
      if (delay > 0) await abortableSleep(delay, this.#disposeSignal());
      if (rpc !== this.#socket) return;
      const grant = await this.authenticate(rpc, true);
      if (rpc !== this.#socket || this.#ctx.state !== 'authenticating') return;
      this.#ctx.setState('authenticated', 'auth-ok');
      this.#link.announce(grant);
    } catch (error) {
      if (rpc !== this.#socket || this.#isDisposed) return;
      const failure = error instanceof Error ? error : new Error('authentication failed');
      if (failure instanceof AuthenticationError) this.#link.fail(failure);
      else this.#link.drop(rpc, 'auth-retryable-error', `authentication failed: ${failure.message}`, failure);
    }
  }

  /**
   * Issue a token pair for a child (`public/fork_token`, `public/exchange_token`) with this session's
   * newest refresh token, on its live socket. The caller waits for readiness first. `signal` abandons the
   * request (a late answer is ignored).
   */
  async issue(
    method: string,
    params: (refreshToken: string) => Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    const rpc = this.#socket;
    const refreshToken = this.#refreshToken;
    if (this.#isDisposed) throw new SessionClosedError(`the parent session is closed: cannot ${method}`);
    if (rpc === undefined || refreshToken === undefined || !isReady(this.#ctx.state)) {
      throw new ConnectionClosedError(
        undefined,
        undefined,
        `the parent session is not authenticated: cannot ${method}`,
      );
    }
    return parseTokenResult(
      await rpc.call(method, params(refreshToken), this.#ctx.options.requestTimeout, signal),
    );
  }

  /** The socket is gone: its timers go with it (the next socket schedules anew). */
  stop(): void {
    this.#refreshTimer.cancel();
    this.#expiryTimer.cancel();
  }

  /** The session is closing: no more tokens, timers or waits, ever. */
  dispose(): void {
    this.stop();
    this.#disposeSignal();
    this.#disposed?.abort(new SessionClosedError());
  }
}
