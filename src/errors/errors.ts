/**
 * The error classes (what a failure means is `classify.ts`'s, from the code table). No error carries a secret:
 * messages and properties name methods and codes, never params or tokens.
 * @module
 */
import type { OrderOutcome } from '../api/outcomes.js';
import type { RpcErrorData } from './codes.js';

export type { RpcErrorData } from './codes.js';

/** Stable string codes of the errors that have no Deribit code of their own. */
export type LocalErrorCode =
  | 'AUTHENTICATION_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'CONNECTION_CLOSED'
  | 'SESSION_CLOSED'
  | 'NOT_CONNECTED'
  | 'MALFORMED_RESPONSE'
  | 'UPGRADE_REJECTED'
  | 'LISTENER_ERROR'
  | 'STREAM_OVERFLOW'
  | 'CONFIGURATION_REFUSED'
  | 'SUBSCRIPTION_REFUSED'
  | 'SESSION_BUDGET'
  | 'PLATFORM_LOCKED'
  | 'INVALID_ARGUMENT';

/**
 * Base class of every error this library throws, except {@link InvalidArgumentError}
 * (a `TypeError`, so that `instanceof TypeError` keeps meaning "the caller passed something wrong").
 */
export abstract class DeribitSessionError extends Error {
  /** Deribit's numeric code when the server produced the error, otherwise a stable string code. */
  abstract readonly code: number | LocalErrorCode;
}

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

  /**
   * From the `error` object of a JSON-RPC frame, however odd. A code sent as a numeric string is read as its
   * number; a code that is no number at all makes a {@link MalformedResponseError} (transient), never `NaN`.
   */
  static fromWire(
    method: string,
    error: { code?: unknown; message?: unknown; data?: unknown },
  ): RpcError | MalformedResponseError {
    const raw = error.code;
    const code =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isInteger(code)) {
      return new MalformedResponseError(
        `${method} was answered with an error whose code is not a number; the request was not executed`,
      );
    }
    const text = typeof error.message === 'string' ? error.message : 'unknown error';
    const data =
      typeof error.data === 'object' && error.data !== null ? (error.data as RpcErrorData) : undefined;
    return new RpcError(method, code, text, data);
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

/**
 * A request timed out. `sent` tells which way: `false` means it never left (the session was not ready
 * within `maxWait` or its timeout), so it certainly had no effect; `true` means it was sent and got no
 * answer in time, so it may or may not have been processed.
 */
export class RequestTimeoutError extends DeribitSessionError {
  override readonly name = 'RequestTimeoutError';
  override readonly code = 'REQUEST_TIMEOUT' as const;
  /** The method that timed out. */
  readonly method: string;
  /** The time that elapsed, in ms. */
  readonly timeout: number;
  /** Whether the request reached the socket. `false`: never sent, safe to retry, even for orders. */
  readonly sent: boolean;

  /**
   * @param method - the method that timed out
   * @param timeout - the time allowed, in ms
   * @param neverSent - true when the request never left because the session was not ready in time
   * @param message - a more specific message, if any
   */
  constructor(method: string, timeout: number, neverSent = false, message?: string) {
    super(
      message ??
        (neverSent
          ? `${method} was not sent: the session was not ready within ${Math.round(timeout)} ms`
          : `${method} got no response within ${Math.round(timeout)} ms; it may or may not have been processed`),
    );
    this.method = method;
    this.timeout = timeout;
    this.sent = !neverSent;
  }
}

/** Options of {@link ConnectionClosedError}. */
export interface ConnectionClosedOptions {
  /**
   * Whether the request's bytes left this process. Default `true` (outcome unknown). `false`: the socket
   * closed while the frame was still in the local write buffer, so the server never saw it.
   */
  readonly sent?: boolean;
  readonly cause?: unknown;
}

/**
 * The socket closed while a request was in flight. Deribit may or may not have processed it (`sent: true`):
 * for order methods, check with the exchange before resending. `sent: false` means the request never left.
 */
