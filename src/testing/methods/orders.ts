/**
 * Orders and positions: `private/buy`, `sell`, `edit`, `cancel`, `cancel_all`, the open-order and
 * order-state queries and `private/get_positions`, with Deribit's field names. There is no matching
 * engine (see `orders.ts`): a limit order rests until edited, cancelled or filled by `emu.fill()`; a
 * market order fills at once at the instrument's mark price (`emu.setMarkPrice`, default
 * {@link DEFAULT_MARK_PRICE}); an `immediate_or_cancel` or `fill_or_kill` limit order finds nothing to
 * match and is cancelled at once.
 * @module
 */

import { ErrorCode } from '../../errors/codes.js';
import { invalidParams, RpcFailure } from '../errors.js';
import { inCurrency, kindOf } from '../instruments.js';
import { cancelOrders, fillOrder, publishOrderChange } from '../order-events.js';
import type { EmulatedOrder, EmulatedTrade } from '../orders.js';
import {
  type CallContext,
  type MethodSpec,
  optionalBoolean,
  optionalString,
  requireLevel,
  requireNumber,
  requireString,
} from './types.js';

/** What a market order fills at when no mark price was set for its instrument. */
export const DEFAULT_MARK_PRICE = 50_000;

/** Deribit's longest order label. */
const MAX_LABEL_LENGTH = 64;
const ORDER_TYPES = new Set(['limit', 'market']);
const TIME_IN_FORCE = new Set(['good_til_cancelled', 'good_til_day', 'fill_or_kill', 'immediate_or_cancel']);
const KINDS = new Set(['future', 'option', 'spot', 'future_combo', 'option_combo', 'any']);

function oneOf(ctx: CallContext, name: string, allowed: ReadonlySet<string>, fallback: string): string {
  const value = optionalString(ctx.params, name) ?? fallback;
  if (!allowed.has(value)) throw invalidParams(name, `${name} must be one of ${[...allowed].join(', ')}`);
  return value;
}

function positiveAmount(ctx: CallContext): number {
  const amount = requireNumber(ctx.params, 'amount');
  if (amount <= 0) throw invalidParams('amount', 'amount must be positive');
  return amount;
}

/** `10004 order_not_found` for an id the subject does not own; `11044` for one no longer open. */
function ownOrder(ctx: CallContext, subjectId: number, open: boolean): EmulatedOrder {
  const order = ctx.core.orders.get(subjectId, requireString(ctx.params, 'order_id'));
  if (!order) throw new RpcFailure(ErrorCode.orderNotFound, { param: 'order_id' });
  if (open && order.order_state !== 'open') {
    throw new RpcFailure(ErrorCode.notOpenOrder, { reason: 'order is not open', param: 'order_id' });
  }
  return order;
}

function copies<T extends object>(items: readonly T[]): T[] {
  return items.map((item) => ({ ...item }));
}

function place(ctx: CallContext, direction: 'buy' | 'sell'): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const { core, params } = ctx;
  const instrument = requireString(params, 'instrument_name');
  const amount = positiveAmount(ctx);
  const type = oneOf(ctx, 'type', ORDER_TYPES, 'limit');
  const timeInForce = oneOf(ctx, 'time_in_force', TIME_IN_FORCE, 'good_til_cancelled');
  const label = optionalString(params, 'label') ?? '';
  if (label.length > MAX_LABEL_LENGTH)
    throw invalidParams('label', `label is longer than ${MAX_LABEL_LENGTH}`);
  const postOnly = optionalBoolean(params, 'post_only') ?? false;
  const price = type === 'limit' ? requireNumber(params, 'price') : 'market_price';
  const order = core.orders.place(
    session.subjectId,
    ctx.connection.id,
    {
      direction,
      instrument_name: instrument,
      amount,
      price,
      label,
      order_type: type,
      time_in_force: timeInForce,
      post_only: postOnly,
      reject_post_only: postOnly && (optionalBoolean(params, 'reject_post_only') ?? false),
      reduce_only: optionalBoolean(params, 'reduce_only') ?? false,
      max_show: amount,
    },
    core.now(),
  );
  const stored = core.orders.find(order.order_id);
  const trades: EmulatedTrade[] = [];
  if (stored && type === 'market') {
    const mark = core.markPrices.get(instrument) ?? DEFAULT_MARK_PRICE;
    trades.push(fillOrder(core, stored, amount, mark, 'T'));
  } else if (timeInForce === 'immediate_or_cancel' || timeInForce === 'fill_or_kill') {
    core.orders.cancel(session.subjectId, order.order_id, core.now(), undefined);
    publishOrderChange(core, session.subjectId, { order, trades });
  } else {
    publishOrderChange(core, session.subjectId, { order, trades });
  }
  return { order: { ...order }, trades: copies(trades) };
}

