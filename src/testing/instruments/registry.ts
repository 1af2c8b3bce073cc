/**
 * The emulator's instrument registry: which names exist, their metadata, the amount and price grid of each, and
 * the listing `public/get_instruments` serves.
 * @module
 */

import { DEFAULT_INSTRUMENTS, type EmulatedInstrument } from './catalog.js';
import { inCurrency } from './names.js';

/**
 * What a well-formed instrument name looks like: an upper-case base (or `BASE_QUOTE` pair), then `-`-separated
 * upper-case parts; strikes may carry Deribit's `d` decimal mark (`XRP_USDC-27JUN25-0d625-C`). Names that fail it
 * (`btc-perpetual`, `BTC PERPETUAL`) get `-32602` `wrong format`, as production answers; well-formed unknown names
 * get `10020`.
 */
const NAME_FORMAT = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)?(-[A-Z0-9]+(d[0-9]+)?(_[A-Z0-9]+)?)*$/;

/** `true` when `name` is shaped like a Deribit instrument name. */
export function wellFormedName(name: string): boolean {
  return NAME_FORMAT.test(name);
}

/** How many decimal places `value` has (at most 12; floats like 0.1 + 0.2 count as they print). */
export function decimalsOf(value: number): number {
  const text = String(value);
  const exponent = text.match(/e-(\d+)$/);
  if (exponent) return Number(exponent[1]) + (text.split('e')[0]?.split('.')[1]?.length ?? 0);
  return Math.min(12, text.split('.')[1]?.length ?? 0);
}

/** `true` when `value` is a whole multiple of `step` (within float error). */
export function onGrid(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-7;
}

/** The tick at `price`: the largest step whose `above_price` is at or below it, else `tick_size`. */
export function tickAt(instrument: EmulatedInstrument, price: number): number {
  let tick = instrument.tick_size;
  for (const step of instrument.tick_size_steps)
    if (Math.abs(price) >= step.above_price) tick = step.tick_size;
  return tick;
}

/**
 * The amount step: inverse futures (perpetuals, dated) trade in USD multiples of `contract_size`; options, linear
 * futures and spot in the base coin, multiples of `min_trade_amount` (Deribit's `min_trade_amount` docs).
 */
export function amountStep(instrument: EmulatedInstrument): number {
  return instrument.kind === 'future' && instrument.instrument_type === 'reversed'
    ? instrument.contract_size
    : instrument.min_trade_amount;
}

/** `true` for inverse instruments (amounts in USD, margin in the coin). */
export function isInverse(instrument: EmulatedInstrument): boolean {
  return instrument.instrument_type === 'reversed' && instrument.kind !== 'option';
}

/** The currency margin and fees of `instrument` are counted in (spot: its quote). */
export function marginCurrency(instrument: EmulatedInstrument): string {
  return instrument.settlement_currency ?? instrument.quote_currency;
}

/** Filter of {@link InstrumentRegistry.list}. */
export interface InstrumentQuery {
  /** `BTC`, `USDC`, … or `any`. */
  readonly currency: string;
  /** Only this kind. */
  readonly kind?: string | undefined;
  /** List inactive (expired) instruments instead of active ones. */
  readonly expired?: boolean | undefined;
}

/** The instruments of one emulator. */
export class InstrumentRegistry {
  readonly #byName = new Map<string, EmulatedInstrument>();

  /** @param instruments The initial catalog (default {@link DEFAULT_INSTRUMENTS}). */
  constructor(instruments: readonly EmulatedInstrument[] = DEFAULT_INSTRUMENTS) {
    for (const instrument of instruments) this.add(instrument);
  }

  /** Add or replace an instrument. */
  add(instrument: EmulatedInstrument): void {
    if (!wellFormedName(instrument.instrument_name)) {
      throw new Error(`not a Deribit instrument name: ${instrument.instrument_name}`);
    }
    this.#byName.set(instrument.instrument_name, Object.freeze({ ...instrument }));
  }

  /** The instrument called `name`, if listed. */
  get(name: string): EmulatedInstrument | undefined {
    return this.#byName.get(name);
  }

  /** Every listed instrument. */
  all(): IterableIterator<EmulatedInstrument> {
    return this.#byName.values();
  }

  /** The price indices of the listed instruments (`btc_usd`, …), sorted. */
  indices(): string[] {
    return [...new Set([...this.#byName.values()].map((instrument) => instrument.price_index))].sort();
  }

  /**
   * `public/get_instruments`: instruments listed under `currency` (a linear or spot pair is listed under its base
   * and its quote, as `currency: "USDC"` lists `BTC_USDC-PERPETUAL` on Deribit), of `kind`, active or expired.
   */
  list(query: InstrumentQuery): EmulatedInstrument[] {
    return [...this.#byName.values()].filter(
      (instrument) =>
        inCurrency(instrument.instrument_name, query.currency) &&
        (query.kind === undefined || instrument.kind === query.kind) &&
        instrument.is_active === !query.expired,
    );
  }
}
