/**
 * A small matching engine: an incoming order takes liquidity from the resting orders of other subjects on the same
 * instrument, best price first, then oldest first, each at the resting order's price; one match can fill several
 * resting orders, and every fill is a trade for both sides (sharing its `trade_id` and `trade_seq`).
 *
 * Where the liquidity comes from: orders other accounts or subaccounts placed through the API, and orders a test
 * adds with `emu.addLiquidity()` (owned by the emulator's counterparty, a subject with no sockets). A subject's own
 * resting orders are skipped (no self-trade prevention modes are modelled); two subaccounts of one account do
 * match, with `self_trade: true`. A market order fills what the book offers and the rest at the mark price against
 * the counterparty, so a test without a book still gets fills; `emu.fill()` fills a resting order the same way.
 * @module
 */

import type { EmulatorCore } from './core.js';
import { settleFill } from './funds.js';
import type { EmulatedInstrument } from './instruments/catalog.js';
import { marginCurrency } from './instruments/registry.js';
import type { PublicTradeData, SubjectChange } from './order-events.js';
import type { EmulatedTrade, StoredOrder } from './orders.js';

/** The subject id of the emulator's own counterparty (`addLiquidity`, market remainders, `fill()`). */
export const COUNTERPARTY_ID = 1;

/** What one execution produced. */
export interface Execution {
  /** Per-subject changes, the taker's first. */
  readonly changes: SubjectChange[];
  /** The public trades, in order. */
  readonly publicTrades: PublicTradeData[];
  /** The taker's trades. */
  readonly takerTrades: EmulatedTrade[];
}

/** Resting orders of other subjects that `direction` at `limit` (`undefined`: any price) would take, in priority. */
export function crossingOrders(
  core: EmulatorCore,
  subjectId: number,
  instrument: string,
  direction: 'buy' | 'sell',
  limit: number | undefined,
): StoredOrder[] {
  const side = direction === 'buy' ? 'sell' : 'buy';
  return core.orders
    .resting(instrument)
    .filter((stored) => {
      if (stored.subjectId === subjectId || stored.order.direction !== side) return false;
      const price = stored.order.price;
      if (typeof price !== 'number') return false;
      return limit === undefined || (direction === 'buy' ? price <= limit : price >= limit);
    })
    .sort((a, b) => {
      const pa = a.order.price as number;
      const pb = b.order.price as number;
      if (pa !== pb) return direction === 'buy' ? pa - pb : pb - pa;
      return a.seq - b.seq;
    });
}

/** How much of `amount` the crossing orders can fill. */
export function fillableAmount(crossing: readonly StoredOrder[], amount: number): number {
  let available = 0;
  for (const stored of crossing) available += stored.order.amount - stored.order.filled_amount;
  return Math.min(amount, available);
}

class ExecutionBuilder {
  readonly #core: EmulatorCore;
  readonly #instrument: EmulatedInstrument;
  readonly #bySubject = new Map<number, { orders: Map<string, StoredOrder>; trades: EmulatedTrade[] }>();
  readonly publicTrades: PublicTradeData[] = [];

  constructor(core: EmulatorCore, instrument: EmulatedInstrument) {
    this.#core = core;
    this.#instrument = instrument;
  }

