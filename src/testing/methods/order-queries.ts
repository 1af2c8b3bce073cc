/**
 * Order and position queries: `private/get_open_orders`, `…_by_currency`, `…_by_instrument`,
 * `private/get_order_state`, `private/get_order_state_by_label` and `private/get_positions`, in Deribit's shapes.
 * @module
 */

import { refreshPosition } from '../funds.js';
import { inCurrency, kindOf } from '../instruments/names.js';
import { requireInstrument } from '../order-rules.js';
import type { EmulatedOrder } from '../orders.js';
import { copies, ownOrder } from './orders.js';
import {
  type CallContext,
  type MethodSpec,
  oneOf,
  optionalString,
  requireLevel,
  requireString,
} from './types.js';

const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;
const OPEN_TYPES = [
  'all',
  'limit',
  'trigger_all',
  'stop_all',
  'stop_limit',
  'stop_market',
  'take_all',
  'take_limit',
  'take_market',
  'trailing_all',
  'trailing_stop',
] as const;

/** Open orders of the caller passing the `type` param (`all` by default) and `filter`. */
function openOrders(ctx: CallContext, filter: (order: EmulatedOrder) => boolean): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const type = oneOf(ctx.params, 'type', OPEN_TYPES, 'all');
  const orders = ctx.core.orders.list(
    session.subjectId,
    (order) => (type === 'all' || order.order_type === type) && filter(order),
  );
  return copies(orders);
}

function kindFilter(ctx: CallContext): (instrument: string) => boolean {
  const kind = oneOf(ctx.params, 'kind', KINDS, 'any');
  return (instrument) => kind === 'any' || kindOf(instrument) === kind;
}

function openAll(ctx: CallContext): unknown {
  const ofKind = kindFilter(ctx);
  return openOrders(ctx, (order) => ofKind(order.instrument_name));
}

function openByCurrency(ctx: CallContext): unknown {
  const currency = requireString(ctx.params, 'currency');
  const ofKind = kindFilter(ctx);
  return openOrders(
    ctx,
    (order) => inCurrency(order.instrument_name, currency) && ofKind(order.instrument_name),
  );
}

function openByInstrument(ctx: CallContext): unknown {
  const instrument = requireInstrument(ctx.core.instruments, ctx.params);
  return openOrders(ctx, (order) => order.instrument_name === instrument.instrument_name);
}

function orderState(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  return { ...ownOrder(ctx, session.subjectId, false) };
}

/** `private/get_order_state_by_label {currency, label}`: every order (open or closed) with that label. */
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
  const ofKind = kindFilter(ctx);
  const list = ctx.core.positions.list(
    session.subjectId,
    (position) => inCurrency(position.instrument_name, currency) && ofKind(position.instrument_name),
  );
  return list.map((position) => ({ ...refreshPosition(ctx.core, session.subjectId, position) }));
}

/** Query methods. */
export const orderQueryMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/get_open_orders', { private: true, handler: openAll }],
  ['private/get_open_orders_by_currency', { private: true, handler: openByCurrency }],
  ['private/get_open_orders_by_instrument', { private: true, handler: openByInstrument }],
  ['private/get_order_state', { private: true, handler: orderState }],
  ['private/get_order_state_by_label', { private: true, handler: orderStateByLabel }],
  ['private/get_positions', { private: true, handler: positions }],
];
