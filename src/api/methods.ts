/**
 * The method map behind `session.call()`: params and result of the Deribit methods a market maker uses
 * (docs.deribit.com API reference). A method in the map has its params checked and its result typed; any
 * other method name takes any params and resolves `unknown`.
 *
 * To send params the map does not describe (a newer field, `detailed: true`), widen the method name:
 * `session.call('private/cancel_all' as string, { detailed: true })` resolves `unknown`.
 * @module
 */
import type { AccountSummary, AccountSummaryParams, Position } from './account.js';
import type {
  OrderHistoryByCurrencyParams,
  OrderHistoryByInstrumentParams,
  OrderStateByLabelParams,
  UserTradesByCurrencyParams,
  UserTradesByInstrumentParams,
  UserTradesResult,
} from './history.js';
import type { Instrument, InstrumentsParams } from './instruments.js';
import type {
  BookSummary,
  IndexPrice,
  OrderBook,
  OrderBookParams,
  PlatformStatus,
  Ticker,
} from './market.js';
import type {
  Currency,
  EditOrderParams,
  InstrumentKind,
  InstrumentKindFilter,
  Order,
  PlaceOrderParams,
  PlaceOrderResult,
} from './orders.js';

/** Params shared by every `public/auth` grant. */
interface AuthCommon {
  /** Space-separated scopes, e.g. `session:mm trade:read_write`. */
  readonly scope?: string;
  /** Echoed back in the result. */
  readonly state?: string;
}

/** `public/auth` with `grant_type: 'client_credentials'` (sends the secret itself). */
export interface ClientCredentialsAuthParams extends AuthCommon {
  readonly grant_type: 'client_credentials';
  readonly client_id: string;
  readonly client_secret: string;
}

/** `public/auth` with `grant_type: 'client_signature'` (HMAC-SHA256 of `timestamp\nnonce\ndata`). */
export interface ClientSignatureAuthParams extends AuthCommon {
  readonly grant_type: 'client_signature';
  readonly client_id: string;
  /** ms since the Unix epoch; valid for 60 s. */
  readonly timestamp: number;
  /** Lowercase hex. */
  readonly signature: string;
  readonly nonce?: string;
  readonly data?: string;
}

/** `public/auth` with `grant_type: 'refresh_token'`. */
export interface RefreshTokenAuthParams extends AuthCommon {
  readonly grant_type: 'refresh_token';
  readonly refresh_token: string;
}

/** Params of `public/auth`, one shape per grant. */
export type AuthParams = ClientCredentialsAuthParams | ClientSignatureAuthParams | RefreshTokenAuthParams;

/** Result of `public/auth`, `public/fork_token` and `public/exchange_token`. */
export interface AuthResult {
  readonly access_token: string;
  readonly refresh_token: string;
  /** Seconds. */
  readonly expires_in: number;
  /** The scope granted, which may be narrower than asked. */
  readonly scope: string;
  readonly token_type: 'bearer';
  readonly sid?: string;
  /** The `state` param, echoed. */
  readonly state?: string;
  readonly enabled_features?: readonly string[];
}

/** Params of `public/fork_token`: a new named session with the same scopes. */
export interface ForkTokenParams {
  readonly refresh_token: string;
  readonly session_name: string;
}

/** Params of `public/exchange_token`: tokens for another subject (a subaccount). */
export interface ExchangeTokenParams {
  readonly refresh_token: string;
  readonly subject_id: number;
  readonly scope?: string;
}

/** Order types `private/get_open_orders*` filter by. Default `all`. */
export type OpenOrderTypeFilter =
  | 'all'
  | 'limit'
  | 'trigger_all'
  | 'stop_all'
  | 'stop_limit'
  | 'stop_market'
  | 'take_all'
  | 'take_limit'
  | 'take_market'
  | 'trailing_all'
  | 'trailing_stop';

/** Order types the `private/cancel_all_by_*` methods filter by. Default `all`. */
export type CancelTypeFilter = 'all' | 'limit' | 'trigger_all' | 'stop' | 'take' | 'trailing_stop';

