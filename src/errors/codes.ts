/**
 * Deribit's JSON-RPC error codes: one row per code, with Deribit's message and what it means for a session.
 * `classify()`, every predicate of `errors.ts` and the emulator's messages are derived from this table, so a
 * code means one thing everywhere. Shared by the client and the emulator: these are Deribit's facts, not the
 * client's rules (docs.deribit.com, "Errors"; PROTOCOL.md).
 * @module
 */

/** Deribit error codes this library knows by name. */
export const ErrorCode = {
  authorizationRequired: 10000,
  qtyTooLow: 10002,
  orderNotFound: 10004,
  priceTooLow: 10005,
  priceTooHigh: 10007,
  notEnoughFunds: 10009,
  lockedByAdmin: 10019,
  invalidOrUnsupportedInstrument: 10020,
  invalidAmount: 10021,
  pricePrecisionExceeded: 10026,
  nonIntegerContractAmount: 10027,
  tooManyRequests: 10028,
  retry: 10040,
  settlementInProgress: 10041,
  priceWrongTick: 10043,
  matchingEngineQueueFull: 10047,
  cancelOnDisconnectFailed: 10049,
  tooManyConcurrentRequests: 10066,
  alreadyFilled: 11008,
  invalidArguments: 11029,
  otherReject: 11030,
  notOpenOrder: 11044,
  badRequest: 11050,
  systemMaintenance: 11051,
  subscribeErrorUnsubscribed: 11052,
  postOnlyReject: 11054,
  internalServerError: 11094,
  loginOverLimit: 12003,
  invalidCredentials: 13004,
  unauthorized: 13009,
  valueRequired: 13010,
  forbidden: 13021,
  temporarilyUnavailable: 13028,
  codNotEnabled: 13042,
  scopeExceeded: 13403,
  rawSubscriptionsNotAvailable: 13778,
  timedOut: 13888,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  parseError: -32700,
} as const;

/** The `data` object Deribit attaches to some errors (e.g. `{ reason, param }`). */
export type RpcErrorData = {
  readonly reason?: string;
  readonly param?: string;
  readonly [key: string]: unknown;
};

/** One of the codes in {@link ErrorCode}. */
export type KnownErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * What the session does when a code answers a request:
 * - `fatal`: close the session; retrying cannot help (the credentials are refused).
 * - `reauth`: the token is missing, expired or refused: authenticate again.
 * - `retry`: transient: back off and try again.
 * - `backoff-max`: transient, but every attempt makes it worse (a login lockout): wait the longest delay.
 * - `terminated`: the server ended the session (credits ran out): the pool is empty, back off, then reconnect.
 * - `refusal`: the request itself is refused for a reason that will not change. A user's call: fix the call. One
 *   of the session's own requests (cancel-on-disconnect, the heartbeat, a subscription): it is not retried, and
 *   the session says what to fix.
 * - `refusal-on-repeat`: transient once, a refusal when the same request gets it again.
 */
export type SessionAction =
  | 'fatal'
  | 'reauth'
  | 'retry'
  | 'backoff-max'
  | 'terminated'
  | 'refusal'
  | 'refusal-on-repeat';

/** One row of the code table. */
export interface CodeRow {
  /** Deribit's message for the code, as the server sends it. */
  readonly message: string;
  /** What the session does. */
  readonly action: SessionAction;
  /** What it means, in a few words. */
  readonly meaning: string;
}

