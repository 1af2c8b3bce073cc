/**
 * Positions built from the emulator's fills, in Deribit's field names (`private/get_positions`,
 * `user.changes.*`). The emulator does not price anything: margins and profit/loss are 0, and mark and
 * index price are the last fill price.
 * @module
 */

import { type InstrumentKind, kindOf } from './instruments.js';
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
}

/** Positions of every subject. */
export class PositionBook {
  readonly #positions = new Map<number, Map<string, EmulatedPosition>>();

  /** Apply a fill of `subjectId`; returns the updated position. */
  apply(subjectId: number, trade: EmulatedTrade): EmulatedPosition {
    let own = this.#positions.get(subjectId);
    if (!own) {
      own = new Map();
      this.#positions.set(subjectId, own);
    }
    const instrument = trade.instrument_name;
    const position = own.get(instrument) ?? PositionBook.#empty(instrument);
    own.set(instrument, position);
    const signed = trade.direction === 'buy' ? trade.amount : -trade.amount;
    const size = position.size + signed;
    if (size === 0) position.average_price = 0;
    else if (Math.sign(size) !== Math.sign(position.size)) position.average_price = trade.price;
    else if (Math.abs(size) > Math.abs(position.size)) {
      position.average_price =
        (position.average_price * Math.abs(position.size) + trade.price * trade.amount) / Math.abs(size);
    }
    position.size = size;
    position.direction = size > 0 ? 'buy' : size < 0 ? 'sell' : 'zero';
    position.mark_price = trade.price;
    position.index_price = trade.price;
    // Inverse futures (BTC-PERPETUAL) count in USD; linear ones (BTC_USDC-PERPETUAL) in the base currency.
    const inverse = position.kind === 'future' && !instrument.includes('_');
    const baseSize = inverse ? size / trade.price : size;
    position.delta = baseSize;
    if (position.kind === 'future') position.size_currency = baseSize;
    return position;
  }

  static #empty(instrument: string): EmulatedPosition {
    return {
      instrument_name: instrument,
      kind: kindOf(instrument),
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
  }

  /** Positions of `subjectId` (every instrument it has traded) that pass `filter`. */
  list(subjectId: number, filter: (position: EmulatedPosition) => boolean): EmulatedPosition[] {
    return [...(this.#positions.get(subjectId)?.values() ?? [])].filter(filter);
  }
}