/**
 * Params shared by the cancel-all methods. `detailed: true` changes the result to a list the API reference
 * does not specify, so only the count is typed: widen the method name to `string` to ask for details.
 */
export interface CancelAllParams {
  readonly detailed?: false;
  /** Reject incoming quotes for 1 s after cancelling (`private/mass_quote`). */
  readonly freeze_quotes?: boolean;
}

/** Params of `private/cancel_all_by_instrument`. */
export interface CancelAllByInstrumentParams extends CancelAllParams {
  readonly instrument_name: string;
  readonly type?: CancelTypeFilter;
  /** Also cancel orders in combos that affect this position. */
  readonly include_combos?: boolean;
}

/** Params of `private/cancel_all_by_currency`. */
export interface CancelAllByCurrencyParams extends CancelAllParams {
  readonly currency: Currency;
  readonly kind?: InstrumentKindFilter;
  readonly type?: CancelTypeFilter;
}

/** Params of `public/subscribe` and the unsubscribe methods. */
export interface ChannelsParams {
  /** At most 500 per request. */
  readonly channels: readonly string[];
}

/** Params of `private/subscribe`. */
export interface PrivateSubscribeParams extends ChannelsParams {
  /** Added to notifications of private channels (at most 16 characters). */
  readonly label?: string;
}

/** A method without params. */
export type NoParams = Readonly<Record<string, never>>;

/** Params of a method the map does not describe. */
export type UnknownParams = Readonly<Record<string, unknown>>;

/** One entry of {@link DeribitMethods}. */
export interface MethodEntry<Params, Result> {
  readonly params: Params;
  readonly result: Result;
}

