/**
 * The typed event map of {@link DeribitSession} (one context object per event).
 * @module
 */
import type { Grant } from '../auth/grants.js';
import type { Scope } from '../auth/scope.js';
import type { RetryInfo } from '../connection/backoff.js';
import type { StateChange } from './state.js';

/** Payload of `authenticated`. */
export interface AuthenticatedEvent {
  readonly scope: Scope;
  /** ms epoch at which the access token expires. */
  readonly expiresAt: number;
  readonly grant: Grant;
}

/** Payload of `refreshed`. */
export interface RefreshedEvent {
  readonly scope: Scope;
  readonly expiresAt: number;
}

/** Payload of `disconnected`. */
export interface DisconnectedEvent {
  /** WebSocket close code (1006 when the connection was lost without a close frame). */
  readonly code: number;
  readonly reason: string;
  /** Whether the session will reconnect on its own. */
  readonly willReconnect: boolean;
}

/** Payload of `tokens`: the only place tokens appear, so they can be persisted. Handle with care. */
export interface TokensEvent {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: number;
  readonly scope: Scope;
}

/** Why a session closed. */
export type CloseReason = 'close' | 'logout' | 'fatal';

/** Payload of `closed`. */
export interface ClosedEvent {
  readonly reason: CloseReason;
  /** The fatal error, when `reason` is `'fatal'`. */
  readonly error?: Error;
}

/** Payload of `warning`: something the user should know that does not stop the session. */
export interface WarningEvent {
  /**
   * `scope-narrowed`: the server granted less than was requested.
   * `channels-missing`: the server did not confirm some channels.
   * `session-budget`: this key is close to Deribit's 16 named sessions.
   * `logout-unconfirmed`: the socket was down or did not close after `private/logout`.
   * `resync-incomplete`: what changed during a gap could not all be fetched (`items`: the channels concerned).
   * `credits-held`: calls have waited more than a second for credits (`items`: the pool).
   * `rate-limited`: Deribit answered `10028` anyway; the pool is treated as empty and slowed (`items`: the pool).
   * `credit-store-failed` / `credit-store-recovered`: the shared credit store stopped or started answering.
   * `platform-locked` / `platform-unlocked`: Deribit locked or unlocked the platform or an index (`items`: them).
   * `maintenance`: Deribit announced maintenance.
   */
  readonly code:
    | 'scope-narrowed'
    | 'channels-missing'
    | 'session-budget'
    | 'logout-unconfirmed'
    | 'resync-incomplete'
    | 'credits-held'
    | 'rate-limited'
    | 'credit-store-failed'
    | 'credit-store-recovered'
    | 'platform-locked'
    | 'platform-unlocked'
    | 'maintenance';
  readonly message: string;
  /** Scope parts or channels concerned, when relevant. */
  readonly items?: readonly string[];
}

/** Payload of `forked`. */
export interface ForkedEvent {
  readonly name: string;
}

/** Payload of `exchanged`. */
export interface ExchangedEvent {
  readonly subjectId: number;
}

/** Every event a session emits, with its listener signature. */
export interface SessionEvents {
  state: (change: StateChange) => void;
  authenticated: (event: AuthenticatedEvent) => void;
  refreshed: (event: RefreshedEvent) => void;
  disconnected: (event: DisconnectedEvent) => void;
  reconnecting: (event: RetryInfo) => void;
  tokens: (event: TokensEvent) => void;
  warning: (event: WarningEvent) => void;
  error: (error: Error) => void;
  closed: (event: ClosedEvent) => void;
  forked: (event: ForkedEvent) => void;
  exchanged: (event: ExchangedEvent) => void;
}
