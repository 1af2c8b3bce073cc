/**
 * The instruments the emulator lists by default, in `public/get_instrument`'s shape.
 *
 * Metadata per kind are Deribit's, as production returns them: BTC-PERPETUAL and a dated BTC future (docs.deribit.com
 * `public/get_instruments` example and NautilusTrader's recorded `http_get_instruments.json`), BTC options (a 2025
 * production `public/get_instrument` capture of `BTC-26JUN26-100000-C`: tick 0.0001, 0.0005 above 0.005, minimum
 * 0.1), BTC_USDC-PERPETUAL (the same 2025 capture: contract 0.001, tick 1), BTC_USDC spot (tick 0.01 and minimum
 * 0.0001, as 2026 production books and instrument lists show). ETH-PERPETUAL (contract 1, tick 0.05, minimum 1) is
 * from Deribit's contract specifications. The dated instruments expire on 25 June 2027; their `instrument_id`s, and
 * those of ETH-PERPETUAL and BTC_USDC, are the emulator's (a fixed catalog cannot follow Deribit's listings), and the
 * emulator never expires anything: add an instrument with `is_active: false` to test an expired one.
 * @module
 */

import type { InstrumentKind } from './names.js';

/** One step of an option's tick size: prices at or above `above_price` move by `tick_size`. */
export interface TickSizeStep {
  readonly above_price: number;
  readonly tick_size: number;
}

/** An instrument, with Deribit's field names (`public/get_instrument`). */
export interface EmulatedInstrument {
  readonly instrument_name: string;
  readonly instrument_id: number;
  readonly kind: InstrumentKind;
  /** `reversed` (inverse: amounts in USD, settled in the coin) or `linear`. */
  readonly instrument_type: 'reversed' | 'linear';
  /** Futures only. */
  readonly future_type?: 'reversed' | 'linear';
  /** Options only. */
  readonly option_type?: 'call' | 'put';
  /** Options only. */
  readonly strike?: number;
  readonly base_currency: string;
  readonly quote_currency: string;
  readonly counter_currency: string;
  /** Not listed for spot. */
  readonly settlement_currency?: string;
  /** Not listed for spot. */
  readonly settlement_period?: 'perpetual' | 'month' | 'week' | 'day';
  readonly price_index: string;
  readonly contract_size: number;
  readonly min_trade_amount: number;
  readonly tick_size: number;
  readonly tick_size_steps: readonly TickSizeStep[];
  readonly maker_commission: number;
  readonly taker_commission: number;
  /** Futures only. */
  readonly max_leverage?: number;
  /** Futures only. */
  readonly max_liquidation_commission?: number;
  readonly block_trade_commission: number;
  readonly block_trade_min_trade_amount: number;
  readonly block_trade_tick_size: number;
  readonly rfq: boolean;
  readonly is_active: boolean;
  readonly creation_timestamp: number;
  /** Perpetuals and spot: 32503708800000 (year 3000), as Deribit lists them. */
  readonly expiration_timestamp: number;
}

/** Deribit's expiration timestamp for instruments that never expire. */
export const NEVER_EXPIRES = 32_503_708_800_000;
/** 25 June 2027, 08:00 UTC: the expiry of the catalog's dated instruments. */
const JUN27 = 1_813_910_400_000;

const BTC_FUTURE = {
  kind: 'future',
  instrument_type: 'reversed',
  future_type: 'reversed',
  base_currency: 'BTC',
  quote_currency: 'USD',
  counter_currency: 'USD',
  settlement_currency: 'BTC',
  price_index: 'btc_usd',
  contract_size: 10,
  min_trade_amount: 10,
  tick_size: 0.5,
  tick_size_steps: [],
  maker_commission: 0,
  taker_commission: 0.0005,
  max_leverage: 50,
  max_liquidation_commission: 0.0075,
  block_trade_commission: 0.00025,
  block_trade_min_trade_amount: 200_000,
  block_trade_tick_size: 0.01,
  rfq: false,
  is_active: true,
} as const;

