/**
 * Market data built from the emulator's own state: the book is the resting orders, prices come from
 * `market.ts`, statistics from the trades since the emulator started. Shapes are production's
 * (`public/ticker`, `public/get_order_book`, `public/get_book_summary_by_currency`, NautilusTrader's recordings):
 * `stats.volume/high/low` are `null` before the first trade, and an inactive (expired) instrument reports
 * `state: "closed"` and `estimated_delivery_price: "expired"`.
 * @module
 */

import type { EmulatorCore } from './core.js';
import type { EmulatedInstrument } from './instruments/catalog.js';
import { decimalsOf, tickAt } from './instruments/registry.js';

/** How far from the mark price orders may be priced (`min_price`, `max_price`): the emulator's choice. */
const PRICE_BAND = 0.025;

/** A ticker's 24-hour statistics. */
export interface EmulatedTickerStats {
  readonly volume: number | null;
  readonly volume_usd: number | null;
  readonly volume_notional: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly price_change: number | null;
}

/** `public/ticker`'s result. */
export interface EmulatedTicker {
  readonly instrument_name: string;
  readonly timestamp: number;
  readonly state: 'open' | 'closed';
  readonly stats: EmulatedTickerStats;
  readonly open_interest: number;
  readonly best_bid_price: number | null;
  readonly best_bid_amount: number;
  readonly best_ask_price: number | null;
  readonly best_ask_amount: number;
  readonly index_price: number;
  readonly mark_price: number;
  readonly last_price: number | null;
  readonly min_price: number;
  readonly max_price: number;
  readonly estimated_delivery_price: number | 'expired';
  readonly settlement_price?: number;
  readonly current_funding?: number;
  readonly funding_8h?: number;
  readonly interest_value?: number;
  readonly underlying_price?: number;
  readonly underlying_index?: string;
  readonly interest_rate?: number;
  readonly mark_iv?: number;
  readonly bid_iv?: number;
  readonly ask_iv?: number;
  readonly greeks?: { delta: number; gamma: number; rho: number; theta: number; vega: number };
}

/** `public/get_order_book`'s result: a ticker plus the levels. */
export interface EmulatedOrderBook extends EmulatedTicker {
  readonly change_id: number;
  readonly bids: ReadonlyArray<readonly [number, number]>;
  readonly asks: ReadonlyArray<readonly [number, number]>;
}

function levels(core: EmulatorCore, instrument: string, side: 'buy' | 'sell'): Array<[number, number]> {
  const byPrice = new Map<number, number>();
  for (const stored of core.orders.resting(instrument)) {
    const { order } = stored;
    if (order.direction !== side || typeof order.price !== 'number') continue;
    byPrice.set(order.price, (byPrice.get(order.price) ?? 0) + order.amount - order.filled_amount);
  }
  return [...byPrice.entries()].sort((a, b) => (side === 'buy' ? b[0] - a[0] : a[0] - b[0]));
}

function roundToTick(instrument: EmulatedInstrument, price: number): number {
  const tick = tickAt(instrument, price);
  return Number((Math.round(price / tick) * tick).toFixed(decimalsOf(tick)));
}

