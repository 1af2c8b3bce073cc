/**
 * Option and result types of {@link DeribitSession}'s methods.
 * @module
 */
import type { CreditStatus } from '../calls/credits/governor-types.js';
import type { SessionState } from './state.js';

/** Per-call options of {@link DeribitSession.call}. */
export interface CallOptions {
  /** ms for the whole call: any wait for readiness plus the response. Default: the session's `requestTimeout`. */
  readonly timeout?: number;
  /**
   * ms the call may wait for the session to become ready (authenticated) before it rejects unsent with a
   * {@link RequestTimeoutError} whose `sent` is false. Default: the session's `maxWait`.
   */
  readonly maxWait?: number;
  /** Abort the call (it rejects with the signal's reason; a response that arrives later is ignored). */
  readonly signal?: AbortSignal;
}

/** Options of {@link DeribitSession.connect}. */
export interface ConnectOptions {
  /**
   * ms to wait for the first authentication. When it passes (or the signal aborts) before the session was
   * ever authenticated, the session stops trying and is `disconnected` again (another `connect()` starts
   * afresh); during a later reconnect only this caller gives up. Default `DEFAULT_CONNECT_WAIT` (60 s), so a
   * wrong URL or a missing network is reported rather than waited on; `Infinity` keeps trying for ever.
   */
  readonly timeout?: number;
  /** Abort the wait, with the same effect as the timeout. Already aborted: rejects at once, nothing starts. */
  readonly signal?: AbortSignal;
}

/** Options of {@link DeribitSession.logout}. */
export interface LogoutOptions {
  /** Invalidate every token of this session on the server. Default `true`. */
  readonly invalidateToken?: boolean;
  /** ms to wait for the server to close the socket. Default: the session's `logoutTimeout`. */
  readonly timeout?: number;
  /** Stop waiting for the server: the socket is closed at once and `logout()` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What `logout()` achieved. */
export interface LogoutResult {
  /** True when `private/logout` was sent and the server then closed the socket cleanly (not a 1006 drop). */
  readonly confirmed: boolean;
}

/** A snapshot of a session for dashboards and health endpoints. Never holds a secret. */
export interface SessionStatus {
  readonly state: SessionState;
  /** Failed attempts of the current reconnect run (0 when connected, idle, given up or closed). */
  readonly attempt: number;
  /**
   * The last connection failure: while reconnecting, after giving up (out of retries, `reconnect: false`),
   * and after a fatal error closed the session. Cleared once authenticated again.
   */
  readonly lastError: { readonly code: string | number; readonly message: string } | undefined;
  /** ms epoch of the next reconnect attempt, while waiting in backoff. */
  readonly nextRetryAt: number | undefined;
  /** ms epoch at which the current access token expires. */
  readonly expiresAt: number | undefined;
  /** ms since the last frame arrived on the current socket (undefined without a socket). */
  readonly sinceLastFrame: number | undefined;
  /** Channels with handlers: confirmed by the server on this socket, or not (yet). */
  readonly subscriptions: { readonly confirmed: number; readonly pending: number };
  /** Calls and subscribes waiting for the session to be ready. */
  readonly waiting: number;
  /** The last `public/test` round trip on the current socket (liveness probes, heartbeat answers), ms. */
  readonly roundTrip: number | undefined;
  /**
   * The last notification's lag, ms: when it arrived, on the server's clock, against the `timestamp` Deribit put
   * on it (undefined until one carried a timestamp).
   */
  readonly lag: number | undefined;
  /** Credits left per pool and calls waiting for them (undefined with `credits: false`). */
  readonly credits: CreditStatus | undefined;
}
