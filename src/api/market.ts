/**
 * Market data notifications as Deribit API v2 documents them (docs.deribit.com subscriptions:
 * `ticker.{instrument_name}.{interval}`, `book.…`, `trades.…`).
 * @module
 */
import type { Direction } from './orders.js';

/** State of an instrument's order book. */
export type BookState =
  | 'open'
  | 'closed'
  | 'settlement'
  | 'delivered'
  | 'inactive'
  | 'locked'
  | 'halted'
  | 'archivized';

/** 24-hour statistics of a ticker. Production sends `null` for `volume`, `high` and `low` without trades. */
export interface TickerStats {
  /** In the base currency; `null` when there were no trades. */
  readonly volume: number | null;
  /** Futures only. */
  readonly volume_usd?: number | null;
  /** Volume in the quote currency (USD for inverse instruments). */
  readonly volume_notional?: number | null;
  /** `null` when there were no trades. */
  readonly high: number | null;
  /** `null` when there were no trades. */
  readonly low: number | null;
  /** Percent; `null` when there were no trades. */
  readonly price_change?: number | null;
}

/** Options only: Black-Scholes greeks. */
export interface Greeks {
  readonly delta: number;
  readonly gamma: number;
  readonly rho: number;
  readonly theta: number;
  readonly vega: number;
}

/** Data of `ticker.{instrument_name}.{interval}` notifications. */
export interface Ticker {
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly state: BookState;
  readonly stats: TickerStats;
  readonly open_interest: number;
  /** `null` when there are no bids. */
  readonly best_bid_price: number | null;
  readonly best_bid_amount: number;
  /** `null` when there are no asks. */
  readonly best_ask_price: number | null;
  readonly best_ask_amount: number;
  readonly index_price: number;
  readonly mark_price: number;
  /** `null` before the first trade. */
  readonly last_price: number | null;
  /** Lowest price an order may have now. */
  readonly min_price: number;
  /** Highest price an order may have now. */
  readonly max_price: number;
  /** `"expired"` once an option has expired (its ticker's `state` is then `"closed"`). */
  readonly estimated_delivery_price: number | 'expired';
  /** Not present for spot; only while the book is open. */
  readonly settlement_price?: number;
  /** Only once the instrument is closed. */
  readonly delivery_price?: number;
  /** Options only. */
  readonly underlying_price?: number;
  /** Options only: the underlying future's name, or `index_price`. */
  readonly underlying_index?: string;
  /** Options only. */
  readonly interest_rate?: number;
  /** Options only. */
  readonly bid_iv?: number;
  /** Options only. */
  readonly ask_iv?: number;
  /** Options only. */
  readonly mark_iv?: number;
  /** Options only. */
  readonly greeks?: Greeks;
  /** Perpetuals only. */
  readonly current_funding?: number;
  /** Perpetuals only. */
  readonly funding_8h?: number;
  /** Perpetuals only. */
  readonly interest_value?: number;
}

/** One change of a price level in `book.{instrument_name}.{interval}`: action, price, new amount. */
export type BookLevelChange = readonly [action: 'new' | 'change' | 'delete', price: number, amount: number];

/**
 * Data of `book.{instrument_name}.{interval}` notifications: a snapshot of every level first, then changes.
 * A `prev_change_id` that differs from the previous `change_id` means notifications were missed.
 */
export interface BookChange {
  readonly type: 'snapshot' | 'change';
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly change_id: number;
  /** Absent on the first notification. */
  readonly prev_change_id?: number;
  readonly bids: readonly BookLevelChange[];
  readonly asks: readonly BookLevelChange[];
}

/** One level of an aggregated book: price and total amount. */
export type BookLevel = readonly [price: number, amount: number];

/** Data of `book.{instrument_name}.{group}.{depth}.{interval}` notifications: the top of the book. */
export interface GroupedBook {
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly change_id: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** A public trade, as `trades.*` notifications carry them. */
export interface PublicTrade {
  readonly trade_id: string;
  readonly trade_seq: number;
  readonly instrument_name: string;
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  /** Direction of the taker. */
  readonly direction: Direction;
  /** 0 plus tick, 1 zero-plus tick, 2 minus tick, 3 zero-minus tick. */
  readonly tick_direction: 0 | 1 | 2 | 3;
  readonly price: number;
  readonly amount: number;
  readonly contracts?: number;
  readonly index_price: number;
  readonly mark_price: number;
  /** Options only. */
  readonly iv?: number;
  /** Trades caused by a liquidation: which side was liquidated. */
  readonly liquidation?: 'M' | 'T' | 'MT';
  readonly block_trade_id?: string;
  readonly block_trade_leg_count?: number;
  readonly combo_id?: string;
  readonly combo_trade_id?: number;
  readonly block_rfq_id?: number;
}

/** Result of `public/get_order_book`: the ticker's fields, the book's `change_id` and its levels, best first. */
export interface OrderBook extends Ticker {
  readonly change_id: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** Params of `public/get_order_book`. */
export interface OrderBookParams {
  readonly instrument_name: string;
  /** Levels per side. */
  readonly depth?: 1 | 5 | 10 | 20 | 50 | 100 | 1000 | 10000;
}

/** Result of `public/get_index_price`. */
export interface IndexPrice {
  readonly index_price: number;
  readonly estimated_delivery_price: number;
}

/** One row of `public/get_book_summary_by_currency`. */
export interface BookSummary {
  readonly instrument_name: string;
  readonly base_currency: string;
  readonly quote_currency: string;
  /** ms since the Unix epoch. */
  readonly creation_timestamp: number;
  readonly volume: number;
  readonly volume_usd?: number;
  readonly volume_notional?: number;
  readonly open_interest: number;
  readonly high: number | null;
  readonly low: number | null;
  readonly price_change: number | null;
  readonly last: number | null;
  readonly bid_price: number | null;
  readonly ask_price: number | null;
  readonly mid_price: number | null;
  readonly mark_price: number;
  readonly estimated_delivery_price?: number;
  /** Options only. */
  readonly underlying_price?: number;
  /** Options only. */
  readonly underlying_index?: string;
  /** Options only. */
  readonly mark_iv?: number;
  /** Options only. */
  readonly interest_rate?: number;
  /** Perpetuals only. */
  readonly current_funding?: number;
  /** Perpetuals only. */
  readonly funding_8h?: number;
}

/** Result of `public/status`. */
export interface PlatformStatus {
  /** `"true"` when every index is locked, `"partial"` when some are (older deployments send a boolean). */
  readonly locked: 'true' | 'false' | 'partial' | boolean;
  readonly locked_indices?: readonly string[];
}

/** Data of `platform_state` notifications: a coming maintenance, or an index that locked or unlocked. */
export type PlatformStateData =
  | { readonly maintenance: boolean }
  | { readonly price_index: string; readonly locked: boolean };
