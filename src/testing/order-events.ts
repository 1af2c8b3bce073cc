/**
 * Order, trade and position notifications. Every change of an order is published on every channel a
 * client may have subscribed to for it, at `raw` and `100ms`:
 * - `user.orders.{instrument}.{interval}` and `user.orders.{kind|any}.{currency|any}.{interval}`: the order
 *   (`raw`: the object; `100ms`: an array of orders);
 * - `user.trades.…` (same two families): an array of trades, when the change includes fills;
 * - `user.changes.…`: `{ instrument_name, orders, trades, positions }`.
 * `100ms` channels are not aggregated over 100 ms: each change goes out at once as a one-element array
 * (clients must handle arrays of any length, so this is a valid Deribit batch).
 * @module
 */

import type { EmulatorCore } from './core.js';
import { USER_INTERVALS, userChannels } from './instruments.js';
import type { EmulatedOrder, EmulatedTrade, StoredOrder } from './orders.js';
import type { EmulatedPosition } from './positions.js';

/** One change of one order: the order after it, its fills (maybe none) and the position after them. */
export interface OrderChange {
  readonly order: EmulatedOrder;
  readonly trades: readonly EmulatedTrade[];
  readonly position?: EmulatedPosition | undefined;
}

/** Publish `change` to the sockets of `subjectId` subscribed to any channel reporting on it. */
export function publishOrderChange(core: EmulatorCore, subjectId: number, change: OrderChange): void {
  const filter = { subjectId };
  const instrument = change.order.instrument_name;
  const order = { ...change.order };
  const trades = change.trades.map((trade) => ({ ...trade }));
  const changes = {
    instrument_name: instrument,
    orders: [order],
    trades,
    positions: change.position ? [{ ...change.position }] : [],
  };
  for (const interval of USER_INTERVALS) {
    const orders = interval === 'raw' ? order : [order];
    for (const channel of userChannels('orders', instrument, interval)) core.publish(channel, orders, filter);
    if (trades.length > 0) {
      for (const channel of userChannels('trades', instrument, interval))
        core.publish(channel, trades, filter);
    }
    for (const channel of userChannels('changes', instrument, interval))
      core.publish(channel, changes, filter);
  }
}

/** Fill `amount` of an open order at `price`, update the position and publish the change. */
export function fillOrder(
  core: EmulatorCore,
  stored: StoredOrder,
  amount: number,
  price: number,
  liquidity: 'M' | 'T',
): EmulatedTrade {
  const { trade } = core.orders.fill(stored, amount, price, liquidity, core.now());
  const position = core.positions.apply(stored.subjectId, trade);
  publishOrderChange(core, stored.subjectId, { order: stored.order, trades: [trade], position });
  return trade;
}

/** Cancel orders of `subjectId` (only those placed on `connectionId`, when given) and publish each. */
export function cancelOrders(
  core: EmulatorCore,
  subjectId: number,
  connectionId: number | undefined,
  reason: string,
): EmulatedOrder[] {
  const cancelled = core.orders.cancelWhere(subjectId, connectionId, core.now(), reason);
  for (const order of cancelled) publishOrderChange(core, subjectId, { order, trades: [] });
  return cancelled;
}

/** Options of the emulator's `fill()` hook. */
export interface FillOptions {
  /** How much to fill (default: all that is left). */
  readonly amount?: number | undefined;
  /** At what price (default: the order's limit price; for a market order, its mark price). */
  readonly price?: number | undefined;
}

/** The `fill()` hook: fill an open order of any subject as a resting (maker) order. */
export function fillOpenOrder(core: EmulatorCore, orderId: string, options: FillOptions): EmulatedTrade {
  const stored = core.orders.find(orderId);
  if (stored?.order.order_state !== 'open') throw new Error(`no open order ${orderId}`);
  const order = stored.order;
  const left = order.amount - order.filled_amount;
  const amount = options.amount ?? left;
  if (!(amount > 0 && amount <= left)) throw new Error(`fill amount must be in (0, ${left}]`);
  const price = options.price ?? (typeof order.price === 'number' ? order.price : undefined);
  if (price === undefined) throw new Error('a market order needs a fill price');
  return fillOrder(core, stored, amount, price, 'M');
}
