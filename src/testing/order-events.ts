/**
 * Order, trade, position and portfolio notifications, batched as production batches them. For each subject that
 * one event (a placement, a match, an edit, a cancel) touched:
 * - `user.orders.{instrument}.{interval}` and `user.orders.{kind|any}.{currency|any}.{interval}`: `raw` carries
 *   one order per notification; `100ms` an array of the orders changed in the interval (each in its newest state);
 * - `user.trades.…`: an array with every trade of the match (`raw`), or of the interval (`100ms`);
 * - `user.changes.…`: `{orders, trades, positions}` (plus `instrument_name` on the instrument's channel);
 * - `user.portfolio.{currency}`: the balances of each currency the event moved.
 * A match also goes out on the public `trades.{instrument}.{interval}` and `trades.{kind}.{currency}.{interval}`
 * channels: all its trades in one array. A handler that reads only `data[0]` misses fills.
 * @module
 */

import { concat, latestBy } from './batcher.js';
import type { EmulatorCore } from './core.js';
import { refreshPosition } from './funds.js';
import type { EmulatedInstrument } from './instruments/catalog.js';
import { USER_INTERVALS, userChannels } from './instruments/names.js';
import type { EmulatedOrder, EmulatedTrade } from './orders.js';
import type { EmulatedPosition } from './positions.js';
import { portfolioOf } from './summary.js';

/** What one event changed for one subject on one instrument. */
export interface SubjectChange {
  readonly subjectId: number;
  readonly instrument: EmulatedInstrument;
  readonly orders: readonly EmulatedOrder[];
  readonly trades: readonly EmulatedTrade[];
  readonly position?: EmulatedPosition | undefined;
  /** Currencies whose balances or margins changed (their portfolio is published). */
  readonly currencies: readonly string[];
}

/** A trade as the public `trades.*` channels carry it. */
export interface PublicTradeData {
  readonly trade_id: string;
  readonly trade_seq: number;
  readonly instrument_name: string;
  readonly timestamp: number;
  /** The taker's side. */
  readonly direction: 'buy' | 'sell';
  readonly tick_direction: EmulatedTrade['tick_direction'];
  readonly price: number;
  readonly amount: number;
  readonly contracts: number;
  readonly index_price: number;
  readonly mark_price: number;
}

interface ChangesData {
  readonly instrument_name?: string;
  readonly orders: EmulatedOrder[];
  readonly trades: EmulatedTrade[];
  readonly positions: EmulatedPosition[];
}

const latestOrders = latestBy<EmulatedOrder>((order) => order.order_id);
const latestPositions = latestBy<EmulatedPosition>((position) => position.instrument_name);

function mergeChanges(older: ChangesData, newer: ChangesData): ChangesData {
  return {
    ...(older.instrument_name === undefined ? {} : { instrument_name: older.instrument_name }),
    orders: latestOrders(older.orders, newer.orders),
    trades: concat(older.trades, newer.trades),
    positions: latestPositions(older.positions, newer.positions),
  };
}

/** Send on `channel` now (`raw`) or at the end of the interval (`100ms`). */
function emit<T>(
  core: EmulatorCore,
  channel: string,
  subjectId: number | undefined,
  data: T,
  merge: (older: T, newer: T) => T,
): void {
  if (!core.hasSubscribers(channel)) return;
  if (channel.endsWith('.raw')) core.publish(channel, data, subjectId === undefined ? {} : { subjectId });
  else core.batcher.add(channel, subjectId, data, merge);
}

function publishSubject(core: EmulatorCore, change: SubjectChange): void {
  const { subjectId, instrument } = change;
  const name = instrument.instrument_name;
  const orders = change.orders.map((order) => ({ ...order }));
  const trades = change.trades.map((trade) => ({ ...trade }));
  const positions = change.position ? [{ ...refreshPosition(core, subjectId, change.position) }] : [];
  for (const interval of USER_INTERVALS) {
    for (const channel of userChannels('orders', name, interval)) {
      if (interval === 'raw') for (const order of orders) emit(core, channel, subjectId, order, (_o, n) => n);
      else emit(core, channel, subjectId, orders, latestOrders);
    }
    if (trades.length > 0) {
      for (const channel of userChannels('trades', name, interval))
        emit(core, channel, subjectId, trades, concat);
    }
    userChannels('changes', name, interval).forEach((channel, index) => {
      const data: ChangesData =
        index === 0 ? { instrument_name: name, orders, trades, positions } : { orders, trades, positions };
      emit(core, channel, subjectId, data, mergeChanges);
    });
  }
  publishPortfolio(core, subjectId, change.currencies);
}

/** Publish the portfolio of `subjectId` in each of `currencies` (Deribit's examples spell the channel lower-case). */
export function publishPortfolio(core: EmulatorCore, subjectId: number, currencies: readonly string[]): void {
  for (const currency of new Set(currencies)) {
    const channels = [`user.portfolio.${currency}`, `user.portfolio.${currency.toLowerCase()}`];
    if (!channels.some((channel) => core.hasSubscribers(channel))) continue;
    const data = portfolioOf(core, subjectId, currency);
    for (const channel of new Set(channels)) core.publish(channel, data, { subjectId });
  }
}

/** Publish one event: every subject's change, then the public trades (all of one match in one array). */
export function publishEvent(
  core: EmulatorCore,
  changes: readonly SubjectChange[],
  publicTrades: readonly PublicTradeData[] = [],
): void {
  for (const change of changes) publishSubject(core, change);
  const first = changes[0];
  if (publicTrades.length === 0 || !first) return;
  for (const interval of USER_INTERVALS) {
    for (const channel of userChannels('trades', first.instrument.instrument_name, interval)) {
      emit(core, channel.slice('user.'.length), undefined, [...publicTrades], concat);
    }
  }
}
