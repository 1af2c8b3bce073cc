/**
 * A simple per-account money model: a balance per subject and currency, and the initial margin positions and open
 * orders hold, so an order the account cannot pay for is refused with `10009 not_enough_funds`.
 *
 * The model (the emulator's, simpler than Deribit's risk engine, which it does not publish in full):
 * - futures hold `1 / max_leverage` of their notional at the mark price (2% at 50x); maintenance is half of it;
 * - a bought option costs its premium (amount × price, in the coin); a sold option holds `0.15 + mark` per unit;
 * - spot holds what it spends: the quote for a buy, the base for a sell;
 * - only what an order adds to a position needs margin (a reducing order needs none);
 * - option and spot fills move balances; futures fills do not (no profit and loss, fees or funding are modelled).
 * @module
 */

import type { EmulatedInstrument } from './instruments/catalog.js';
import type { InstrumentRegistry } from './instruments/registry.js';
import { isInverse, marginCurrency } from './instruments/registry.js';
import type { MarketState } from './market.js';
import type { EmulatedTrade, OrderBook } from './orders.js';
import { type EmulatedPosition, PositionBook } from './positions.js';

/** What every subject starts with unless `balances` or `setBalance()` says otherwise. */
export const DEFAULT_BALANCES: Readonly<Record<string, number>> = {
  BTC: 100,
  ETH: 1_000,
  USDC: 5_000_000,
  USDT: 5_000_000,
};

/** What short options hold per unit on top of their mark price, in the coin. */
const SHORT_OPTION_MARGIN = 0.15;

/** Balances by subject and currency. */
export class Balances {
  readonly #defaults: Readonly<Record<string, number>>;
  readonly #balances = new Map<string, number>();

  /** @param defaults What each subject starts with, by currency (unlisted currencies start at 0). */
  constructor(defaults: Readonly<Record<string, number>> = DEFAULT_BALANCES) {
    this.#defaults = defaults;
  }

  /** The balance of `subjectId` in `currency`. */
  get(subjectId: number, currency: string): number {
    return this.#balances.get(`${subjectId}:${currency}`) ?? this.#defaults[currency] ?? 0;
  }

  /** Set the balance of `subjectId` in `currency`. */
  set(subjectId: number, currency: string, amount: number): void {
    this.#balances.set(`${subjectId}:${currency}`, amount);
  }

  /** Add `delta` (may be negative). */
  adjust(subjectId: number, currency: string, delta: number): void {
    this.set(subjectId, currency, this.get(subjectId, currency) + delta);
  }
}

/** The state `funds.ts` reads. */
export interface FundsView {
  readonly instruments: InstrumentRegistry;
  readonly orders: OrderBook;
  readonly positions: PositionBook;
  readonly market: MarketState;
  readonly balances: Balances;
}

/** Margin of a position of signed `size` at `mark`, in the instrument's margin currency. */
function positionMargin(instrument: EmulatedInstrument, size: number, mark: number): number {
  const units = Math.abs(size);
  if (instrument.kind === 'option') return size < 0 ? units * (SHORT_OPTION_MARGIN + mark) : 0;
  if (instrument.kind === 'spot') return 0;
  const notional = isInverse(instrument) ? units / mark : units * mark;
  return notional / (instrument.max_leverage ?? 50);
}

/** What one order (its unfilled `amount`) holds: in the margin currency, or for a spot sell, in the base. */
export function orderMargin(
  view: FundsView,
  subjectId: number,
  instrument: EmulatedInstrument,
  direction: 'buy' | 'sell',
  amount: number,
  price: number | undefined,
): { readonly currency: string; readonly amount: number } {
  const mark = view.market.markPrice(instrument);
  const currency = marginCurrency(instrument);
  if (instrument.kind === 'spot') {
    return direction === 'buy'
      ? { currency, amount: amount * (price ?? mark) }
      : { currency: instrument.base_currency, amount };
  }
  if (instrument.kind === 'option' && direction === 'buy')
    return { currency, amount: amount * (price ?? mark) };
  const size = view.positions.size(subjectId, instrument.instrument_name);
  const after = size + (direction === 'buy' ? amount : -amount);
  const added = positionMargin(instrument, after, mark) - positionMargin(instrument, size, mark);
  return { currency, amount: Math.max(0, added) };
}