  #side(stored: StoredOrder, trade: EmulatedTrade | undefined): void {
    let entry = this.#bySubject.get(stored.subjectId);
    if (!entry) {
      entry = { orders: new Map(), trades: [] };
      this.#bySubject.set(stored.subjectId, entry);
    }
    entry.orders.set(stored.order.order_id, stored);
    if (trade) entry.trades.push(trade);
  }

  /** Record an order change without a fill (placement, cancel, edit). */
  touch(stored: StoredOrder): void {
    this.#side(stored, undefined);
  }

  /** One fill at `price`: `taker` may be absent (the counterparty), `maker` too (a market remainder). */
  fill(
    taker: StoredOrder | undefined,
    maker: StoredOrder | undefined,
    amount: number,
    price: number,
  ): EmulatedTrade | undefined {
    const core = this.#core;
    const instrument = this.#instrument;
    const now = core.now();
    const last = core.market.trade(instrument.instrument_name, price, amount);
    const tradeId = core.orders.nextTradeId();
    const common = {
      tradeId,
      amount,
      price,
      indexPrice: core.market.indexPrice(instrument.price_index),
      markPrice: core.market.markPrice(instrument),
      tradeSeq: last.seq,
      tickDirection: last.tickDirection,
      selfTrade:
        taker !== undefined &&
        maker !== undefined &&
        core.accounts.mainOf(taker.subjectId) === core.accounts.mainOf(maker.subjectId),
      now,
    };
    let takerTrade: EmulatedTrade | undefined;
    for (const [stored, liquidity] of [
      [maker, 'M'],
      [taker, 'T'],
    ] as const) {
      if (!stored) continue;
      const trade = core.orders.fill(stored, instrument, { ...common, liquidity });
      core.positions.apply(stored.subjectId, trade, instrument);
      settleFill(core, stored.subjectId, instrument, trade);
      this.#side(stored, trade);
      if (stored === taker) takerTrade = trade;
    }
    const direction = taker ? taker.order.direction : maker?.order.direction === 'buy' ? 'sell' : 'buy';
    this.publicTrades.push({
      trade_id: String(tradeId),
      trade_seq: last.seq,
      instrument_name: instrument.instrument_name,
      timestamp: now,
      direction,
      tick_direction: last.tickDirection,
      price,
      amount,
      contracts: amount / instrument.contract_size,
      index_price: common.indexPrice,
      mark_price: common.markPrice,
    });
    return takerTrade;
  }

  /** The per-subject changes, `first`'s subject first. */
  changes(first: number): SubjectChange[] {
    const instrument = this.#instrument;
    const currencies =
      instrument.kind === 'spot'
        ? [instrument.base_currency, instrument.quote_currency]
        : [marginCurrency(instrument)];
    const subjects = [...this.#bySubject.keys()].sort((a, b) => (a === first ? -1 : b === first ? 1 : 0));
    return subjects
      .filter((subjectId) => subjectId !== COUNTERPARTY_ID)
      .map((subjectId) => {
        const entry = this.#bySubject.get(subjectId) as {
          orders: Map<string, StoredOrder>;
          trades: EmulatedTrade[];
        };
        // Only fills move a position; placements and cancels carry none, as on Deribit.
        const position =
          entry.trades.length === 0
            ? undefined
            : this.#core.positions
                .list(subjectId, (p) => p.instrument_name === instrument.instrument_name)
                .at(0);
        return {
          subjectId,
          instrument,
          orders: [...entry.orders.values()].map((stored) => stored.order),
          trades: entry.trades,
          position,
          currencies,
        };
      });
  }
}

/**
 * Match `taker` (already placed, still open) against the book. A limit order takes what crosses its price; a
 * market order takes the book, then the rest at the mark price. What is left of a limit order stays open: the
 * caller cancels it for `immediate_or_cancel`.
 */
export function execute(core: EmulatorCore, taker: StoredOrder, instrument: EmulatedInstrument): Execution {
  const builder = new ExecutionBuilder(core, instrument);
  builder.touch(taker);
  const order = taker.order;
  const limit = typeof order.price === 'number' ? order.price : undefined;
  const takerTrades: EmulatedTrade[] = [];
  for (const maker of crossingOrders(
    core,
    taker.subjectId,
    instrument.instrument_name,
    order.direction,
    limit,
  )) {
    const left = order.amount - order.filled_amount;
    if (left <= 1e-12) break;
    const amount = Math.min(left, maker.order.amount - maker.order.filled_amount);
    const trade = builder.fill(taker, maker, amount, maker.order.price as number);
    if (trade) takerTrades.push(trade);
  }
  const left = order.amount - order.filled_amount;
  if (order.order_type === 'market' && left > 1e-12) {
    const trade = builder.fill(taker, undefined, left, core.market.markPrice(instrument));
    if (trade) takerTrades.push(trade);
  }
  return { changes: builder.changes(taker.subjectId), publicTrades: builder.publicTrades, takerTrades };
}

/** Fill `amount` of a resting order at `price` against the emulator's counterparty (the `fill()` hook). */
export function fillResting(
  core: EmulatorCore,
  maker: StoredOrder,
  instrument: EmulatedInstrument,
  amount: number,
  price: number,
): { readonly execution: Execution; readonly trade: EmulatedTrade } {
  const builder = new ExecutionBuilder(core, instrument);
  builder.fill(undefined, maker, amount, price);
  const changes = builder.changes(maker.subjectId);
  const trade = changes[0]?.trades[0];
  if (!trade) throw new Error('fill produced no trade');
  return { execution: { changes, publicTrades: builder.publicTrades, takerTrades: [] }, trade };
}

/** The change of orders without fills (placement, edit, cancel) of one subject. */
export function orderChanges(
  core: EmulatorCore,
  instrument: EmulatedInstrument,
  stored: readonly StoredOrder[],
): SubjectChange[] {
  const builder = new ExecutionBuilder(core, instrument);
  for (const one of stored) builder.touch(one);
  return builder.changes(stored[0]?.subjectId ?? 0);
}
