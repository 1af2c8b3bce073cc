/**
 * Positions built from the emulator's fills, in Deribit's field names (`private/get_positions`, `user.changes.*`).
 * Margins are computed by `funds.ts` from the mark price; profit and loss, funding and liquidation prices are not
 * modelled (0, or `null` for `estimated_liquidation_price`, which production also sends as `null`).
 * @module
 */

import type { EmulatedInstrument } from './instruments/catalog.js';
import type { InstrumentKind } from './instruments/names.js';
import { isInverse } from './instruments/registry.js';
import type { EmulatedTrade } from './orders.js';

/** A position as Deribit returns it (the fields the emulator models). */
export interface EmulatedPosition {
  instrument_name: string;
  kind: InstrumentKind;
  /** `buy` (long), `sell` (short) or `zero`. */
  direction: 'buy' | 'sell' | 'zero';
  /** Signed: positive long, negative short (USD for inverse futures, base currency otherwise). */
  size: number;
  average_price: number;
  mark_price: number;
  index_price: number;
  delta: number;
  initial_margin: number;
  maintenance_margin: number;
  open_orders_margin: number;
  settlement_price: number;
  floating_profit_loss: number;
  realized_profit_loss: number;
  total_profit_loss: number;
  /** Futures only: size in the base currency. */
  size_currency?: number;
  /** Futures only. */
  leverage?: number;
  /** Perpetuals only. */
  interest_value?: number;
  /** Perpetuals only. */
  realized_funding?: number;
  /** Futures only; `null` when there is no liquidation price (flat, or not modelled). */
  estimated_liquidation_price?: number | null;
}

/** Positions of every subject. */
export class PositionBook {
  readonly #positions = new Map<number, Map<string, EmulatedPosition>>();

  /** The signed size of `subjectId` on `instrument` (0 when it has none). */
  size(subjectId: number, instrument: string): number {
    return this.#positions.get(subjectId)?.get(instrument)?.size ?? 0;
  }

  /** Apply a fill of `subjectId` (spot fills make no position: they move balances); returns the position. */
  apply(
    subjectId: number,
    trade: EmulatedTrade,
    instrument: EmulatedInstrument,
  ): EmulatedPosition | undefined {
    if (instrument.kind === 'spot') return undefined;
    let own = this.#positions.get(subjectId);
    if (!own) {
      own = new Map();
      this.#positions.set(subjectId, own);
    }
    const name = trade.instrument_name;
    const position = own.get(name) ?? PositionBook.#empty(instrument);
    own.set(name, position);
    const signed = trade.direction === 'buy' ? trade.amount : -trade.amount;
    const size = position.size + signed;
    if (Math.abs(size) < 1e-12) position.average_price = 0;
    else if (Math.sign(size) !== Math.sign(position.size)) position.average_price = trade.price;
    else if (Math.abs(size) > Math.abs(position.size)) {
      position.average_price =
        (position.average_price * Math.abs(position.size) + trade.price * trade.amount) / Math.abs(size);
    }
    position.size = Math.abs(size) < 1e-12 ? 0 : size;
    position.direction = position.size > 0 ? 'buy' : position.size < 0 ? 'sell' : 'zero';
    return position;
  }

  /** Refresh the price-derived fields of `position` at `mark` and `index`. */
  static reprice(
    position: EmulatedPosition,
    instrument: EmulatedInstrument,
    mark: number,
    index: number,
  ): void {
    position.mark_price = mark;
    position.index_price = index;
    const baseSize = isInverse(instrument) ? position.size / mark : position.size;
    position.delta = baseSize;
    if (instrument.kind === 'future') position.size_currency = baseSize;
  }

  static #empty(instrument: EmulatedInstrument): EmulatedPosition {
    const position: EmulatedPosition = {
      instrument_name: instrument.instrument_name,
      kind: instrument.kind,
      direction: 'zero',
      size: 0,
      average_price: 0,
      mark_price: 0,
      index_price: 0,
      delta: 0,
      initial_margin: 0,
      maintenance_margin: 0,
      open_orders_margin: 0,
      settlement_price: 0,
      floating_profit_loss: 0,
      realized_profit_loss: 0,
      total_profit_loss: 0,
    };
    if (instrument.kind === 'future') {
      position.leverage = instrument.max_leverage ?? 50;
      position.estimated_liquidation_price = null;
      if (instrument.settlement_period === 'perpetual') {
        position.interest_value = 0;
        position.realized_funding = 0;
      }
    }
    return position;
  }

  /** Positions of `subjectId` (every instrument it has traded) that pass `filter`. */
  list(subjectId: number, filter: (position: EmulatedPosition) => boolean): EmulatedPosition[] {
    return [...(this.#positions.get(subjectId)?.values() ?? [])].filter(filter);
  }
}
