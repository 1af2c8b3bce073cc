/**
 * Account summary, orders and cancel-on-disconnect.
 * @module
 */

import { ErrorCode } from '../../codes.js';
import { forbidden, invalidParams, RpcFailure } from '../errors.js';
import { hasLevel } from '../grant.js';
import type { EmulatedOrder } from '../orders.js';
import type { AuthSession } from '../tokens.js';
import { type CallContext, type MethodSpec, optionalString, requireNumber, requireString } from './types.js';

/** The session of a private call (the dispatcher guarantees one). */
function sessionOf(ctx: CallContext): AuthSession {
  if (!ctx.session) throw new RpcFailure(ErrorCode.unauthorized, { reason: 'authorization required' });
  return ctx.session;
}

function requireLevel(
  ctx: CallContext,
  area: 'account' | 'trade' | 'wallet',
  level: 'read' | 'read_write',
): AuthSession {
  const session = sessionOf(ctx);
  if (!hasLevel(session.scope, area, level)) throw forbidden(`scope ${area}:${level} required`);
  return session;
}

function publishOrder(ctx: CallContext, subjectId: number, order: EmulatedOrder): void {
  ctx.core.publish(`user.orders.${order.instrument_name}.raw`, { ...order }, { subjectId });
}

function accountSummary(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'account', 'read');
  const currency = requireString(ctx.params, 'currency');
  return {
    id: session.subjectId,
    currency,
    equity: 100,
    balance: 100,
    available_funds: 100,
    margin_balance: 100,
    initial_margin: 0,
    maintenance_margin: 0,
    system_name: `emulator_${session.subjectId}`,
  };
}

function place(ctx: CallContext, direction: 'buy' | 'sell'): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const { params } = ctx;
  const instrument = requireString(params, 'instrument_name');
  const amount = requireNumber(params, 'amount');
  if (amount <= 0) throw invalidParams('amount', 'amount must be positive');
  const type = optionalString(params, 'type') ?? 'limit';
  const label = optionalString(params, 'label') ?? '';
  let price: number | 'market_price' = 'market_price';
  if (type === 'limit' || params['price'] !== undefined) price = requireNumber(params, 'price');
  const order = ctx.core.orders.place(
    session.subjectId,
    ctx.connection.id,
    { direction, instrument_name: instrument, amount, price, label, order_type: type },
    ctx.core.now(),
  );
  publishOrder(ctx, session.subjectId, order);
  return { order: { ...order }, trades: [] };
}

function cancel(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const orderId = requireString(ctx.params, 'order_id');
  const order = ctx.core.orders.cancel(session.subjectId, orderId, ctx.core.now());
  if (!order)
    throw new RpcFailure(ErrorCode.notOpenOrder, { reason: 'no open order with this id', param: 'order_id' });
  publishOrder(ctx, session.subjectId, order);
  return { ...order };
}

function cancelAll(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read_write');
  const cancelled = ctx.core.orders.cancelWhere(session.subjectId, undefined, ctx.core.now());
  for (const order of cancelled) publishOrder(ctx, session.subjectId, order);
  return cancelled.length;
}

function openOrders(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const currency = requireString(ctx.params, 'currency');
  return ctx.core.orders.open(session.subjectId, currency).map((order) => ({ ...order }));
}

function enableCod(ctx: CallContext): unknown {
  requireLevel(ctx, 'account', 'read_write');
  const scope = ctx.params['scope'] ?? 'connection';
  if (scope !== 'connection' && scope !== 'account') {
    throw invalidParams('scope', 'scope must be connection or account');
  }
  ctx.connection.cod.enabled = true;
  ctx.connection.cod.scope = scope;
  return 'ok';
}

function disableCod(ctx: CallContext): unknown {
  requireLevel(ctx, 'account', 'read_write');
  const scope = ctx.params['scope'] ?? 'connection';
  if (scope !== 'connection' && scope !== 'account') {
    throw invalidParams('scope', 'scope must be connection or account');
  }
  ctx.connection.cod.enabled = false;
  return 'ok';
}

function getCod(ctx: CallContext): unknown {
  requireLevel(ctx, 'account', 'read');
  return { scope: ctx.connection.cod.scope, enabled: ctx.connection.cod.enabled };
}

/** Trading and account methods. */
export const tradingMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/get_account_summary', { private: true, handler: accountSummary }],
  ['private/buy', { private: true, handler: (ctx) => place(ctx, 'buy') }],
  ['private/sell', { private: true, handler: (ctx) => place(ctx, 'sell') }],
  ['private/cancel', { private: true, handler: cancel }],
  ['private/cancel_all', { private: true, handler: cancelAll }],
  ['private/get_open_orders_by_currency', { private: true, handler: openOrders }],
  ['private/enable_cancel_on_disconnect', { private: true, handler: enableCod }],
  ['private/disable_cancel_on_disconnect', { private: true, handler: disableCod }],
  ['private/get_cancel_on_disconnect', { private: true, handler: getCod }],
];