/** Deribit methods with typed params and results. */
export interface DeribitMethods {
  'public/auth': MethodEntry<AuthParams, AuthResult>;
  'public/fork_token': MethodEntry<ForkTokenParams, AuthResult>;
  'public/exchange_token': MethodEntry<ExchangeTokenParams, AuthResult>;
  /** No response: the server closes the socket (use `session.logout()`), so the call never resolves. */
  'private/logout': MethodEntry<{ readonly invalidate_token?: boolean }, never>;
  /** Server time, ms since the Unix epoch. */
  'public/get_time': MethodEntry<NoParams, number>;
  /** `expected_result: 'exception'` makes the server answer with an error. */
  'public/test': MethodEntry<{ readonly expected_result?: 'exception' }, { readonly version: string }>;
  'private/buy': MethodEntry<PlaceOrderParams, PlaceOrderResult>;
  'private/sell': MethodEntry<PlaceOrderParams, PlaceOrderResult>;
  'private/edit': MethodEntry<EditOrderParams, PlaceOrderResult>;
  /** Resolves with the cancelled order. */
  'private/cancel': MethodEntry<{ readonly order_id: string }, Order>;
  /** Resolves with the number of orders cancelled. */
  'private/cancel_all': MethodEntry<CancelAllParams, number>;
  /** Resolves with the number of orders cancelled. */
  'private/cancel_all_by_instrument': MethodEntry<CancelAllByInstrumentParams, number>;
  /** Resolves with the number of orders cancelled. */
  'private/cancel_all_by_currency': MethodEntry<CancelAllByCurrencyParams, number>;
  /** Resolves with the number of orders cancelled. */
  'private/cancel_by_label': MethodEntry<{ readonly label: string; readonly currency?: Currency }, number>;
  'private/get_open_orders': MethodEntry<
    { readonly kind?: InstrumentKind; readonly type?: OpenOrderTypeFilter },
    readonly Order[]
  >;
  'private/get_open_orders_by_currency': MethodEntry<
    {
      readonly currency: Currency;
      readonly kind?: InstrumentKindFilter;
      readonly type?: OpenOrderTypeFilter;
    },
    readonly Order[]
  >;
  'private/get_open_orders_by_instrument': MethodEntry<
    { readonly instrument_name: string; readonly type?: OpenOrderTypeFilter },
    readonly Order[]
  >;
  'private/get_order_state': MethodEntry<{ readonly order_id: string }, Order>;
  'private/get_positions': MethodEntry<
    { readonly currency?: Currency | 'any'; readonly kind?: InstrumentKind; readonly subaccount_id?: number },
    readonly Position[]
  >;
  'private/get_account_summary': MethodEntry<AccountSummaryParams, AccountSummary>;
  /** A reduce-only order for the whole position. */
  'private/close_position': MethodEntry<
    { readonly instrument_name: string; readonly type: 'limit' | 'market'; readonly price?: number },
    PlaceOrderResult
  >;
  'private/get_user_trades_by_currency': MethodEntry<UserTradesByCurrencyParams, UserTradesResult>;
  'private/get_user_trades_by_instrument': MethodEntry<UserTradesByInstrumentParams, UserTradesResult>;
  /** Closed orders, newest first (`with_continuation` changes the shape: widen the method name for it). */
  'private/get_order_history_by_currency': MethodEntry<OrderHistoryByCurrencyParams, readonly Order[]>;
  /** Closed orders, newest first (`with_continuation` changes the shape: widen the method name for it). */
  'private/get_order_history_by_instrument': MethodEntry<OrderHistoryByInstrumentParams, readonly Order[]>;
  /** Every order, open or closed, with the label (labels are not unique). */
  'private/get_order_state_by_label': MethodEntry<OrderStateByLabelParams, readonly Order[]>;
  /** Identify the client to Deribit. */
  'public/hello': MethodEntry<
    { readonly client_name: string; readonly client_version: string },
    { readonly version: string }
  >;
  'public/status': MethodEntry<NoParams, PlatformStatus>;
  'public/get_instruments': MethodEntry<InstrumentsParams, readonly Instrument[]>;
  'public/get_instrument': MethodEntry<{ readonly instrument_name: string }, Instrument>;
  'public/ticker': MethodEntry<{ readonly instrument_name: string }, Ticker>;
  'public/get_order_book': MethodEntry<OrderBookParams, OrderBook>;
  /** `index_name` such as `btc_usd`. */
  'public/get_index_price': MethodEntry<{ readonly index_name: string }, IndexPrice>;
  'public/get_book_summary_by_currency': MethodEntry<
    { readonly currency: Currency | 'any'; readonly kind?: InstrumentKind },
    readonly BookSummary[]
  >;
  /** Resolves with the channels actually subscribed (compare with those asked for). */
  'public/subscribe': MethodEntry<ChannelsParams, readonly string[]>;
  /** Resolves with the channels actually subscribed (compare with those asked for). */
  'private/subscribe': MethodEntry<PrivateSubscribeParams, readonly string[]>;
  /** Resolves with the channels unsubscribed. */
  'public/unsubscribe': MethodEntry<ChannelsParams, readonly string[]>;
  /** Resolves with the channels unsubscribed. */
  'private/unsubscribe': MethodEntry<ChannelsParams, readonly string[]>;
}

/** A method name with typed params and result. */
export type DeribitMethod = keyof DeribitMethods;

/**
 * What `call()` takes as a method: any string, with the typed methods offered first by editors (a plain
 * `string` would swallow the literal names; `string & Record<never, never>` keeps them apart).
 */
export type MethodName = DeribitMethod | (string & Record<never, never>);

/** Any private method also takes an explicit token (the session's socket is already authenticated). */
export interface AccessTokenParam {
  readonly access_token?: string;
}

/** Params of method `M`; {@link UnknownParams} for methods not in {@link DeribitMethods}. */
export type MethodParams<M extends string> = M extends DeribitMethod
  ? M extends `private/${string}`
    ? DeribitMethods[M]['params'] & AccessTokenParam
    : DeribitMethods[M]['params']
  : UnknownParams;

/** Result of method `M`; `unknown` for methods not in {@link DeribitMethods}. */
export type MethodResult<M extends string> = M extends DeribitMethod ? DeribitMethods[M]['result'] : unknown;

/**
 * The arguments after the method name: params (required when the method has required params), then options.
 * `Options` is the session's per-call options type.
 */
export type CallArgs<M extends string, Options> =
  // An empty object satisfies the params exactly when none is required.
  Record<never, never> extends MethodParams<M>
    ? [params?: MethodParams<M>, options?: Options]
    : [params: MethodParams<M>, options?: Options];
