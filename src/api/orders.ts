/**
 * Orders and trades as Deribit API v2 documents them (docs.deribit.com: `private/buy`, `private/edit`, the
 * `order` and `user_trade` objects). Field optionality follows the documentation; where the reference
 * marks a field required but describes it as conditional ("only for options", "optional"), it is optional.
 * @module
 */

/** Currencies Deribit's trading methods take. */
export type Currency = 'BTC' | 'ETH' | 'USDC' | 'USDT' | 'EURR';

/** Instrument kinds of positions and orders. */
export type InstrumentKind = 'future' | 'option' | 'spot' | 'future_combo' | 'option_combo';

/** Instrument kinds in filters: `combo` is any combo, `any` every kind. */
export type InstrumentKindFilter = InstrumentKind | 'combo' | 'any';

/** Side of an order or of a trade's taker. */
export type Direction = 'buy' | 'sell';

/** State of an order. */
export type OrderState = 'open' | 'filled' | 'rejected' | 'cancelled' | 'untriggered' | 'triggered';

/** Type of an order as Deribit reports it. */
export type OrderType =
  | 'market'
  | 'limit'
  | 'stop_market'
  | 'stop_limit'
  | 'take_market'
  | 'take_limit'
  | 'trailing_stop';

/** Order types `private/buy` and `private/sell` accept (`market_limit` becomes a limit order). */
export type PlaceOrderType = OrderType | 'market_limit';

/** How long an order stays in the book. */
export type TimeInForce = 'good_til_cancelled' | 'good_til_day' | 'fill_or_kill' | 'immediate_or_cancel';

/** The price a trigger order watches. */
export type Trigger = 'index_price' | 'mark_price' | 'last_price';

/** Options only: `price` is in USD (`usd`) or implied volatility in percent (`implv`). */
export type Advanced = 'usd' | 'implv';

/** Linked (OTO/OCO/OTOCO) order kinds. */
export type LinkedOrderType = 'one_triggers_other' | 'one_cancels_others' | 'one_triggers_one_cancels_others';

/** When the secondary orders of a linked order react to fills of the primary one. */
export type TriggerFillCondition = 'first_hit' | 'complete_fill' | 'incremental';

/** Why Deribit cancelled an order. */
export type CancelReason =
  | 'user_request'
  | 'autoliquidation'
  | 'cancel_on_disconnect'
  | 'risk_mitigation'
  | 'pme_risk_reduction'
  | 'pme_account_locked'
  | 'position_locked'
  | 'mmp_trigger'
  | 'mmp_config_curtailment'
  | 'edit_post_only_reject'
  | 'oco_other_closed'
  | 'oto_primary_closed'
  | 'settlement';

/** An order, as `private/buy`, `private/cancel`, `private/get_open_orders*` and `user.orders.*` return it. */
export interface Order {
  readonly order_id: string;
  readonly order_state: OrderState;
  readonly order_type: OrderType;
  /** Set when the order was placed as `market` or `market_limit` and is now a limit order. */
  readonly original_order_type?: 'market' | 'market_limit';
  readonly time_in_force: TimeInForce;
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly creation_timestamp: number;
  /** ms since the Unix epoch. */
  readonly last_update_timestamp: number;
  readonly direction: Direction;
  /** `"market_price"` for open trigger market orders. */
  readonly price: number | 'market_price';
  /** The user's label; `""` when none was given. */
  readonly label: string;
  readonly post_only: boolean;
  /** Present only when `post_only` is true. */
  readonly reject_post_only?: boolean;
  /** Not present for spot. */
  readonly reduce_only?: boolean;
  /** True when placed through the API. */
  readonly api: boolean;
  /** The owner's user id (the subaccount's). */
  readonly user_id?: number;
  readonly web?: boolean;
  readonly mobile?: boolean;
  /** USD for perpetuals and inverse futures; the base currency for options and linear futures. */
  readonly amount: number;
  readonly contracts?: number;
  /** Absent on untriggered trigger orders. */
  readonly filled_amount?: number;
  /** Absent on untriggered trigger orders. */
  readonly average_price?: number;
  /** Iceberg orders: the amount shown in the book. */
  readonly display_amount?: number;
  /** Iceberg orders: the display amount restored after each fill. */
  readonly refresh_amount?: number;
  /** Older name of `display_amount`, still seen in Deribit's examples. */
  readonly max_show?: number;
  readonly advanced?: Advanced;
  /** Implied volatility in percent (`advanced: 'implv'` only). */
  readonly implv?: number;
  /** Option price in USD (`advanced: 'usd'` only). */
  readonly usd?: number;
  /** Trigger orders: whether the trigger fired. */
  readonly triggered?: boolean;
  readonly trigger?: Trigger;
  readonly trigger_price?: number;
  /** Trailing orders: the maximum distance from the peak. */
  readonly trigger_offset?: number;
  readonly trigger_reference_price?: number;
  /** Set on orders created by a trigger order: that order's id. */
  readonly trigger_order_id?: string;
  /** Not present for spot. */
  readonly is_liquidation?: boolean;
  /** Spot only: created while restoring a cross-collateral balance. */
  readonly is_rebalance?: boolean;
  /** Market maker protection order. */
  readonly mmp?: boolean;
  readonly mmp_cancelled?: boolean;
  readonly risk_reducing?: boolean;
  /** True when the order was edited. */
  readonly replaced?: boolean;
  readonly auto_replaced?: boolean;
  readonly block_trade?: boolean;
  readonly quote?: boolean;
  readonly quote_id?: string;
  readonly quote_set_id?: string;
  readonly mmp_group?: string;
  readonly app_name?: string;
  readonly cancel_reason?: CancelReason;
  readonly oto_order_ids?: readonly string[];
  readonly trigger_fill_condition?: TriggerFillCondition;
  readonly oco_ref?: string;
  readonly primary_order_id?: string;
  readonly is_secondary_oto?: boolean;
  readonly is_primary_otoco?: boolean;
}

