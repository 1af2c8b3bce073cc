/**
 * Trade and order history: `private/get_user_trades_by_currency`, `…_by_instrument`,
 * `private/get_order_history_by_currency`, `…_by_instrument` and `private/get_order_state_by_label`
 * (docs.deribit.com; PROTOCOL.md).
 * @module
 */
import type { Currency, InstrumentKindFilter, Order, UserTrade } from './orders.js';

/** `asc`, `desc`, or `default` (the order the database returns them in). */
export type Sorting = 'asc' | 'desc' | 'default';

/** Params shared by the user-trades methods. */
interface UserTradesCommon {
  /** 1–1000, default 10. */
  readonly count?: number;
  /** ms since the Unix epoch, inclusive. */
  readonly start_timestamp?: number;
  /** ms since the Unix epoch, inclusive. */
  readonly end_timestamp?: number;
  readonly sorting?: Sorting;
  /** Read the historical store (records older than the recent window). */
  readonly historical?: boolean;
  readonly subaccount_id?: number;
}

/** Params of `private/get_user_trades_by_currency`. */
export interface UserTradesByCurrencyParams extends UserTradesCommon {
  readonly currency: Currency | 'any';
  readonly kind?: InstrumentKindFilter;
  /** The first trade id returned (inclusive). */
  readonly start_id?: string;
  /** The last trade id returned (inclusive). */
  readonly end_id?: string;
}

/** Params of `private/get_user_trades_by_instrument`. */
export interface UserTradesByInstrumentParams extends UserTradesCommon {
  readonly instrument_name: string;
  /** The first `trade_seq` returned (inclusive). */
  readonly start_seq?: number;
  /** The last `trade_seq` returned (inclusive). */
  readonly end_seq?: number;
}

/** Result of the user-trades methods. */
export interface UserTradesResult {
  readonly trades: readonly UserTrade[];
  /** More trades matched than `count`. */
  readonly has_more: boolean;
}

/** Params shared by the order-history methods. */
interface OrderHistoryCommon {
  /** 1–1000, default 20. */
  readonly count?: number;
  /** Default 0. */
  readonly offset?: number;
  /** Include orders older than two days. */
  readonly include_old?: boolean;
  /** Include closed orders that never filled. */
  readonly include_unfilled?: boolean;
  readonly historical?: boolean;
}

/** Params of `private/get_order_history_by_currency`. */
export interface OrderHistoryByCurrencyParams extends OrderHistoryCommon {
  readonly currency: Currency | 'any';
  readonly kind?: InstrumentKindFilter;
  readonly subaccount_id?: number;
}

/** Params of `private/get_order_history_by_instrument`. */
export interface OrderHistoryByInstrumentParams extends OrderHistoryCommon {
  readonly instrument_name: string;
}

/** Params of `private/get_order_state_by_label`. */
export interface OrderStateByLabelParams {
  readonly currency: Currency;
  readonly label: string;
}

/** Result of the order-history methods (without `with_continuation`): closed orders, newest first. */
export type OrderHistoryResult = readonly Order[];