export class ConnectionClosedError extends DeribitSessionError {
  override readonly name: string = 'ConnectionClosedError';
  override readonly code: 'CONNECTION_CLOSED' | 'NOT_CONNECTED' = 'CONNECTION_CLOSED';
  /** The method in flight, when there was one. */
  readonly method: string | undefined;
  /** The WebSocket close code, when known. */
  readonly closeCode: number | undefined;
  /** Why the socket closed, when known (the close reason or the socket error). */
  readonly reason: string | undefined;
  /** Whether the request reached the network (see {@link ConnectionClosedOptions.sent}); `false` without one. */
  readonly sent: boolean;
  /**
   * For an order call whose answer was lost (`buy`, `sell`, `edit`, `cancel`, the cancel-all family): what became
   * of it, learnt once the session is authenticated again (see README, "Continuity"). Never rejects.
   */
  declare readonly outcome?: Promise<OrderOutcome>;

  /**
   * @param method - the method in flight, if any
   * @param closeCode - the WebSocket close code, if known
   * @param reason - the close reason or socket error, if known (kept even without a close code)
   * @param options - whether the request left, and the cause
   */
  constructor(method?: string, closeCode?: number, reason?: string, options: ConnectionClosedOptions = {}) {
    const details = [closeCode === undefined ? '' : `code ${closeCode}`, reason ?? ''].filter(Boolean);
    const how = `connection closed${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
    const sent = method !== undefined && options.sent !== false;
    super(
      method === undefined
        ? how
        : sent
          ? `${how} before ${method} was answered: the outcome is unknown (it may or may not have been executed)`
          : `${how} before ${method} left the write buffer: it was not sent`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.method = method;
    this.closeCode = closeCode;
    this.reason = reason || undefined;
    this.sent = sent;
  }
}

/**
 * A call was made while the session is not connected and not trying to be (before `connect()`, or after it
 * gave up): call `connect()` first. Nothing was sent. A {@link ConnectionClosedError} (so existing handlers of
 * that class still catch it), but `classify()` says `caller`: retrying the call alone will not help.
 */
export class NotConnectedError extends ConnectionClosedError {
  override readonly name = 'NotConnectedError';
  override readonly code = 'NOT_CONNECTED' as const;

  /** @param message - what to do */
  constructor(message: string) {
    super(undefined, undefined, message);
    this.message = message;
  }
}

/**
 * The server answered with something this library cannot use (an auth result without tokens, a lifetime
 * that is not a number…). Treated as transient: the session backs off and tries again.
 */
export class MalformedResponseError extends DeribitSessionError {
  override readonly name = 'MalformedResponseError';
  override readonly code = 'MALFORMED_RESPONSE' as const;

  /** @param message - what was wrong (never the response itself: it may hold tokens) */
  constructor(message: string) {
    super(message);
  }
}

/** The server refused the WebSocket upgrade with an HTTP status (wrong path, 401/403, 429…). */
export class UpgradeRejectedError extends DeribitSessionError {
  override readonly name = 'UpgradeRejectedError';
  override readonly code = 'UPGRADE_REJECTED' as const;
  /** The HTTP status of the refused upgrade. */
  readonly status: number;

  /**
   * @param status - the HTTP status
   * @param url - the endpoint, to say what to fix
   */
  constructor(status: number, url: string) {
    super(`the server refused the WebSocket upgrade with HTTP ${status}: ${upgradeAdvice(status, url)}`);
    this.status = status;
  }

  /** 4xx other than 408/429 cannot get better by retrying: the URL, the IP or a proxy is wrong. */
  get isFatal(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

function upgradeAdvice(status: number, url: string): string {
  if (status === 404) return `no WebSocket endpoint at ${url}; Deribit's is wss://www.deribit.com/ws/api/v2`;
  if (status === 401 || status === 403)
    return `access denied for ${url}: check the IP allow-list of the key, the proxy, or the URL`;
  if (status === 429) return 'too many connections from this IP (Deribit allows 32); retrying with backoff';
  if (status >= 500) return 'server error; retrying with backoff';
  return `check the url ${url}`;
}

/** An event listener or a subscription handler threw or rejected. The session carried on. */
export class ListenerError extends DeribitSessionError {
  override readonly name = 'ListenerError';
  override readonly code = 'LISTENER_ERROR' as const;
  /** The session event whose listener failed, if it was an event listener. */
  readonly event: string | undefined;
  /** The channel whose handler failed, if it was a subscription handler. */
  readonly channel: string | undefined;

