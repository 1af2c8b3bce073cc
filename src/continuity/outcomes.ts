/**
 * Order calls whose answer was lost: in flight when the socket dropped, so their `ConnectionClosedError` says
 * "outcome unknown". Each such error carries `outcome`, a promise resolved once the session is back, from the
 * orders of its currency (open ones and the history since the call):
 * - `buy`/`sell`: by its `label` (the session can add a unique one: option `labelOrders`), else by its fields
 *   (instrument, direction, amount, price); one match placed or filled, none not placed, several ambiguous;
 * - `edit`, `cancel`: by `order_id`;
 * - the cancel-all family and `cancel_by_label`: by what is still open in its scope.
 * Matching is pure: {@link outcomeOf}.
 * @module
 */

import type { Order } from '../api/orders.js';
import type { OrderOutcome } from '../api/outcomes.js';
import { currencyOf, kindOf } from './scopes.js';

/** Order methods whose lost answers are resolved. */
const RESOLVED: ReadonlySet<string> = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/cancel',
  'private/cancel_all',
  'private/cancel_all_by_currency',
  'private/cancel_all_by_instrument',
  'private/cancel_all_by_kind_or_type',
  'private/cancel_by_label',
]);

/** Calls before this many ms ahead of the call's send time are not it (clocks and queues differ a little). */
const CLOCK_SLACK_MS = 5000;

/** Whether a lost answer of `method` can be resolved. */
export function isResolvable(method: string): boolean {
  return RESOLVED.has(method);
}

/** One order call whose answer was lost. */
export interface LostCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Server time (ms, estimated) when it was sent. */
  readonly sentAt: number;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The currencies whose orders decide `call`'s outcome (`undefined`: every currency the session knows). */
export function currenciesFor(
  call: LostCall,
  instrumentOf: (orderId: string) => string | undefined,
): string[] | undefined {
  const { params } = call;
  const instrument = str(params['instrument_name']) ?? instrumentOf(str(params['order_id']) ?? '');
  if (instrument !== undefined) return [currencyOf(instrument)];
  const currency = str(params['currency']);
  return currency === undefined ? undefined : [currency.toUpperCase()];
}

const sameNumber = (a: unknown, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number' && a === b;

function placedOrFilled(order: Order, matchedBy: 'label' | 'fields'): OrderOutcome {
  return { status: order.order_state === 'filled' ? 'filled' : 'placed', order, matchedBy };
}

/** The outcome of `call`, from `orders` (open orders and history since the call, of its currencies). */
export function outcomeOf(call: LostCall, orders: readonly Order[]): OrderOutcome {
  const { method, params, sentAt } = call;
  const after = orders.filter((order) => order.last_update_timestamp >= sentAt - CLOCK_SLACK_MS);
  if (method === 'private/buy' || method === 'private/sell') {
    const direction = method === 'private/buy' ? 'buy' : 'sell';
    const created = after.filter(
      (order) => order.creation_timestamp >= sentAt - CLOCK_SLACK_MS && order.direction === direction,
    );
    const label = str(params['label']);
    const matches =
      label !== undefined && label !== ''
        ? created.filter((order) => order.label === label)
        : created.filter(
            (order) =>
              order.label === '' &&
              order.instrument_name === params['instrument_name'] &&
              sameNumber(order.amount, params['amount']) &&
              (params['price'] === undefined || sameNumber(order.price, params['price'])),
          );
    const matchedBy = label !== undefined && label !== '' ? 'label' : 'fields';
    if (matches.length === 0) return { status: 'not_placed', matchedBy };
    if (matches.length > 1) return { status: 'ambiguous', orders: matches, matchedBy };
    return placedOrFilled(matches[0] as Order, matchedBy);
  }
  if (method === 'private/edit' || method === 'private/cancel') {
    const order = orders.find((o) => o.order_id === params['order_id']);
    if (order === undefined)
      return { status: 'unknown', reason: `order ${String(params['order_id'])} was not found` };
    if (method === 'private/cancel') {
      // Only a cancelled order was cancelled: open, untriggered, filled or rejected, it was not (its state says).
      const status = order.order_state === 'cancelled' ? 'cancelled' : 'not_cancelled';
      return { status, orders: [order], matchedBy: 'order_id' };
    }
    const edited =
      order.last_update_timestamp >= sentAt - CLOCK_SLACK_MS &&
      (params['amount'] === undefined || sameNumber(order.amount, params['amount'])) &&
      (params['price'] === undefined || sameNumber(order.price, params['price']));
    return { status: edited ? 'edited' : 'not_edited', order, matchedBy: 'order_id' };
  }
  // The cancel-all family: did anything of its scope that existed before the call stay open?
  const inScope = orders.filter(
    (order) => order.creation_timestamp < sentAt + CLOCK_SLACK_MS && scoped(call, order),
  );
  const open = inScope.filter((order) => order.order_state === 'open' || order.order_state === 'untriggered');
  if (open.length > 0) return { status: 'not_cancelled', orders: open, matchedBy: 'scope' };
  return {
    status: 'cancelled',
    orders: inScope.filter((order) => order.order_state === 'cancelled'),
    matchedBy: 'scope',
  };
}

function scoped(call: LostCall, order: Order): boolean {
  const { params } = call;
  const instrument = str(params['instrument_name']);
  if (instrument !== undefined && order.instrument_name !== instrument) return false;
  const currency = str(params['currency']);
  if (currency !== undefined && currencyOf(order.instrument_name) !== currency.toUpperCase()) return false;
  const kind = str(params['kind']);
  if (kind !== undefined && kind !== 'any' && kindOf(order.instrument_name) !== kind) return false;
  const label = str(params['label']);
  if (call.method === 'private/cancel_by_label' && order.label !== label) return false;
  return true;
}
