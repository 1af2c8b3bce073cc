/**
 * Error classes and the one {@link classify} that decides what a failure means for the session.
 * No error carries a secret: messages and properties name methods and codes, never params or tokens.
 * @module
 */
import { ErrorCode } from './codes.js';

/** Stable string codes of the errors that have no Deribit code of their own. */
export type LocalErrorCode =
  | 'AUTHENTICATION_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'CONNECTION_CLOSED'
  | 'SESSION_CLOSED'
  | 'INVALID_ARGUMENT';

/**
 * Base class of every error this library throws, except {@link InvalidArgumentError}
 * (a `TypeError`, so that `instanceof TypeError` keeps meaning "the caller passed something wrong").
 */
export abstract class DeribitSessionError extends Error {
  /** Deribit's numeric code when the server produced the error, otherwise a stable string code. */
  abstract readonly code: number | LocalErrorCode;
}

/** The `data` object Deribit attaches to some errors. */
export type RpcErrorData = {
  readonly reason?: string;
  readonly param?: string;
  readonly [key: string]: unknown;
};

/** The server answered a request with a JSON-RPC error. */
export class RpcError extends DeribitSessionError {
  override readonly name = 'RpcError';
  /** Deribit's error code, e.g. `13009`. */
  readonly code: number;
  /** Deribit's error data, if any (e.g. `{ reason, param }`). */
  readonly data: RpcErrorData | undefined;
  /** The method that failed. */
  readonly method: string;
  /** Deribit's error message alone, e.g. `unauthorized`. */
  readonly deribitMessage: string;

  /**
   * @param method - the method that was called (never its params: they may hold secrets)
   * @param code - Deribit's error code
   * @param message - Deribit's error message, e.g. `unauthorized`
   * @param data - Deribit's error data
   */
  constructor(method: string, code: number, message: string, data?: RpcErrorData) {
    const reason = data?.reason ? ` (${data.reason})` : '';
    super(`${method} failed: ${code} ${message}${reason}`);
    this.method = method;
    this.code = code;
    this.data = data;
    this.deribitMessage = message;
  }
}

/**
 * Authentication failed for good: credentials rejected, or no way left to authenticate.
 * `code` is Deribit's code when the server refused (e.g. `13004`), else `'AUTHENTICATION_FAILED'`.
 */
export class AuthenticationError extends DeribitSessionError {
  override readonly name = 'AuthenticationError';
  /** Deribit's code (13004 invalid credentials, 13009 unauthorized) or `'AUTHENTICATION_FAILED'`. */
  readonly code: number | 'AUTHENTICATION_FAILED';

  /**
   * @param message - what failed, without any secret
   * @param options - `cause`: the underlying error (an {@link RpcError} when the server refused)
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const cause = options?.cause;
    this.code = cause instanceof RpcError ? cause.code : 'AUTHENTICATION_FAILED';
  }
}

/** A request got no response within its timeout. It may or may not have been processed. */
export class RequestTimeoutError extends DeribitSessionError {
  override readonly name = 'RequestTimeoutError';
  override readonly code = 'REQUEST_TIMEOUT' as const;
  /** The method that timed out. */
  readonly method: string;
  /** The timeout that elapsed, in ms. */
  readonly timeout: number;

  /**
   * @param method - the method that timed out
   * @param timeout - the timeout in ms
   * @param waitingForAuth - true when the request never left because the session was not authenticated
   */
  constructor(method: string, timeout: number, waitingForAuth = false) {
    super(
      waitingForAuth
        ? `${method} was not sent: the session did not become authenticated within ${timeout} ms`
        : `${method} got no response within ${timeout} ms; it may or may not have been processed`,
    );
    this.method = method;
    this.timeout = timeout;
  }
}

/**
 * The socket closed while a request was in flight. Deribit may or may not have processed it:
 * for order methods, check with the exchange before resending.
 */
export class ConnectionClosedError extends DeribitSessionError {
  override readonly name = 'ConnectionClosedError';
  override readonly code = 'CONNECTION_CLOSED' as const;
  /** The method in flight, when there was one. */
  readonly method: string | undefined;
  /** The WebSocket close code, when known. */
  readonly closeCode: number | undefined;

  /**
   * @param method - the method in flight, if any
   * @param closeCode - the WebSocket close code, if known
   * @param reason - the close reason, if known
   */
  constructor(method?: string, closeCode?: number, reason?: string) {
    const how = `connection closed${closeCode === undefined ? '' : ` (code ${closeCode}${reason ? `, ${reason}` : ''})`}`;
    super(
      method
        ? `${how} before ${method} was answered: the outcome is unknown (it may or may not have been executed)`
        : how,
    );
    this.method = method;
    this.closeCode = closeCode;
  }
}

/** The session is closed (by `close()`, `logout()` or a fatal error) and takes no more requests. */
export class SessionClosedError extends DeribitSessionError {
  override readonly name = 'SessionClosedError';
  override readonly code = 'SESSION_CLOSED' as const;

  /**
   * @param message - why
   * @param options - `cause`: the fatal error that closed the session, if any
   */
  constructor(message = 'the session is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An option or argument is invalid: wrong type, out of range, or an unknown key. Thrown synchronously
 * at construction for session options; per-call values reject with it. The message names the argument
 * and what is allowed, and may echo a bad number or key name, never a string value (no secret can leak).
 */
export class InvalidArgumentError extends TypeError {
  override readonly name = 'InvalidArgumentError';
  /** Always `'INVALID_ARGUMENT'`. */
  readonly code = 'INVALID_ARGUMENT' as const;
  /** Which argument was wrong, as a path: `'requestTimeout'`, `'reconnect.retries'`, `'timeout'`. */
  readonly argument: string;

  /**
   * @param argument - the argument's name or path, e.g. `'reconnect.retries'`
   * @param message - what is wrong and what is allowed, without any secret value
   */
  constructor(argument: string, message: string) {
    super(message);
    this.argument = argument;
  }
}

/**
 * What a failure means:
 * - `fatal`: stop; retrying cannot help (bad credentials, session closed).
 * - `reauth`: the token is missing, expired or refused: authenticate again.
 * - `retry`: transient (network, rate limit, maintenance): retry with backoff.
 * - `caller`: the request itself is wrong; fix the call.
 */
export type ErrorClass = 'fatal' | 'reauth' | 'retry' | 'caller';

const RETRY_CODES: ReadonlySet<number> = new Set([
  ErrorCode.tooManyRequests,
  ErrorCode.retry,
  ErrorCode.settlementInProgress,
  ErrorCode.matchingEngineQueueFull,
  ErrorCode.tooManyConcurrentRequests,
  ErrorCode.systemMaintenance,
  ErrorCode.internalServerError,
  ErrorCode.loginOverLimit,
  ErrorCode.temporarilyUnavailable,
  ErrorCode.timedOut,
]);
const REAUTH_CODES: ReadonlySet<number> = new Set([
  ErrorCode.authorizationRequired,
  ErrorCode.unauthorized,
  ErrorCode.rawSubscriptionsNotAvailable,
]);

/** Classify any error thrown by this library (or the socket beneath it). See {@link ErrorClass}. */
export function classify(error: unknown): ErrorClass {
  if (error instanceof AuthenticationError || error instanceof SessionClosedError) return 'fatal';
  if (error instanceof RpcError) {
    if (error.code === ErrorCode.invalidCredentials) return 'fatal';
    if (REAUTH_CODES.has(error.code)) return 'reauth';
    if (RETRY_CODES.has(error.code)) return 'retry';
    return 'caller';
  }
  if (error instanceof TypeError || error instanceof RangeError) return 'caller';
  return 'retry';
}