  /**
   * @param where - `{ event }` or `{ channel }`
   * @param cause - what the listener threw
   */
  constructor(where: { readonly event?: string; readonly channel?: string }, cause: unknown) {
    const what =
      where.event !== undefined ? `a listener of '${where.event}'` : `a handler of ${where.channel}`;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${what} failed: ${detail}`, { cause });
    this.event = where.event;
    this.channel = where.channel;
  }
}

/** A stream's buffer overflowed its `highWaterMark` (the consumer was too slow) with `overflow: 'error'`. */
export class StreamOverflowError extends DeribitSessionError {
  override readonly name = 'StreamOverflowError';
  override readonly code = 'STREAM_OVERFLOW' as const;

  /** @param highWaterMark - the buffer size that was exceeded */
  constructor(highWaterMark: number) {
    super(`the stream buffer exceeded ${highWaterMark} notifications: the consumer is too slow`);
  }
}

/**
 * The server refused a setting of this session that will not change by retrying (e.g. a heartbeat interval under
 * Deribit's minimum): the session closed; the message says what to fix. `cause` is the server's {@link RpcError}.
 */
export class ConfigurationError extends DeribitSessionError {
  override readonly name = 'ConfigurationError';
  override readonly code = 'CONFIGURATION_REFUSED' as const;

  /**
   * @param message - what was refused and what to fix
   * @param options - `cause`: the server's answer
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The server did not subscribe some channels: it left them out of its answer, or refused them for a reason that
 * will not change (a bad name, a scope that is too small). `channels` names them; they are not subscribed and
 * their handlers were removed. `cause` is the server's error, when it answered with one.
 */
export class SubscriptionRefusedError extends DeribitSessionError {
  override readonly name = 'SubscriptionRefusedError';
  override readonly code = 'SUBSCRIPTION_REFUSED' as const;
  /** The channels that are not subscribed. */
  readonly channels: readonly string[];

  /**
   * @param channels - the channels refused
   * @param options - `cause`: the server's error, if any
   */
  constructor(channels: readonly string[], options?: { cause?: unknown }) {
    const cause = options?.cause;
    const why = cause instanceof Error ? `: ${cause.message}` : ' (left out of its answer)';
    super(`the server did not subscribe ${channels.join(', ')}${why}`, options);
    this.channels = Object.freeze([...channels]);
  }
}

/**
 * A named session was refused before anything was asked of the server: the family already holds Deribit's 16
 * named sessions per key, and a 17th would make Deribit drop the oldest (usually the root, whose tokens would
 * then fail with `13009`). Pass `evictOldest: true` to `fork()`/`exchange()` to accept that.
 */
export class SessionBudgetError extends DeribitSessionError {
  override readonly name = 'SessionBudgetError';
  override readonly code = 'SESSION_BUDGET' as const;
  /** The named sessions the family holds, oldest first. */
  readonly sessions: readonly string[];

  /**
   * @param name - the session that was refused
   * @param sessions - the family's named sessions, oldest first
   */
  constructor(name: string, sessions: readonly string[]) {
    super(
      `session ${name} was not created: this key holds ${sessions.length} named sessions, Deribit's limit, and a ` +
        `new one would make Deribit drop the oldest (${sessions[0]}); pass evictOldest: true to accept that`,
    );
    this.sessions = Object.freeze([...sessions]);
  }
}

/**
 * An order was not sent: Deribit locked the platform or the instrument's price index (`platform_state`,
 * `public/status`), and it did not unlock within the call's `maxWait`. Cancels are never held back. Safe to
 * retry once Deribit unlocks (`classify` says `retry`).
 */
export class PlatformLockedError extends DeribitSessionError {
  override readonly name = 'PlatformLockedError';
  override readonly code = 'PLATFORM_LOCKED' as const;
  /** The method that was held back. */
  readonly method: string;
  /** Never sent. */
  readonly sent = false;

  /**
   * @param method - the order method
   * @param why - what is locked
   */
  constructor(method: string, why: string) {
    super(`${method} was not sent: ${why} (Deribit's platform_state); it may be sent again once it unlocks`);
    this.method = method;
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
   * @param options - `cause`, when another error explains it
   */
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.argument = argument;
  }
}
