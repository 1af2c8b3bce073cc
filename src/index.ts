/**
 * deribit-session: one authenticated Deribit API v2 WebSocket session, kept alive for days.
 * @module deribit-session
 */
export type {
  AccountBalances,
  AccountSummary,
  AccountSummaryParams,
  IndexMap,
  Portfolio,
  Position,
} from './api/account.js';
export type {
  BookChannel,
  BookDepth,
  BookGroup,
  ChannelData,
  GroupedBookChannel,
  Interval,
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
  BookChange,
  BookLevel,
  BookLevelChange,
  BookState,
  Greeks,
  GroupedBook,
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
export type { CredentialGrant, Credentials, Grant } from './auth.js';
export { ErrorCode } from './codes.js';
export {
  AuthenticationError,
  ConnectionClosedError,
  classify,
  DeribitSessionError,
  type ErrorClass,
  InvalidArgumentError,
  ListenerError,
  type LocalErrorCode,
  MalformedResponseError,
  NotConnectedError,
  RequestTimeoutError,
  RpcError,
  type RpcErrorData,
  SessionClosedError,
  StreamOverflowError,
  UpgradeRejectedError,
} from './errors.js';
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
} from './events.js';
export type { ChildSessionOptions, ExchangeOptions, ForkOptions } from './family.js';
export { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from './heartbeat.js';
export { NAMED_SESSION_BUDGET } from './lineage.js';
export { DEFAULT_LIVENESS, type LivenessOptions } from './liveness.js';
export {
  type CancelOnDisconnect,
  CHILD_FIXED_KEYS,
  type ChildFixedKey,
  DEFAULT_MAX_PAYLOAD,
  DERIBIT_MAINNET,
  DERIBIT_TESTNET,
  type DisposeAction,
  type Logger,
  type SessionOptions,
} from './options.js';
export { DEFAULT_RECONNECT, type ReconnectOptions, type RetryInfo } from './reconnect.js';
export { DEFAULT_REFRESH, type RefreshOptions } from './refresh.js';
export { type AccessLevel, formatScope, parseScope, type Scope } from './scope.js';
export { DeribitSession } from './session.js';
export type * from './session-types.js';
export {
  type GracefulShutdownOptions,
  installGracefulShutdown,
  liveSessions,
  logoutAll,
  type SessionSource,
  type ShutdownEvent,
  type ShutdownSignal,
} from './shutdown.js';
export { MAX_REQUEST_BYTES, type WebSocketConstructor, type WebSocketLike } from './socket.js';
export type { SessionState, StateChange, TransitionReason } from './state.js';
export { DEFAULT_HIGH_WATER_MARK, type StreamItem, type StreamOptions } from './stream.js';
export { isPrivateChannel, type NotificationHandler } from './subscriptions.js';
export type { NodeWebSocketOptions, PemInput } from './ws-options.js';
