/**
 * What happens to orders: placement (with the account checks Deribit applies after the param checks of
 * `order-rules.ts`), edits, cancels and test-driven fills, each published as one event.
 *
 * Account checks and their codes:
 * - the instrument's index is locked: `10019 locked_by_admin` (see `platform.ts`);
 * - reduce-only that would open or grow a position: refused with `11030 other_reject`, `data.reason:
 *   "reduce_only"` (Deribit documents no code for it: the emulator's choice; it does not shrink the order);
 * - post-only that would take liquidity: `11054 post_only_reject` with `reject_post_only`, else repriced one tick
 *   inside the best opposite price, as Deribit reprices it;
 * - not enough available funds for the margin it adds: `10009 not_enough_funds` (see `funds.ts`).
 * @module
 */

import { ErrorCode } from '../errors/codes.js';
import type { EmulatorCore } from './core.js';
import { RpcFailure } from './errors.js';
import { canAfford, orderMargin } from './funds.js';
import type { EmulatedInstrument } from './instruments/catalog.js';
import {
  crossingOrders,
  type Execution,
  execute,
  fillableAmount,
  fillResting,
  orderChanges,
} from './matching.js';
import { publishEvent } from './order-events.js';
import { oneTickAway } from './order-rules.js';
import {
  type CancelReason,
  type EmulatedOrder,
  type EmulatedTrade,
  OrderBook,
  type OrderFields,
  type StoredOrder,
} from './orders.js';

/** Refuse order entry while the instrument's index is locked. */
export function checkNotLocked(core: EmulatorCore, instrument: EmulatedInstrument): void {
  if (core.platform.isLocked(instrument.price_index)) {
    throw new RpcFailure(ErrorCode.lockedByAdmin, {
      reason: 'index locked',
      price_index: instrument.price_index,
    });
  }
}

/** `true` when an order of `direction` and `amount` only reduces `subjectId`'s position. */
function onlyReduces(
  core: EmulatorCore,
  subjectId: number,
  instrument: string,
  direction: 'buy' | 'sell',
  amount: number,
): boolean {
  const size = core.positions.size(subjectId, instrument);
  const reducing = direction === 'buy' ? size < 0 : size > 0;
  return reducing && amount <= Math.abs(size) + 1e-12;
}

/** A new order, checked against the account and the book. */
export interface PlaceInput {
  readonly subjectId: number;
  readonly connectionId: number;
  readonly instrument: EmulatedInstrument;
  readonly fields: OrderFields;
}

/** What placing produced: the order and the trades it made at once. */
export interface Placed {
  readonly order: EmulatedOrder;
  readonly trades: readonly EmulatedTrade[];
}

/** Place an order: account checks, then match, then rest (or cancel what an IOC/FOK order left). */
export function placeOrder(core: EmulatorCore, input: PlaceInput): Placed {
  const { subjectId, instrument } = input;
  const fields = { ...input.fields };
  checkNotLocked(core, instrument);
  const name = instrument.instrument_name;
  if (fields.reduce_only && !onlyReduces(core, subjectId, name, fields.direction, fields.amount)) {
    throw new RpcFailure(ErrorCode.otherReject, { reason: 'reduce_only' });
  }
  const limit = typeof fields.price === 'number' ? fields.price : undefined;
  const crossing = crossingOrders(core, subjectId, name, fields.direction, limit);
  if (fields.post_only && fields.order_type === 'limit' && crossing.length > 0) {
    if (fields.reject_post_only)
      throw new RpcFailure(ErrorCode.postOnlyReject, { reason: 'post_only_reject' });
    const best = crossing[0]?.order.price as number;
    fields.price = oneTickAway(instrument, fields.direction, best);
  }
  if (!fields.reduce_only) {
    const margin = orderMargin(core, subjectId, instrument, fields.direction, fields.amount, limit);
    if (!canAfford(core, subjectId, margin.currency, margin.amount)) {
      throw new RpcFailure(ErrorCode.notEnoughFunds, {
        reason: 'not enough funds',
        currency: margin.currency,
      });
    }
  }
  const stored = core.orders.place(subjectId, input.connectionId, fields, core.now());
  const postOnly = fields.post_only && fields.order_type === 'limit';
  const killed =
    fields.time_in_force === 'fill_or_kill' &&
    fields.order_type === 'limit' &&
    fillableAmount(crossingOrders(core, subjectId, name, fields.direction, limit), fields.amount) <
      fields.amount - 1e-12;
  const execution: Execution =
    postOnly || killed
      ? { changes: [], publicTrades: [], takerTrades: [] }
      : execute(core, stored, instrument);
  const order = stored.order;
  const immediate = fields.time_in_force === 'immediate_or_cancel' || fields.time_in_force === 'fill_or_kill';
  if (order.order_state === 'open' && immediate) OrderBook.cancel(order, core.now(), undefined);
  const changes = execution.changes.length > 0 ? execution.changes : orderChanges(core, instrument, [stored]);
  publishEvent(core, changes, execution.publicTrades);
  return { order, trades: execution.takerTrades };
}