function edit(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const order = ownOrder(ctx, session.subjectId, true);
  const amount = positiveAmount(ctx);
  if (amount <= order.filled_amount) {
    throw invalidParams('amount', 'amount must exceed the filled amount');
  }
  const price = order.order_type === 'limit' ? requireNumber(ctx.params, 'price') : undefined;
  ctx.core.orders.edit(order, amount, price, ctx.core.now());
  publishOrderChange(ctx.core, session.subjectId, { order, trades: [] });
  return { order: { ...order }, trades: [] };
}

function cancel(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const order = ownOrder(ctx, session.subjectId, true);
  ctx.core.orders.cancel(session.subjectId, order.order_id, ctx.core.now(), 'user_request');
  publishOrderChange(ctx.core, session.subjectId, { order, trades: [] });
  return { ...order };
}

function cancelAll(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  return cancelOrders(ctx.core, session.subjectId, undefined, 'user_request').length;
}

/** Open orders of the caller passing the `type` param (`all` by default) and `filter`. */
function openOrders(ctx: CallContext, filter: (order: EmulatedOrder) => boolean): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const type = optionalString(ctx.params, 'type') ?? 'all';
  const orders = ctx.core.orders.list(
    session.subjectId,
    (order) => (type === 'all' || order.order_type === type) && filter(order),
  );
  return copies(orders);
}

function openByCurrency(ctx: CallContext): unknown {
  const currency = requireString(ctx.params, 'currency');
  const kind = oneOf(ctx, 'kind', KINDS, 'any');
  return openOrders(
    ctx,
    (order) =>
      inCurrency(order.instrument_name, currency) &&
      (kind === 'any' || kindOf(order.instrument_name) === kind),
  );
}

function openByInstrument(ctx: CallContext): unknown {
  const instrument = requireString(ctx.params, 'instrument_name');
  return openOrders(ctx, (order) => order.instrument_name === instrument);
}

function orderState(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  return { ...ownOrder(ctx, session.subjectId, false) };
}

function orderStateByLabel(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const currency = requireString(ctx.params, 'currency');
  const label = requireString(ctx.params, 'label');
  const orders = ctx.core.orders.list(
    session.subjectId,
    (order) => order.label === label && inCurrency(order.instrument_name, currency),
    true,
  );
  return copies(orders);
}

function positions(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const currency = optionalString(ctx.params, 'currency') ?? 'any';
  const kind = oneOf(ctx, 'kind', KINDS, 'any');
  const list = ctx.core.positions.list(
    session.subjectId,
    (position) =>
      inCurrency(position.instrument_name, currency) && (kind === 'any' || position.kind === kind),
  );
  return copies(list);
}

/** Order and position methods. */
export const orderMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/buy', { private: true, handler: (ctx) => place(ctx, 'buy') }],
  ['private/sell', { private: true, handler: (ctx) => place(ctx, 'sell') }],
  ['private/edit', { private: true, handler: edit }],
  ['private/cancel', { private: true, handler: cancel }],
  ['private/cancel_all', { private: true, handler: cancelAll }],
  ['private/get_open_orders_by_currency', { private: true, handler: openByCurrency }],
  ['private/get_open_orders_by_instrument', { private: true, handler: openByInstrument }],
  ['private/get_order_state', { private: true, handler: orderState }],
  ['private/get_order_state_by_label', { private: true, handler: orderStateByLabel }],
  ['private/get_positions', { private: true, handler: positions }],
];
