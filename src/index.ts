/**
 * deribit-session: one authenticated Deribit API v2 WebSocket session, kept alive for days.
 * @module deribit-session
 */
export type {
  AccountBalances,
  AccountLimits,
  AccountSummary,
  AccountSummaryParams,
  IndexMap,
  Portfolio,
  Position,
  RateLimit,
} from './api/account.js';
export type {
  BookChannel,
  BookDepth,
  BookGroup,
  ChannelData,
  ChannelName,
  FixedChannel,
  GroupedBookChannel,
  Interval,
  PlatformStateChannel,
  TickerChannel,
  TradesChannel,
  TypedChannel,
  UserChanges,
  UserChangesChannel,
  UserOrdersChannel,
  UserPortfolioChannel,
  UserTradesChannel,
} from './api/channels.js';
export type {
  OrderHistoryByCurrencyParams,
  OrderHistoryByInstrumentParams,
  OrderHistoryResult,
  OrderStateByLabelParams,
  Sorting,
  UserTradesByCurrencyParams,
  UserTradesByInstrumentParams,
  UserTradesResult,
} from './api/history.js';
export type { Instrument, InstrumentsParams, TickSizeStep } from './api/instruments.js';
export type {
  BookChange,
  BookLevel,
  BookLevelChange,
  BookState,
  BookSummary,
  Greeks,
  GroupedBook,
  IndexPrice,
  OrderBook,
  OrderBookParams,
  PlatformStateData,
  PlatformStatus,
  PublicTrade,
  Ticker,
  TickerStats,
} from './api/market.js';
export type {
  AccessTokenParam,
  AuthParams,
  AuthResult,
  CallArgs,
  CancelAllByCurrencyParams,
  CancelAllByInstrumentParams,
  CancelAllParams,
  CancelTypeFilter,
  ChannelsParams,
  ClientCredentialsAuthParams,
  ClientSignatureAuthParams,
  DeribitMethod,
  DeribitMethods,
  ExchangeTokenParams,
  ForkTokenParams,
  MethodEntry,
  MethodName,
  MethodParams,
  MethodResult,
  NoParams,
  OpenOrderTypeFilter,
  PrivateSubscribeParams,
  RefreshTokenAuthParams,
  UnknownParams,
} from './api/methods.js';
export type {
  Advanced,
  CancelReason,
  Currency,
  Direction,
  EditOrderParams,
  InstrumentKind,
  InstrumentKindFilter,
  LinkedOrderType,
  Order,
  OrderState,
  OrderType,
  PlaceOrderParams,
  PlaceOrderResult,
  PlaceOrderType,
  TimeInForce,
  Trigger,
  TriggerFillCondition,
  UserTrade,
} from './api/orders.js';
export type { OrderOutcome, OutcomeMatch } from './api/outcomes.js';
export type { CredentialGrant, Credentials, Grant } from './auth/grants.js';
export { DEFAULT_REFRESH, type RefreshOptions } from './auth/refresh.js';
export { type AccessLevel, formatScope, parseScope, type Scope } from './auth/scope.js';
export type { BucketSpec, TakeResult, TokenBucket } from './calls/credits/bucket.js';
export type { CreditStatus, GovernorNotice, PoolStatus } from './calls/credits/governor-types.js';
export type { PoolLimit, PoolLimits, PoolName, Priority } from './calls/credits/pools.js';
export {
  type CreditBucket,
  type CreditStore,
  MemoryCreditStore,
  type MemoryCreditStoreOptions,
} from './calls/credits/store.js';
export { DEFAULT_RECONNECT, type ReconnectOptions, type RetryInfo } from './connection/backoff.js';
export { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from './connection/lifetime.js';
export { DEFAULT_LIVENESS, type LivenessOptions } from './connection/liveness.js';
export { DEFAULT_CONNECT_WAIT } from './connection/loop.js';
export { MAX_REQUEST_BYTES, type WebSocketConstructor, type WebSocketLike } from './connection/socket.js';
export { classify, type ErrorClass } from './errors/classify.js';
export { ErrorCode } from './errors/codes.js';
export { ConnectFailedError, type ConnectFailure } from './errors/connect-errors.js';
export {
  AuthenticationError,
  ConfigurationError,
  ConnectionClosedError,
  type ConnectionClosedOptions,
  DeribitSessionError,
  InvalidArgumentError,
  ListenerError,
  type LocalErrorCode,
  MalformedResponseError,
  NotConnectedError,
  PlatformLockedError,
  RequestTimeoutError,
  RpcError,
  type RpcErrorData,
  SessionBudgetError,
  SessionClosedError,
  StreamOverflowError,
  SubscriptionRefusedError,
  UpgradeRejectedError,
} from './errors/errors.js';
export type { ChildSessionOptions, ExchangeOptions, ForkOptions } from './family/family.js';
export { NAMED_SESSION_BUDGET } from './family/lineage.js';
export * from './metrics/index.js';
export {
  type CancelOnDisconnect,
  CHILD_FIXED_KEYS,
  type ChildFixedKey,
  type CreditOptions,
  DEFAULT_MAX_PAYLOAD,
  DERIBIT_MAINNET,
  DERIBIT_TESTNET,
  type DisposeAction,
  type Logger,
  type SessionOptions,
} from './options/options.js';
export type { NodeWebSocketOptions, PemInput } from './options/ws-options.js';
export type {
  AuthenticatedEvent,
  ClosedEvent,
  CloseReason,
  DisconnectedEvent,
  ExchangedEvent,
  ForkedEvent,
  RefreshedEvent,
  SessionEvents,
  TokensEvent,
  WarningEvent,
} from './session/events.js';
export { DeribitSession } from './session/session.js';
export type * from './session/session-types.js';
export type { SessionState, StateChange, TransitionReason } from './session/state.js';
export {
  DEFAULT_SHUTDOWN_TIMEOUT,
  type GracefulShutdownOptions,
  installGracefulShutdown,
  liveSessions,
  logoutAll,
  type SessionSource,
  type ShutdownEvent,
  type ShutdownSignal,
} from './shutdown.js';
export { isPrivateChannel } from './subscriptions/channels.js';
export type { NotificationHandler, NotificationInfo } from './subscriptions/registry.js';
export { DEFAULT_HIGH_WATER_MARK, type StreamItem, type StreamOptions } from './subscriptions/stream.js';
