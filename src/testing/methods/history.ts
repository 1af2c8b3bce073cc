/**
 * Trade and order history, in Deribit's shapes and params (docs.deribit.com `private/get_user_trades_by_*`,
 * `private/get_order_history_by_*`; PROTOCOL.md). Fills and cancels that happened while the owner had no socket
 * are here like any other: the history belongs to the subject, not to a connection.
 * - `get_user_trades_by_currency {currency, kind?, start_id?, end_id?, start_timestamp?, end_timestamp?, count?,
 *   sorting?, historical?}` and `get_user_trades_by_instrument {instrument_name, start_seq?, end_seq?, …}` →
 *   `{trades, has_more}`; ranges are inclusive; `count` 1–1000, default 10; `sorting` `asc`, `desc` or `default`
 *   (newest first, the emulator's reading of "the order the database returns them");
 * - `get_order_history_by_currency {currency, kind?, count?, offset?, include_old?, include_unfilled?,
 *   with_continuation?, continuation?}` and `…_by_instrument {instrument_name, …}` → closed orders, newest first:
 *   filled or partly filled ones, and with `include_unfilled` also those cancelled without a fill; older than two
 *   days only with `include_old`; `count` default 20; with `with_continuation` the result is
 *   `{orders, continuation}` (the emulator's continuation token is the next offset, `null` at the end).
 * `historical` and `subaccount_id` are accepted and change nothing: the emulator keeps every record.
 * @module
 */

import { invalidParams } from '../errors.js';
import { inCurrency, kindOf } from '../instruments/names.js';
import { requireInstrument } from '../order-rules.js';
import type { EmulatedOrder, StoredTrade } from '../orders.js';
import { copies } from './orders.js';
import {
  type CallContext,
  type MethodSpec,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  requireLevel,
  requireString,
  WRONG_FORMAT,
} from './types.js';

const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;
const SORTING = ['asc', 'desc', 'default'] as const;
/** Orders older than this are left out unless `include_old`. */
const OLD_ORDER_MS = 2 * 24 * 3600 * 1000;

function tradeIdParam(ctx: CallContext, name: string): number | undefined {
  const value = optionalString(ctx.params, name);
  if (value === undefined) return undefined;
  const id = Number(value.replace(/^[A-Z_]+-/, ''));
  if (!Number.isFinite(id)) throw invalidParams(name, WRONG_FORMAT);
  return id;
}

function inRange(value: number, from: number | undefined, to: number | undefined): boolean {
  return (from === undefined || value >= from) && (to === undefined || value <= to);
}

/** Sort, cut to `count` and say whether more matched. */
function page(ctx: CallContext, matched: StoredTrade[]): unknown {
  optionalBoolean(ctx.params, 'historical');
  const count = optionalInteger(ctx.params, 'count', 1, 1000) ?? 10;
  const sorting = oneOf(ctx.params, 'sorting', SORTING, 'default');
  const ordered = [...matched].sort(
    (a, b) => Number(a.trade.trade_id) - Number(b.trade.trade_id) || a.index - b.index,
  );
  if (sorting !== 'asc') ordered.reverse();
  return {
    trades: copies(ordered.slice(0, count).map((stored) => stored.trade)),
    has_more: ordered.length > count,
  };
}

function timeRange(ctx: CallContext): (stored: StoredTrade) => boolean {
  const from = optionalNumber(ctx.params, 'start_timestamp');
  const to = optionalNumber(ctx.params, 'end_timestamp');
  return (stored) => inRange(stored.trade.timestamp, from, to);
}

function tradesByCurrency(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const currency = requireString(ctx.params, 'currency');
  const kind = oneOf(ctx.params, 'kind', KINDS, 'any');
  const startId = tradeIdParam(ctx, 'start_id');
  const endId = tradeIdParam(ctx, 'end_id');
  const inTime = timeRange(ctx);
  const matched = ctx.core.orders.trades(session.subjectId, (stored) => {
    const name = stored.trade.instrument_name;
    return (
      inCurrency(name, currency) &&
      (kind === 'any' || kindOf(name) === kind) &&
      inRange(Number(stored.trade.trade_id), startId, endId) &&
      inTime(stored)
    );
  });
  return page(ctx, matched);
}

function tradesByInstrument(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const instrument = requireInstrument(ctx.core.instruments, ctx.params);
  const startSeq = optionalInteger(ctx.params, 'start_seq', 0, Number.MAX_SAFE_INTEGER);
  const endSeq = optionalInteger(ctx.params, 'end_seq', 0, Number.MAX_SAFE_INTEGER);
  const inTime = timeRange(ctx);
  const matched = ctx.core.orders.trades(
    session.subjectId,
    (stored) =>
      stored.trade.instrument_name === instrument.instrument_name &&
      inRange(stored.trade.trade_seq, startSeq, endSeq) &&
      inTime(stored),
  );
  return page(ctx, matched);
}

function orderHistory(ctx: CallContext, filter: (order: EmulatedOrder) => boolean): unknown {
  const session = requireLevel(ctx, 'trade', 'read');
  const { params, core } = ctx;
  optionalBoolean(params, 'historical');
  const count = optionalInteger(params, 'count', 1, 1000) ?? 20;
  const continuation = optionalString(params, 'continuation');
  const fromToken = continuation === undefined ? undefined : Number(continuation);
  if (fromToken !== undefined && !Number.isInteger(fromToken))
    throw invalidParams('continuation', WRONG_FORMAT);
  const offset = fromToken ?? optionalInteger(params, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const includeOld = optionalBoolean(params, 'include_old') ?? false;
  const includeUnfilled = optionalBoolean(params, 'include_unfilled') ?? false;
  const oldest = core.now() - OLD_ORDER_MS;
  const closed = core.orders
    .list(
      session.subjectId,
      (order) =>
        order.order_state !== 'open' &&
        (includeUnfilled || order.filled_amount > 0) &&
        (includeOld || order.last_update_timestamp >= oldest) &&
        filter(order),
      true,
    )
    .reverse();
  const orders = copies(closed.slice(offset, offset + count));
  if (!(optionalBoolean(params, 'with_continuation') ?? false)) return orders;
  const next = offset + count;
  return { orders, continuation: next < closed.length ? String(next) : null };
}

function historyByCurrency(ctx: CallContext): unknown {
  const currency = requireString(ctx.params, 'currency');
  const kind = oneOf(ctx.params, 'kind', KINDS, 'any');
  return orderHistory(
    ctx,
    (order) =>
      inCurrency(order.instrument_name, currency) &&
      (kind === 'any' || kindOf(order.instrument_name) === kind),
  );
}

function historyByInstrument(ctx: CallContext): unknown {
  const instrument = requireInstrument(ctx.core.instruments, ctx.params);
  return orderHistory(ctx, (order) => order.instrument_name === instrument.instrument_name);
}

/** History methods. */
export const historyMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/get_user_trades_by_currency', { private: true, handler: tradesByCurrency }],
  ['private/get_user_trades_by_instrument', { private: true, handler: tradesByInstrument }],
  ['private/get_order_history_by_currency', { private: true, handler: historyByCurrency }],
  ['private/get_order_history_by_instrument', { private: true, handler: historyByInstrument }],
];
