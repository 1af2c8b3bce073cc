/**
 * Order entry and cancels: `private/buy`, `sell`, `edit`, `cancel`, `cancel_all`, `cancel_all_by_instrument`,
 * `cancel_all_by_currency`, `cancel_by_label` and `close_position`, validated as Deribit validates them
 * (`order-rules.ts`, `order-actions.ts`) and matched against resting orders (`matching.ts`).
 * @module
 */

import { ErrorCode } from '../../errors/codes.js';
import { invalidParams, RpcFailure } from '../errors.js';
import { inCurrency, kindOf } from '../instruments/names.js';
import { cancelOrders, editOrder, type Placed, placeOrder } from '../order-actions.js';
import { checkPrice, requireAmount, requireInstrument, requireLabel } from '../order-rules.js';
import type { EmulatedOrder, StoredOrder } from '../orders.js';
import {
  type CallContext,
  type MethodSpec,
  oneOf,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireLevel,
  requireNumber,
  requireString,
  VALUE_REQUIRED,
} from './types.js';

const ORDER_TYPES = ['limit', 'market'] as const;
const TIME_IN_FORCE = ['good_til_cancelled', 'good_til_day', 'fill_or_kill', 'immediate_or_cancel'] as const;
const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;
const CANCEL_TYPES = ['all', 'limit', 'trigger_all', 'stop', 'take', 'trailing_stop'] as const;

/** `10004 order_not_found` for an id the subject does not own; `11044` for one no longer open. */
export function ownOrder(ctx: CallContext, subjectId: number, open: boolean): EmulatedOrder {
  const order = ctx.core.orders.get(subjectId, requireString(ctx.params, 'order_id'));
  if (!order) throw new RpcFailure(ErrorCode.orderNotFound, { param: 'order_id' });
  if (open && order.order_state !== 'open') {
    throw new RpcFailure(ErrorCode.notOpenOrder, { reason: 'order is not open', param: 'order_id' });
  }
  return order;
}

/** Deep-enough copies of results (the stored objects change later). */
export function copies<T extends object>(items: readonly T[]): T[] {
  return items.map((item) => ({ ...item }));
}

function result(placed: Placed): unknown {
  return { order: { ...placed.order }, trades: copies(placed.trades) };
}

function place(ctx: CallContext, direction: 'buy' | 'sell'): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const { core, params } = ctx;
  const instrument = requireInstrument(core.instruments, params);
  const { amount, contracts } = requireAmount(instrument, params);
  const type = oneOf(params, 'type', ORDER_TYPES, 'limit');
  const timeInForce = oneOf(params, 'time_in_force', TIME_IN_FORCE, 'good_til_cancelled');
  const label = requireLabel(params);
  const postOnly = optionalBoolean(params, 'post_only') ?? false;
  let price: number | 'market_price' = 'market_price';
  if (type === 'limit') {
    price = requireNumber(params, 'price');
    checkPrice(instrument, price);
  }
  return result(
    placeOrder(core, {
      subjectId: session.subjectId,
      connectionId: ctx.connection.id,
      instrument,
      fields: {
        direction,
        instrument_name: instrument.instrument_name,
        amount,
        contracts,
        price,
        label,
        order_type: type,
        time_in_force: timeInForce,
        post_only: postOnly,
        reject_post_only: postOnly && (optionalBoolean(params, 'reject_post_only') ?? false),
        reduce_only: optionalBoolean(params, 'reduce_only') ?? false,
        mmp: optionalBoolean(params, 'mmp') ?? false,
      },
    }),
  );
}

function edit(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const { core, params } = ctx;
  const order = ownOrder(ctx, session.subjectId, true);
  const stored = core.orders.find(order.order_id) as StoredOrder;
  const instrument = core.instruments.get(order.instrument_name);
  if (!instrument) throw new RpcFailure(ErrorCode.invalidOrUnsupportedInstrument, { param: 'order_id' });
  const { amount, contracts } = requireAmount(instrument, params);
  if (amount <= order.filled_amount) throw invalidParams('amount', 'amount must exceed the filled amount');
  let price: number | undefined;
  if (order.order_type === 'limit') {
    price = optionalNumber(params, 'price');
    if (price === undefined) throw invalidParams('price', VALUE_REQUIRED);
    checkPrice(instrument, price);
  }
  return result(editOrder(core, stored, instrument, { amount, contracts, price }));
}