/** The ticker of `instrument` now. */
export function tickerOf(core: EmulatorCore, instrument: EmulatedInstrument): EmulatedTicker {
  const name = instrument.instrument_name;
  const mark = core.market.markPrice(instrument);
  const index = core.market.indexPrice(instrument.price_index);
  const stats = core.market.stats(name);
  const [bid] = levels(core, name, 'buy');
  const [ask] = levels(core, name, 'sell');
  const closed = !instrument.is_active;
  const ticker: EmulatedTicker = {
    instrument_name: name,
    timestamp: core.now(),
    state: closed ? 'closed' : 'open',
    stats: {
      volume: stats ? stats.volume : null,
      volume_usd: stats ? stats.volume * (instrument.kind === 'option' ? index : 1) : null,
      volume_notional: stats ? stats.volume : null,
      high: stats ? stats.high : null,
      low: stats ? stats.low : null,
      price_change: stats ? ((core.market.lastPrice(name) ?? stats.first) / stats.first - 1) * 100 : null,
    },
    open_interest: 0,
    best_bid_price: bid ? bid[0] : null,
    best_bid_amount: bid ? bid[1] : 0,
    best_ask_price: ask ? ask[0] : null,
    best_ask_amount: ask ? ask[1] : 0,
    index_price: index,
    mark_price: mark,
    last_price: core.market.lastPrice(name) ?? null,
    min_price: roundToTick(instrument, mark * (1 - PRICE_BAND)),
    max_price: roundToTick(instrument, mark * (1 + PRICE_BAND)),
    estimated_delivery_price: closed ? 'expired' : index,
  };
  if (instrument.kind === 'future') {
    const perpetual = instrument.settlement_period === 'perpetual';
    return {
      ...ticker,
      settlement_price: mark,
      ...(perpetual ? { current_funding: 0, funding_8h: 0, interest_value: 0 } : {}),
    };
  }
  if (instrument.kind === 'option') {
    return {
      ...ticker,
      underlying_price: index,
      underlying_index: 'index_price',
      interest_rate: 0,
      mark_iv: 50,
      bid_iv: 0,
      ask_iv: 0,
      greeks: { delta: 0, gamma: 0, rho: 0, theta: 0, vega: 0 },
    };
  }
  return ticker;
}

/** The book of `instrument`, `depth` levels a side. */
export function orderBookOf(
  core: EmulatorCore,
  instrument: EmulatedInstrument,
  depth: number,
): EmulatedOrderBook {
  const name = instrument.instrument_name;
  return {
    ...tickerOf(core, instrument),
    change_id: core.orders.version,
    bids: levels(core, name, 'buy').slice(0, depth),
    asks: levels(core, name, 'sell').slice(0, depth),
  };
}

/** One row of `public/get_book_summary_by_currency`. */
export interface EmulatedBookSummary {
  readonly instrument_name: string;
  readonly base_currency: string;
  readonly quote_currency: string;
  readonly creation_timestamp: number;
  readonly volume: number;
  readonly volume_usd: number;
  readonly volume_notional: number;
  readonly open_interest: number;
  readonly high: number | null;
  readonly low: number | null;
  readonly price_change: number | null;
  readonly last: number | null;
  readonly bid_price: number | null;
  readonly ask_price: number | null;
  readonly mid_price: number | null;
  readonly mark_price: number;
  readonly estimated_delivery_price: number;
  readonly underlying_price?: number;
  readonly underlying_index?: string;
  readonly mark_iv?: number;
  readonly interest_rate?: number;
  readonly current_funding?: number;
  readonly funding_8h?: number;
}

/** The book summary row of `instrument`. */
export function bookSummaryOf(core: EmulatorCore, instrument: EmulatedInstrument): EmulatedBookSummary {
  const ticker = tickerOf(core, instrument);
  const bid = ticker.best_bid_price;
  const ask = ticker.best_ask_price;
  const row: EmulatedBookSummary = {
    instrument_name: instrument.instrument_name,
    base_currency: instrument.base_currency,
    quote_currency: instrument.quote_currency,
    creation_timestamp: instrument.creation_timestamp,
    volume: ticker.stats.volume ?? 0,
    volume_usd: ticker.stats.volume_usd ?? 0,
    volume_notional: ticker.stats.volume_notional ?? 0,
    open_interest: 0,
    high: ticker.stats.high,
    low: ticker.stats.low,
    price_change: ticker.stats.price_change,
    last: ticker.last_price,
    bid_price: bid,
    ask_price: ask,
    mid_price: bid !== null && ask !== null ? (bid + ask) / 2 : null,
    mark_price: ticker.mark_price,
    estimated_delivery_price: ticker.index_price,
  };
  if (instrument.kind === 'option') {
    return {
      ...row,
      underlying_price: ticker.index_price,
      underlying_index: 'index_price',
      mark_iv: 50,
      interest_rate: 0,
    };
  }
  if (instrument.settlement_period === 'perpetual') return { ...row, current_funding: 0, funding_8h: 0 };
  return row;
}
