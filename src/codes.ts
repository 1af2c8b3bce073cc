/**
 * Deribit JSON-RPC error codes and their canonical messages, as documented by Deribit.
 * Shared by the client (to classify errors) and the emulator (to produce them).
 * @module
 */

/** Deribit error codes this library knows by name. */
export const ErrorCode = {
  authorizationRequired: 10000,
  orderNotFound: 10004,
  tooManyRequests: 10028,
  retry: 10040,
  settlementInProgress: 10041,
  matchingEngineQueueFull: 10047,
  tooManyConcurrentRequests: 10066,
  notOpenOrder: 11044,
  badRequest: 11050,
  systemMaintenance: 11051,
  subscribeErrorUnsubscribed: 11052,
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
  parseError: -32700,
} as const;

/** Canonical Deribit message for each known error code. */
export const errorMessages: Readonly<Record<number, string>> = {
  10000: 'authorization_required',
  10004: 'order_not_found',
  10028: 'too_many_requests',
  10040: 'retry',
  10041: 'settlement_in_progress',
  10047: 'matching_engine_queue_full',
  10066: 'too_many_concurrent_requests',
  11044: 'not_open_order',
  11050: 'bad_request',
  11051: 'system_maintenance',
  11052: 'subscribe_error_unsubscribed',
  11094: 'internal_server_error',
  12003: 'login_over_limit',
  13004: 'invalid_credentials',
  13009: 'unauthorized',
  13010: 'value_required',
  13021: 'forbidden',
  13028: 'temporarily_unavailable',
  13042: 'cod_not_enabled',
  13403: 'scope_exceeded',
  13778: 'raw_subscriptions_not_available_for_unauthorized',
  13888: 'timed_out',
  [-32600]: 'request entity too large',
  [-32601]: 'Method not found',
  [-32602]: 'Invalid params',
  [-32700]: 'Parse error',
};
