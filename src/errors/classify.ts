/**
 * What a failure means for the session and for the caller, derived from the code table (`codes.ts`) for the
 * server's errors and from the error class for the library's own.
 * @module
 */
import { codeRow, ErrorCode, type SessionAction } from './codes.js';
import {
  AuthenticationError,
  ConfigurationError,
  NotConnectedError,
  RpcError,
  SessionBudgetError,
  SessionClosedError,
  StreamOverflowError,
  SubscriptionRefusedError,
  UpgradeRejectedError,
} from './errors.js';

/**
 * What a failure means:
 * - `fatal`: stop; retrying cannot help (bad credentials, session closed).
 * - `reauth`: the token is missing, expired or refused: authenticate again.
 * - `retry`: transient (network, rate limit, maintenance): retry with backoff.
 * - `caller`: the request itself is wrong; fix the call.
 */
export type ErrorClass = 'fatal' | 'reauth' | 'retry' | 'caller';

/** The error class of each session action (see `codes.ts`). */
const CLASS_OF: Readonly<Record<SessionAction, ErrorClass>> = {
  fatal: 'fatal',
  reauth: 'reauth',
  retry: 'retry',
  'backoff-max': 'retry',
  terminated: 'retry',
  refusal: 'caller',
  'refusal-on-repeat': 'retry',
};

/** What the session does when `error` answers a request: the code table's row, or undefined for non-RPC errors. */
export function sessionAction(error: unknown): SessionAction | undefined {
  if (error instanceof RpcError) return codeRow(error.code).action;
  if (error instanceof AuthenticationError && typeof error.code === 'number')
    return codeRow(error.code).action;
  return undefined;
}

/** `12003 login_over_limit`: every failed login lengthens the lockout, so the next one waits the longest delay. */
export function isLoginOverLimit(error: unknown): boolean {
  return sessionAction(error) === 'backoff-max';
}

/** `10028 too_many_requests`: the credit pool ran dry, and the server ends the session. */
export function isTooManyRequests(error: unknown): boolean {
  return sessionAction(error) === 'terminated';
}

/** Classify any error thrown by this library (or the socket beneath it). See {@link ErrorClass}. */
export function classify(error: unknown): ErrorClass {
  if (
    error instanceof AuthenticationError ||
    error instanceof SessionClosedError ||
    error instanceof ConfigurationError
  )
    return 'fatal';
  if (error instanceof SubscriptionRefusedError || error instanceof SessionBudgetError) return 'caller';
  if (error instanceof UpgradeRejectedError) return error.isFatal ? 'fatal' : 'retry';
  if (error instanceof NotConnectedError || error instanceof StreamOverflowError) return 'caller';
  if (error instanceof RpcError) return CLASS_OF[codeRow(error.code).action];
  if (error instanceof TypeError || error instanceof RangeError) return 'caller';
  return 'retry';
}

/**
 * The token the session used was not accepted (`13009 unauthorized`, `10000 authorization_required`): a `reauth`
 * row of the code table, except `13778`, which is about raw channels on an unauthenticated socket.
 */
export function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof RpcError &&
    codeRow(error.code).action === 'reauth' &&
    error.code !== ErrorCode.rawSubscriptionsNotAvailable
  );
}

/**
 * The server did not accept the token or credentials a `public/auth` (or fork/exchange) used: a `reauth` or
 * `fatal` row of the code table (`13009`, `13004`, `10000`). Anything else answering an auth is transient.
 */
export function isTokenRejection(error: unknown): error is RpcError {
  if (!(error instanceof RpcError)) return false;
  const action = codeRow(error.code).action;
  return (action === 'reauth' || action === 'fatal') && error.code !== ErrorCode.rawSubscriptionsNotAvailable;
}
