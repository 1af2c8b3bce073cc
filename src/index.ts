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
  type LocalErrorCode,
  RequestTimeoutError,
  RpcError,
  type RpcErrorData,
  SessionClosedError,
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
export { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from './heartbeat.js';
export { NAMED_SESSION_BUDGET } from './lineage.js';
export {
  type CancelOnDisconnect,
  DERIBIT_MAINNET,
  DERIBIT_TESTNET,
  type Logger,
  type SessionOptions,
} from './options.js';
export { DEFAULT_RECONNECT, type ReconnectOptions, type RetryInfo } from './reconnect.js';
export { DEFAULT_REFRESH, type RefreshOptions } from './refresh.js';
export type { WebSocketConstructor, WebSocketLike } from './rpc.js';
export { type AccessLevel, formatScope, parseScope, type Scope } from './scope.js';
export {
  type CallOptions,
  type ChildSessionOptions,
  DeribitSession,
  type ExchangeOptions,
  type LogoutOptions,
  type LogoutResult,
} from './session.js';
export {
  type GracefulShutdownOptions,
  installGracefulShutdown,
  liveSessions,
  logoutAll,
  type SessionSource,
  type ShutdownEvent,
  type ShutdownSignal,
} from './shutdown.js';
export type { SessionState, StateChange, TransitionReason } from './state.js';
export { isPrivateChannel, type NotificationHandler } from './subscriptions.js';