/** Margins of `subjectId` in `currency`: positions, open orders, and what is left. */
export interface MarginState {
  readonly balance: number;
  readonly positionsMargin: number;
  readonly maintenanceMargin: number;
  readonly openOrdersMargin: number;
  readonly availableFunds: number;
}

/** The margin state of `subjectId` in `currency`. */
export function marginState(view: FundsView, subjectId: number, currency: string): MarginState {
  let positionsMargin = 0;
  for (const position of view.positions.list(subjectId, () => true)) {
    const instrument = view.instruments.get(position.instrument_name);
    if (!instrument || marginCurrency(instrument) !== currency) continue;
    positionsMargin += positionMargin(instrument, position.size, view.market.markPrice(instrument));
  }
  let openOrdersMargin = 0;
  for (const order of view.orders.list(subjectId, () => true)) {
    const instrument = view.instruments.get(order.instrument_name);
    if (!instrument) continue;
    const price = typeof order.price === 'number' ? order.price : undefined;
    const held = orderMargin(
      view,
      subjectId,
      instrument,
      order.direction,
      order.amount - order.filled_amount,
      price,
    );
    if (held.currency === currency) openOrdersMargin += held.amount;
  }
  const balance = view.balances.get(subjectId, currency);
  return {
    balance,
    positionsMargin,
    maintenanceMargin: positionsMargin / 2,
    openOrdersMargin,
    availableFunds: balance - positionsMargin - openOrdersMargin,
  };
}

/** `true` when `subjectId` can hold `margin` more in `currency`. */
export function canAfford(view: FundsView, subjectId: number, currency: string, margin: number): boolean {
  return margin <= 1e-12 || marginState(view, subjectId, currency).availableFunds >= margin - 1e-12;
}

/** Move balances for a fill: options pay their premium, spot swaps base and quote. Returns the currencies moved. */
export function settleFill(
  view: FundsView,
  subjectId: number,
  instrument: EmulatedInstrument,
  trade: EmulatedTrade,
): string[] {
  const sign = trade.direction === 'buy' ? 1 : -1;
  if (instrument.kind === 'option') {
    view.balances.adjust(subjectId, marginCurrency(instrument), -sign * trade.amount * trade.price);
    return [marginCurrency(instrument)];
  }
  if (instrument.kind === 'spot') {
    view.balances.adjust(subjectId, instrument.base_currency, sign * trade.amount);
    view.balances.adjust(subjectId, instrument.quote_currency, -sign * trade.amount * trade.price);
    return [instrument.base_currency, instrument.quote_currency];
  }
  return [marginCurrency(instrument)];
}

/** Refresh the price and margin fields of one of `subjectId`'s positions (before it is sent). */
export function refreshPosition(
  view: FundsView,
  subjectId: number,
  position: EmulatedPosition,
): EmulatedPosition {
  const instrument = view.instruments.get(position.instrument_name);
  if (!instrument) return position;
  const mark = view.market.markPrice(instrument);
  PositionBook.reprice(position, instrument, mark, view.market.indexPrice(instrument.price_index));
  position.initial_margin = positionMargin(instrument, position.size, mark);
  position.maintenance_margin = position.initial_margin / 2;
  let held = 0;
  for (const order of view.orders.list(subjectId, (o) => o.instrument_name === position.instrument_name)) {
    const price = typeof order.price === 'number' ? order.price : undefined;
    held += orderMargin(
      view,
      subjectId,
      instrument,
      order.direction,
      order.amount - order.filled_amount,
      price,
    ).amount;
  }
  position.open_orders_margin = held;
  return position;
}
