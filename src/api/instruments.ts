/**
 * Instruments as Deribit API v2 documents and production returns them (`public/get_instrument`,
 * `public/get_instruments`).
 * @module
 */
import type { Currency, InstrumentKind } from './orders.js';

/** One step of an option's tick size: prices at or above `above_price` move by `tick_size`. */
export interface TickSizeStep {
  readonly above_price: number;
  readonly tick_size: number;
}

/** An instrument. */
export interface Instrument {
  readonly instrument_name: string;
  readonly instrument_id: number;
  readonly kind: InstrumentKind;
  /** `reversed` (inverse: amounts in USD, settled in the coin) or `linear`. */
  readonly instrument_type?: 'reversed' | 'linear';
  /** Futures only. */
  readonly future_type?: 'reversed' | 'linear';
  /** Options only. */
  readonly option_type?: 'call' | 'put';
  /** Options only. */
  readonly strike?: number;
  readonly base_currency: string;
  readonly quote_currency: string;
  readonly counter_currency?: string;
  /** Not present for spot. */
  readonly settlement_currency?: string;
  /** Not present for spot. */
  readonly settlement_period?: 'perpetual' | 'month' | 'week' | 'day';
  readonly price_index: string;
  /** Perpetuals and inverse futures: USD per contract; options and linear instruments: the coin per contract. */
  readonly contract_size: number;
  /** Perpetuals and inverse futures: USD; options and linear instruments: the base coin. */
  readonly min_trade_amount: number;
  readonly tick_size: number;
  /** Options: larger ticks above a price level. */
  readonly tick_size_steps: readonly TickSizeStep[];
  readonly maker_commission: number;
  readonly taker_commission: number;
  /** Futures only. */
  readonly max_leverage?: number;
  /** Futures only. */
  readonly max_liquidation_commission?: number;
  readonly block_trade_commission?: number;
  readonly block_trade_min_trade_amount?: number;
  readonly block_trade_tick_size?: number;
  readonly rfq?: boolean;
  readonly is_active: boolean;
  /** ms since the Unix epoch. */
  readonly creation_timestamp: number;
  /** ms since the Unix epoch; 32503708800000 (year 3000) for instruments that never expire. */
  readonly expiration_timestamp: number;
}

/** Params of `public/get_instruments`. */
export interface InstrumentsParams {
  readonly currency: Currency | 'any';
  readonly kind?: InstrumentKind;
  /** List recently expired instruments instead of active ones. */
  readonly expired?: boolean;
}