/** Edit an open order (amount, price): checks as for placing, then it may match. */
export function editOrder(
  core: EmulatorCore,
  stored: StoredOrder,
  instrument: EmulatedInstrument,
  change: { readonly amount: number; readonly contracts: number; readonly price: number | undefined },
): Placed {
  checkNotLocked(core, instrument);
  const order = stored.order;
  const left = change.amount - order.filled_amount;
  const price = change.price ?? (typeof order.price === 'number' ? order.price : undefined);
  if (!order.reduce_only) {
    const before = orderMargin(
      core,
      stored.subjectId,
      instrument,
      order.direction,
      order.amount - order.filled_amount,
      price,
    );
    const after = orderMargin(core, stored.subjectId, instrument, order.direction, left, price);
    if (!canAfford(core, stored.subjectId, after.currency, after.amount - before.amount)) {
      throw new RpcFailure(ErrorCode.notEnoughFunds, {
        reason: 'not enough funds',
        currency: after.currency,
      });
    }
  }
  let newPrice = change.price;
  const crossing = crossingOrders(core, stored.subjectId, order.instrument_name, order.direction, price);
  if (order.post_only && crossing.length > 0) {
    if (order.reject_post_only)
      throw new RpcFailure(ErrorCode.postOnlyReject, { reason: 'post_only_reject' });
    newPrice = oneTickAway(instrument, order.direction, crossing[0]?.order.price as number);
  }
  core.orders.edit(order, change.amount, change.contracts, newPrice, core.now());
  const execution = order.post_only ? undefined : execute(core, stored, instrument);
  const changes =
    execution && execution.changes.length > 0 ? execution.changes : orderChanges(core, instrument, [stored]);
  publishEvent(core, changes, execution?.publicTrades ?? []);
  return { order, trades: execution?.takerTrades ?? [] };
}

/** Cancel the open orders of `subjectId` that pass `filter` (with `reason`), publishing each instrument's change. */
export function cancelOrders(
  core: EmulatorCore,
  subjectId: number,
  filter: (stored: StoredOrder) => boolean,
  reason: CancelReason,
): EmulatedOrder[] {
  const byInstrument = new Map<string, StoredOrder[]>();
  core.orders.cancelWhere(
    subjectId,
    (stored) => {
      if (!filter(stored)) return false;
      const list = byInstrument.get(stored.order.instrument_name) ?? [];
      list.push(stored);
      byInstrument.set(stored.order.instrument_name, list);
      return true;
    },
    core.now(),
    reason,
  );
  const cancelled: EmulatedOrder[] = [];
  for (const [name, stored] of byInstrument) {
    const instrument = core.instruments.get(name);
    if (instrument) publishEvent(core, orderChanges(core, instrument, stored));
    cancelled.push(...stored.map((one) => one.order));
  }
  return cancelled;
}

/** Options of the emulator's `fill()` hook. */
export interface FillOptions {
  /** How much to fill (default: all that is left). */
  readonly amount?: number | undefined;
  /** At what price (default: the order's limit price; for a market order, its mark price). */
  readonly price?: number | undefined;
}

/** The `fill()` hook: fill an open order of any subject against the emulator's counterparty. */
export function fillOpenOrder(core: EmulatorCore, orderId: string, options: FillOptions): EmulatedTrade {
  const stored = core.orders.find(orderId);
  if (stored?.order.order_state !== 'open') throw new Error(`no open order ${orderId}`);
  const instrument = core.instruments.get(stored.order.instrument_name);
  if (!instrument) throw new Error(`order ${orderId} is on an unlisted instrument`);
  const order = stored.order;
  const left = order.amount - order.filled_amount;
  const amount = options.amount ?? left;
  if (!(amount > 0 && amount <= left + 1e-12)) throw new Error(`fill amount must be in (0, ${left}]`);
  const price =
    options.price ?? (typeof order.price === 'number' ? order.price : core.market.markPrice(instrument));
  const { execution, trade } = fillResting(core, stored, instrument, amount, price);
  publishEvent(core, execution.changes, execution.publicTrades);
  return trade;
}