/** The table. The compiler checks that every code of {@link ErrorCode} has its row. */
export const CODE_TABLE: { readonly [C in KnownErrorCode]: CodeRow } = {
  10000: { message: 'authorization_required', action: 'reauth', meaning: 'the request needs authentication' },
  10002: { message: 'qty_too_low', action: 'refusal', meaning: 'amount below the minimum' },
  10004: { message: 'order_not_found', action: 'refusal', meaning: 'no such order' },
  10005: { message: 'price_too_low', action: 'refusal', meaning: 'price below the allowed band' },
  10007: { message: 'price_too_high', action: 'refusal', meaning: 'price above the allowed band' },
  10009: { message: 'not_enough_funds', action: 'refusal', meaning: 'not enough funds or margin' },
  10019: {
    message: 'locked_by_admin',
    action: 'retry',
    meaning: 'trading is temporarily locked (the emulator sends it while an index is locked)',
  },
  10020: {
    message: 'invalid_or_unsupported_instrument',
    action: 'refusal',
    meaning: 'unknown or inactive instrument',
  },
  10021: { message: 'invalid_amount', action: 'refusal', meaning: 'amount not allowed' },
  10026: {
    message: 'price_precision_exceeded',
    action: 'refusal',
    meaning: 'too many decimals in the price',
  },
  10027: {
    message: 'non_integer_contract_amount',
    action: 'refusal',
    meaning: 'amount not a multiple of the contract size',
  },
  10028: {
    message: 'too_many_requests',
    action: 'terminated',
    meaning: 'the credit pool ran dry: the server ends the session',
  },
  10040: { message: 'retry', action: 'retry', meaning: 'retry later' },
  10041: { message: 'settlement_in_progress', action: 'retry', meaning: 'settlement running' },
  10043: { message: 'price_wrong_tick', action: 'refusal', meaning: 'price not on the tick size' },
  10047: { message: 'matching_engine_queue_full', action: 'retry', meaning: 'matching engine busy' },
  10049: {
    message: 'cancel_on_disconnect_failed',
    action: 'refusal-on-repeat',
    meaning: 'cancel-on-disconnect could not be set',
  },
  10066: { message: 'too_many_concurrent_requests', action: 'retry', meaning: 'too many requests at once' },
  11008: { message: 'already_filled', action: 'refusal', meaning: 'the order is filled' },
  11029: { message: 'invalid_arguments', action: 'refusal', meaning: 'invalid arguments' },
  11030: {
    message: 'other_reject',
    action: 'refusal',
    meaning: 'rejected for a rarer reason (see data.reason)',
  },
  11044: { message: 'not_open_order', action: 'refusal', meaning: 'the order is not open' },
  11050: { message: 'bad_request', action: 'refusal', meaning: 'the request cannot be read' },
  11051: {
    message: 'system_maintenance',
    action: 'retry',
    meaning: 'maintenance: back off, reconnect later',
  },
  11052: {
    message: 'subscribe_error_unsubscribed',
    action: 'retry',
    meaning: 'the subscription was dropped by the server',
  },
  11054: {
    message: 'post_only_reject',
    action: 'refusal',
    meaning: 'a post-only order with reject_post_only would have taken liquidity',
  },
  11094: { message: 'internal_server_error', action: 'retry', meaning: 'server error' },
  12003: {
    message: 'login_over_limit',
    action: 'backoff-max',
    meaning: 'too many failed logins: each attempt lengthens the lockout',
  },
  13004: { message: 'invalid_credentials', action: 'fatal', meaning: 'the API key or secret is wrong' },
  13009: {
    message: 'unauthorized',
    action: 'reauth',
    meaning: 'token wrong, expired or bound to another connection; or a bad signature',
  },
  13010: { message: 'value_required', action: 'refusal', meaning: 'a required value is missing' },
  13021: { message: 'forbidden', action: 'refusal', meaning: 'the token’s scope is too small' },
  13028: { message: 'temporarily_unavailable', action: 'retry', meaning: 'temporarily unavailable' },
  13042: { message: 'cod_not_enabled', action: 'refusal', meaning: 'needs cancel-on-disconnect enabled' },
  13403: { message: 'scope_exceeded', action: 'refusal', meaning: 'the request exceeds the token’s scope' },
  13778: {
    message: 'raw_subscriptions_not_available_for_unauthorized',
    action: 'reauth',
    meaning: 'raw channels need authentication',
  },
  13888: { message: 'timed_out', action: 'retry', meaning: 'the server timed out' },
  [-32600]: {
    message: 'request entity too large',
    action: 'refusal',
    meaning: 'frame over 32 kB or not a JSON-RPC request (sent without an id)',
  },
  [-32601]: { message: 'Method not found', action: 'refusal', meaning: 'no such method' },
  [-32602]: { message: 'Invalid params', action: 'refusal', meaning: 'a param is missing or wrong' },
  [-32603]: { message: 'Internal error', action: 'retry', meaning: 'server error' },
  [-32700]: { message: 'Parse error', action: 'refusal', meaning: 'the frame is not JSON' },
};

/**
 * The row of a code Deribit has not documented or this library does not know: transient. Deribit adds codes
 * over time, and no code the library cannot read should end a session or block a restore for good.
 */
export const UNKNOWN_CODE: CodeRow = {
  message: 'unknown error',
  action: 'retry',
  meaning: 'a code this library does not know',
};

/** The row of `code`, or {@link UNKNOWN_CODE}. */
export function codeRow(code: number): CodeRow {
  return Object.hasOwn(CODE_TABLE, code) ? CODE_TABLE[code as KnownErrorCode] : UNKNOWN_CODE;
}

/** Deribit's message for each known code (derived from {@link CODE_TABLE}). */
export const errorMessages: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(CODE_TABLE).map(([code, row]) => [code, row.message])),
);
