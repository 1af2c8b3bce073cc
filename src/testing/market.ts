/**
 * Prices the emulator knows: index prices, mark prices (set by tests, else derived), the last trade of each
 * instrument and its trade sequence. The emulator prices nothing by itself: a future's mark is its index price
 * unless a test sets it, an option's mark is a fixed 0.05 of the coin unless a test sets it.
 * @module
 */

import type { EmulatedInstrument } from './instruments/catalog.js';
import type { EmulatedTrade } from './orders.js';

/** The BTC index price (and so BTC futures' mark price) unless a test sets one. */
export const DEFAULT_MARK_PRICE = 50_000;

/** Index prices unless a test sets them. */
const DEFAULT_INDEX_PRICES: Readonly<Record<string, number>> = {
  btc_usd: DEFAULT_MARK_PRICE,
  btc_usdc: DEFAULT_MARK_PRICE,
  eth_usd: 2_500,
  eth_usdc: 2_500,
};
/** An option's mark price, in the coin, unless a test sets one. */
const DEFAULT_OPTION_MARK = 0.05;

interface LastTrade {
  readonly price: number;
  readonly tickDirection: EmulatedTrade['tick_direction'];
  readonly seq: number;
}

/** What an instrument has traded (since the emulator started: there is no 24-hour window). */
export interface TradeStats {
  readonly volume: number;
  readonly high: number;
  readonly low: number;
  readonly first: number;
}

/** Index, mark and last prices of one emulator. */
export class MarketState {
  readonly #indexPrices = new Map<string, number>();
  readonly #markPrices = new Map<string, number>();
  readonly #last = new Map<string, LastTrade>();
  readonly #stats = new Map<string, TradeStats>();

  /** Set an index price (`btc_usd`, …). */
  setIndexPrice(index: string, price: number): void {
    this.#indexPrices.set(index, price);
  }

  /** Set the mark price of an instrument. */
  setMarkPrice(instrument: string, price: number): void {
    this.#markPrices.set(instrument, price);
  }

  /** The price of `index` (unknown indices: {@link DEFAULT_MARK_PRICE}). */
  indexPrice(index: string): number {
    return this.#indexPrices.get(index) ?? DEFAULT_INDEX_PRICES[index] ?? DEFAULT_MARK_PRICE;
  }

  /** The mark price of `instrument`. */
  markPrice(instrument: EmulatedInstrument): number {
    const set = this.#markPrices.get(instrument.instrument_name);
    if (set !== undefined) return set;
    return instrument.kind === 'option' ? DEFAULT_OPTION_MARK : this.indexPrice(instrument.price_index);
  }

  /** The last trade price of `instrument`, if it has traded. */
  lastPrice(instrument: string): number | undefined {
    return this.#last.get(instrument)?.price;
  }

  /** What `instrument` has traded, if anything. */
  stats(instrument: string): TradeStats | undefined {
    return this.#stats.get(instrument);
  }

  /** How many trades `instrument` has had. */
  tradeCount(instrument: string): number {
    return this.#last.get(instrument)?.seq ?? 0;
  }

  /**
   * Record a public trade at `price`: its `trade_seq` and `tick_direction` (0 plus tick, 1 zero-plus, 2 minus,
   * 3 zero-minus, against the previous trade).
   */
  trade(instrument: string, price: number, amount: number): LastTrade {
    const stats = this.#stats.get(instrument);
    this.#stats.set(instrument, {
      volume: (stats?.volume ?? 0) + amount,
      high: Math.max(stats?.high ?? price, price),
      low: Math.min(stats?.low ?? price, price),
      first: stats?.first ?? price,
    });
    const previous = this.#last.get(instrument);
    let tickDirection: EmulatedTrade['tick_direction'] = 0;
    if (previous) {
      if (price > previous.price) tickDirection = 0;
      else if (price < previous.price) tickDirection = 2;
      else tickDirection = previous.tickDirection === 2 || previous.tickDirection === 3 ? 3 : 1;
    }
    const last = { price, tickDirection, seq: (previous?.seq ?? 0) + 1 };
    this.#last.set(instrument, last);
    return last;
  }
}