function btcOption(strike: number, type: 'call' | 'put', id: number): EmulatedInstrument {
  return {
    instrument_name: `BTC-25JUN27-${strike}-${type === 'call' ? 'C' : 'P'}`,
    instrument_id: id,
    kind: 'option',
    instrument_type: 'reversed',
    option_type: type,
    strike,
    base_currency: 'BTC',
    quote_currency: 'BTC',
    counter_currency: 'USD',
    settlement_currency: 'BTC',
    settlement_period: 'month',
    price_index: 'btc_usd',
    contract_size: 1,
    min_trade_amount: 0.1,
    tick_size: 0.0001,
    tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
    maker_commission: 0.0003,
    taker_commission: 0.0003,
    block_trade_commission: 0.0003,
    block_trade_min_trade_amount: 25,
    block_trade_tick_size: 0.0001,
    rfq: false,
    is_active: true,
    creation_timestamp: 1_782_460_800_000,
    expiration_timestamp: JUN27,
  };
}

/** The default catalog: what a market maker on BTC and ETH trades. */
export const DEFAULT_INSTRUMENTS: readonly EmulatedInstrument[] = [
  {
    ...BTC_FUTURE,
    instrument_name: 'BTC-PERPETUAL',
    instrument_id: 124_972,
    settlement_period: 'perpetual',
    creation_timestamp: 1_534_167_754_000,
    expiration_timestamp: NEVER_EXPIRES,
  },
  {
    ...BTC_FUTURE,
    instrument_name: 'BTC-25JUN27',
    instrument_id: 900_001,
    settlement_period: 'month',
    creation_timestamp: 1_782_460_800_000,
    expiration_timestamp: JUN27,
  },
  {
    ...BTC_FUTURE,
    instrument_name: 'ETH-PERPETUAL',
    instrument_id: 124_754,
    base_currency: 'ETH',
    settlement_currency: 'ETH',
    price_index: 'eth_usd',
    contract_size: 1,
    min_trade_amount: 1,
    tick_size: 0.05,
    settlement_period: 'perpetual',
    block_trade_tick_size: 0.01,
    creation_timestamp: 1_534_167_754_000,
    expiration_timestamp: NEVER_EXPIRES,
  },
  btcOption(100_000, 'call', 900_101),
  btcOption(100_000, 'put', 900_102),
  btcOption(120_000, 'call', 900_103),
  {
    instrument_name: 'BTC_USDC-PERPETUAL',
    instrument_id: 211_704,
    kind: 'future',
    instrument_type: 'linear',
    future_type: 'linear',
    base_currency: 'BTC',
    quote_currency: 'USDC',
    counter_currency: 'USDC',
    settlement_currency: 'USDC',
    settlement_period: 'perpetual',
    price_index: 'btc_usdc',
    contract_size: 0.001,
    min_trade_amount: 0.001,
    tick_size: 1,
    tick_size_steps: [],
    maker_commission: 0,
    taker_commission: 0.0005,
    max_leverage: 50,
    max_liquidation_commission: 0.0075,
    block_trade_commission: 0.0001,
    block_trade_min_trade_amount: 200_000,
    block_trade_tick_size: 1,
    rfq: false,
    is_active: true,
    creation_timestamp: 1_646_824_342_000,
    expiration_timestamp: NEVER_EXPIRES,
  },
  {
    instrument_name: 'BTC_USDC',
    instrument_id: 900_201,
    kind: 'spot',
    instrument_type: 'linear',
    base_currency: 'BTC',
    quote_currency: 'USDC',
    counter_currency: 'USDC',
    price_index: 'btc_usdc',
    contract_size: 0.0001,
    min_trade_amount: 0.0001,
    tick_size: 0.01,
    tick_size_steps: [],
    maker_commission: 0,
    taker_commission: 0,
    block_trade_commission: 0,
    block_trade_min_trade_amount: 10,
    block_trade_tick_size: 0.01,
    rfq: false,
    is_active: true,
    creation_timestamp: 1_679_000_000_000,
    expiration_timestamp: NEVER_EXPIRES,
  },
];