function cancel(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const order = ownOrder(ctx, session.subjectId, true);
  cancelOrders(ctx.core, session.subjectId, (stored) => stored.order === order, 'user_request');
  return { ...order };
}

function typeFilter(ctx: CallContext): (stored: StoredOrder) => boolean {
  const type = oneOf(ctx.params, 'type', CANCEL_TYPES, 'all');
  // The emulator has limit and market orders only: trigger filters match nothing.
  return (stored) => type === 'all' || (type === 'limit' && stored.order.order_type === 'limit');
}

function cancelAll(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  return cancelOrders(ctx.core, session.subjectId, () => true, 'user_request').length;
}

function cancelAllByInstrument(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const instrument = requireInstrument(ctx.core.instruments, ctx.params);
  const byType = typeFilter(ctx);
  return cancelOrders(
    ctx.core,
    session.subjectId,
    (stored) => stored.order.instrument_name === instrument.instrument_name && byType(stored),
    'user_request',
  ).length;
}

function cancelAllByCurrency(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const currency = requireString(ctx.params, 'currency');
  const kind = oneOf(ctx.params, 'kind', KINDS, 'any');
  const byType = typeFilter(ctx);
  return cancelOrders(
    ctx.core,
    session.subjectId,
    (stored) =>
      inCurrency(stored.order.instrument_name, currency) &&
      (kind === 'any' || kindOf(stored.order.instrument_name) === kind) &&
      byType(stored),
    'user_request',
  ).length;
}

function cancelByLabel(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const label = requireString(ctx.params, 'label');
  const currency = optionalString(ctx.params, 'currency');
  return cancelOrders(
    ctx.core,
    session.subjectId,
    (stored) =>
      stored.order.label === label &&
      (currency === undefined || inCurrency(stored.order.instrument_name, currency)),
    'user_request',
  ).length;
}

/**
 * `private/close_position {instrument_name, type, price?}`: a reduce-only order for the whole position. Without a
 * position Deribit's answer is undocumented: the emulator refuses with `10021 invalid_amount`.
 */
function closePosition(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const { core, params } = ctx;
  const instrument = requireInstrument(core.instruments, params);
  const type = oneOf(params, 'type', ORDER_TYPES, 'limit');
  const size = core.positions.size(session.subjectId, instrument.instrument_name);
  if (size === 0) throw new RpcFailure(ErrorCode.invalidAmount, { reason: 'no position to close' });
  let price: number | 'market_price' = 'market_price';
  if (type === 'limit') {
    price = requireNumber(params, 'price');
    checkPrice(instrument, price);
  }
  const amount = Math.abs(size);
  return result(
    placeOrder(core, {
      subjectId: session.subjectId,
      connectionId: ctx.connection.id,
      instrument,
      fields: {
        direction: size > 0 ? 'sell' : 'buy',
        instrument_name: instrument.instrument_name,
        amount,
        contracts: amount / instrument.contract_size,
        price,
        label: '',
        order_type: type,
        time_in_force: 'good_til_cancelled',
        post_only: false,
        reduce_only: true,
        mmp: false,
      },
    }),
  );
}

/** Order entry and cancel methods. */
export const orderMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/buy', { private: true, handler: (ctx) => place(ctx, 'buy') }],
  ['private/sell', { private: true, handler: (ctx) => place(ctx, 'sell') }],
  ['private/edit', { private: true, handler: edit }],
  ['private/cancel', { private: true, handler: cancel }],
  ['private/cancel_all', { private: true, handler: cancelAll }],
  ['private/cancel_all_by_instrument', { private: true, handler: cancelAllByInstrument }],
  ['private/cancel_all_by_currency', { private: true, handler: cancelAllByCurrency }],
  ['private/cancel_by_label', { private: true, handler: cancelByLabel }],
  ['private/close_position', { private: true, handler: closePosition }],
];
