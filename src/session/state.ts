/**
 * The session's states, the one table of legal transitions, and the reasons a transition happens.
 * Only the session's parts change state, and only through the session core's `setState`, which calls {@link transition}.
 * @module
 */

/** Where a session is in its life. `closed` is terminal. */
export type SessionState =
  | 'disconnected'
  | 'connecting'
  | 'authenticating'
  | 'authenticated'
  | 'refreshing'
  | 'closed';

/** Why a transition happened (carried by every `state` event). */
export type TransitionReason =
  | 'connect'
  | 'reconnect'
  | 'socket-open'
  | 'socket-error'
  | 'socket-closed'
  | 'heartbeat-timeout'
  | 'liveness-timeout'
  | 'auth-ok'
  | 'auth-retryable-error'
  | 'auth-fatal-error'
  | 'refresh-due'
  | 'refresh-ok'
  | 'refresh-rejected'
  | 'refresh-failed'
  | 'token-expired'
  | 'unauthorized'
  | 'rate-limited'
  | 'connect-aborted'
  | 'close'
  | 'logout';

/** Payload of the `state` event. */
export interface StateChange {
  /** The state left. */
  readonly from: SessionState;
  /** The state entered. */
  readonly to: SessionState;
  /** Why. */
  readonly reason: TransitionReason;
}

/** The one transitions table: for each state, the states it may move to. */
export const TRANSITIONS: Readonly<Record<SessionState, ReadonlySet<SessionState>>> = {
  disconnected: new Set(['connecting', 'closed']),
  connecting: new Set(['authenticating', 'disconnected', 'closed']),
  authenticating: new Set(['authenticated', 'disconnected', 'closed']),
  authenticated: new Set(['refreshing', 'authenticating', 'disconnected', 'closed']),
  refreshing: new Set(['authenticated', 'authenticating', 'disconnected', 'closed']),
  closed: new Set(),
};

/** Thrown on a transition the table does not allow: always a bug in this library. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  /** Stable code. */
  readonly code = 'ILLEGAL_TRANSITION';

  /**
   * @param from - current state
   * @param to - requested state
   * @param reason - the reason given
   */
  constructor(from: SessionState, to: SessionState, reason: TransitionReason) {
    super(`illegal session transition ${from} → ${to} (${reason})`);
  }
}

/** Whether `from → to` is in the table. */
export function canTransition(from: SessionState, to: SessionState): boolean {
  return TRANSITIONS[from].has(to);
}

/** Validate `from → to` and describe it; throws {@link IllegalTransitionError} if the table forbids it. */
export function transition(from: SessionState, to: SessionState, reason: TransitionReason): StateChange {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to, reason);
  return { from, to, reason };
}

/** States in which the current access token is valid and requests are sent at once. */
export function isReady(state: SessionState): boolean {
  return state === 'authenticated' || state === 'refreshing';
}
