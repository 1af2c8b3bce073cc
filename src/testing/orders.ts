/**
 * The emulator's order store. Orders belong to a subject and remember the socket that placed them (for
 * connection-scoped cancel-on-disconnect). There is no matching engine: a limit order rests until it is
 * edited, cancelled or filled by the `fill()` hook; a market order fills at once at the mark price.
 * Closed orders are kept, so `private/get_order_state` finds them. Field names are Deribit's.
 * @module
 */

import { settlementCurrency } from './instruments.js';

/** An order as Deribit returns it (the fields the emulator models). */
export interface EmulatedOrder {
  order_id: string;
  order_state: 'open' | 'filled' | 'cancelled';
  order_type: string;
  time_in_force: string;
  direction: 'buy' | 'sell';
  instrument_name: string;
  amount: number;
  filled_amount: number;
  /** Average fill price; 0 before any fill. */
  average_price: number;
  /** The limit price, or `'market_price'` for a market order. */
  price: number | 'market_price';
  label: string;
  post_only: boolean;
  reject_post_only: boolean;
  reduce_only: boolean;
  max_show: number;
  api: boolean;
  web: boolean;
  replaced: boolean;
  is_liquidation: boolean;
  risk_reducing: boolean;
  creation_timestamp: number;
  last_update_timestamp: number;
  /** Set when cancelled: `user_request` or `cancel_on_disconnect`. */
  cancel_reason?: string;
}

/** A fill as Deribit reports it on `user.trades.*` and in order results. */
export interface EmulatedTrade {
  trade_id: string;
  trade_seq: number;
  instrument_name: string;
  timestamp: number;
  order_id: string;
  order_type: string;
  matching_id: null;
  direction: 'buy' | 'sell';
  tick_direction: number;
  price: number;
  /** The emulator has no market data: index and mark price are the trade price. */
  index_price: number;
  mark_price: number;
  amount: number;
  fee: number;
  fee_currency: string;
  /** The order's state after this fill. */
  state: EmulatedOrder['order_state'];
  /** `M` for a resting order filled by the hook, `T` for a market order. */
  liquidity: 'M' | 'T';
  label: string;
  post_only: boolean;
  reduce_only: boolean;
  api: boolean;
  mmp: boolean;
  risk_reducing: boolean;
  profit_loss: number;
}

/** What `private/buy` / `private/sell` set on a new order. */
export type OrderFields = Pick<
  EmulatedOrder,
  | 'direction'
  | 'instrument_name'
  | 'amount'
  | 'price'
  | 'label'
  | 'order_type'
  | 'time_in_force'
  | 'post_only'
  | 'reject_post_only'
  | 'reduce_only'
  | 'max_show'
>;

/** An order with its owner. */
export interface StoredOrder {
  readonly order: EmulatedOrder;
  readonly subjectId: number;
  readonly connectionId: number;
}

/** A fill: the order after it, and the trade. */
export interface Fill {
  readonly stored: StoredOrder;
  readonly trade: EmulatedTrade;
}

/** Orders of every subject. */
export class OrderBook {
  readonly #orders = new Map<string, StoredOrder>();
  #counter = 0;
  #tradeCounter = 0;

  /** Place an open order. */
  place(subjectId: number, connectionId: number, fields: OrderFields, now: number): EmulatedOrder {
    this.#counter += 1;
    const order: EmulatedOrder = {
      order_id: `EMU-${this.#counter}`,
      order_state: 'open',
      filled_amount: 0,
      average_price: 0,
      api: true,
      web: false,
      replaced: false,
      is_liquidation: false,
      risk_reducing: false,
      creation_timestamp: now,
      last_update_timestamp: now,
      ...fields,
    };
    this.#orders.set(order.order_id, { order, subjectId, connectionId });
    return order;
  }

  /** An order of any subject, open or closed. */
  find(orderId: string): StoredOrder | undefined {
    return this.#orders.get(orderId);
  }

  /** An order of `subjectId`, open or closed. */
  get(subjectId: number, orderId: string): EmulatedOrder | undefined {
    const stored = this.#orders.get(orderId);
    return stored?.subjectId === subjectId ? stored.order : undefined;
  }

  /** Change amount and price of an open order (`replaced` becomes `true`). */
  edit(order: EmulatedOrder, amount: number, price: number | undefined, now: number): void {
    order.amount = amount;
    order.max_show = amount;
    if (price !== undefined) order.price = price;
    order.replaced = true;
    order.last_update_timestamp = now;
  }

  /**
   * Cancel an open order of `subjectId` with `cancel_reason` (none when `undefined`); `undefined` when
   * there is no such open order.
   */
  cancel(
    subjectId: number,
    orderId: string,
    now: number,
    reason: string | undefined,
  ): EmulatedOrder | undefined {
    const stored = this.#orders.get(orderId);
    if (!stored || stored.subjectId !== subjectId || stored.order.order_state !== 'open') return undefined;
    return OrderBook.#close(stored.order, now, reason);
  }

  static #close(order: EmulatedOrder, now: number, reason: string | undefined): EmulatedOrder {
    order.order_state = 'cancelled';
    if (reason !== undefined) order.cancel_reason = reason;
    order.last_update_timestamp = now;
    return order;
  }

  /** Cancel every open order of `subjectId` (only those placed on `connectionId`, when given). */
  cancelWhere(
    subjectId: number,
    connectionId: number | undefined,
    now: number,
    reason = 'user_request',
  ): EmulatedOrder[] {
    const cancelled: EmulatedOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.subjectId !== subjectId || stored.order.order_state !== 'open') continue;
      if (connectionId !== undefined && stored.connectionId !== connectionId) continue;
      cancelled.push(OrderBook.#close(stored.order, now, reason));
    }
    return cancelled;
  }

  /** Fill `amount` of an open order at `price`; the order is `filled` once nothing is left. */
  fill(stored: StoredOrder, amount: number, price: number, liquidity: 'M' | 'T', now: number): Fill {
    const order = stored.order;
    const filled = order.filled_amount + amount;
    order.average_price = (order.average_price * order.filled_amount + price * amount) / filled;
    order.filled_amount = filled;
    if (filled >= order.amount) order.order_state = 'filled';
    order.last_update_timestamp = now;
    this.#tradeCounter += 1;
    const trade: EmulatedTrade = {
      trade_id: `EMU-T${this.#tradeCounter}`,
      trade_seq: this.#tradeCounter,
      instrument_name: order.instrument_name,
      timestamp: now,
      order_id: order.order_id,
      order_type: order.order_type,
      matching_id: null,
      direction: order.direction,
      tick_direction: 0,
      price,
      index_price: price,
      mark_price: price,
      amount,
      fee: 0,
      fee_currency: settlementCurrency(order.instrument_name),
      state: order.order_state,
      liquidity,
      label: order.label,
      post_only: order.post_only,
      reduce_only: order.reduce_only,
      api: order.api,
      mmp: false,
      risk_reducing: false,
      profit_loss: 0,
    };
    return { stored, trade };
  }

  /** Orders of `subjectId` (open ones only unless `all`) that pass `filter`, oldest first. */
  list(subjectId: number, filter: (order: EmulatedOrder) => boolean, all = false): EmulatedOrder[] {
    const result: EmulatedOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.subjectId !== subjectId) continue;
      if (!all && stored.order.order_state !== 'open') continue;
      if (filter(stored.order)) result.push(stored.order);
    }
    return result;
  }
}