/** One of the user's trades, as order placement, `user.trades.*` and `user.changes.*` return it. */
export interface UserTrade {
  readonly trade_id: string;
  readonly trade_seq: number;
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly order_id: string;
  readonly order_type?: 'limit' | 'market' | 'liquidation';
  /** Always `null`. */
  readonly matching_id: null;
  /** Direction of the taker. */
  readonly direction: Direction;
  /** 0 plus tick, 1 zero-plus tick, 2 minus tick, 3 zero-minus tick. */
  readonly tick_direction: 0 | 1 | 2 | 3;
  readonly index_price: number;
  readonly mark_price: number;
  readonly price: number;
  readonly amount: number;
  readonly contracts?: number;
  /** The owner's user id (the subaccount's). */
  readonly user_id?: number;
  /** True when both sides of the trade belong to the same account (e.g. two of its subaccounts). */
  readonly self_trade?: boolean;
  /** `M` when the user's order was the maker, `T` the taker. */
  readonly liquidity?: 'M' | 'T';
  /** Trades caused by a liquidation: which side was liquidated. */
  readonly liquidation?: 'M' | 'T' | 'MT';
  readonly fee: number;
  readonly fee_currency: string;
  /** State of the user's order after this trade. */
  readonly state: 'open' | 'filled' | 'rejected' | 'cancelled' | 'untriggered' | 'archive';
  readonly label?: string;
  readonly advanced?: Advanced;
  /** Options only. */
  readonly iv?: number;
  /** Options only. */
  readonly underlying_price?: number;
  // The reference types these two as strings; every documented response carries booleans.
  readonly reduce_only?: boolean;
  readonly post_only?: boolean;
  readonly mmp?: boolean;
  readonly risk_reducing?: boolean;
  readonly api?: boolean;
  readonly profit_loss?: number;
  readonly block_trade_id?: string;
  readonly combo_id?: string;
  readonly combo_trade_id?: number;
  readonly quote_id?: string;
  readonly quote_set_id?: string;
}

/** Params shared by `private/buy` and `private/sell`. Give `amount` or `contracts` (or both, equal). */
export interface PlaceOrderParams {
  readonly instrument_name: string;
  /** USD for perpetuals and inverse futures; the base currency for options and linear futures. */
  readonly amount?: number;
  readonly contracts?: number;
  /** Default `limit`. */
  readonly type?: PlaceOrderType;
  /** At most 64 characters. */
  readonly label?: string;
  /** Limit and stop-limit orders; with `advanced`, USD or implied volatility in percent. */
  readonly price?: number;
  /** Default `good_til_cancelled`. */
  readonly time_in_force?: TimeInForce;
  /** Iceberg orders: the amount shown in the book. */
  readonly display_amount?: number;
  readonly post_only?: boolean;
  /** With `post_only`: reject rather than reprice an order that would take liquidity. */
  readonly reject_post_only?: boolean;
  readonly reduce_only?: boolean;
  /** Trigger orders. */
  readonly trigger_price?: number;
  /** Trailing orders. */
  readonly trigger_offset?: number;
  readonly trigger?: Trigger;
  readonly advanced?: Advanced;
  /** Market maker protection order. */
  readonly mmp?: boolean;
  /** ms since the Unix epoch: the server rejects the request when it arrives later. */
  readonly valid_until?: number;
  readonly linked_order_type?: LinkedOrderType;
  /** Default `first_hit`. */
  readonly trigger_fill_condition?: TriggerFillCondition;
}

/** Params of `private/edit`. Give `amount` or `contracts` (or both, equal). */
export interface EditOrderParams {
  readonly order_id: string;
  readonly amount?: number;
  readonly contracts?: number;
  readonly price?: number;
  readonly post_only?: boolean;
  readonly reject_post_only?: boolean;
  readonly reduce_only?: boolean;
  readonly advanced?: Advanced;
  readonly trigger_price?: number;
  readonly trigger_offset?: number;
  readonly mmp?: boolean;
  readonly valid_until?: number;
  readonly display_amount?: number;
}

/** Result of `private/buy`, `private/sell` and `private/edit`. */
export interface PlaceOrderResult {
  readonly order: Order;
  /** Trades the request caused at once. */
  readonly trades: readonly UserTrade[];
}
