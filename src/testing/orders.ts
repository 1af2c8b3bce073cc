/**
 * The emulator's order store: every order of every subject (closed ones are kept, for `get_order_state` and the
 * order history) and every trade (for `get_user_trades_by_*`). Orders remember the socket that placed them, for
 * connection-scoped cancel-on-disconnect. Matching lives in `matching.ts`; field names are Deribit's, with the
 * fields production sends in 2025–2026 (`user_id`, `mmp`, `contracts`, `web`, `api`, `replaced`, `risk_reducing`,
 * `is_liquidation`; no `max_show`).
 * @module
 */

import type { EmulatedInstrument } from './instruments/catalog.js';
import { marginCurrency } from './instruments/registry.js';

/** Why the emulator cancels an order (Deribit's values). */
export type CancelReason = 'user_request' | 'cancel_on_disconnect';

/** An order as Deribit returns it (the fields the emulator models). */
export interface EmulatedOrder {
  order_id: string;
  order_state: 'open' | 'filled' | 'cancelled';
  order_type: 'limit' | 'market';
  time_in_force: 'good_til_cancelled' | 'good_til_day' | 'fill_or_kill' | 'immediate_or_cancel';
  direction: 'buy' | 'sell';
  instrument_name: string;
  amount: number;
  /** `amount` in contracts (`amount / contract_size`). */
  contracts: number;
  filled_amount: number;
  /** Average fill price; 0 before any fill. */
  average_price: number;
  /** The limit price, or `'market_price'` for a market order. */
  price: number | 'market_price';
  label: string;
  post_only: boolean;
  /** Present only when `post_only` is true, as on Deribit. */
  reject_post_only?: boolean;
  reduce_only: boolean;
  api: boolean;
  web: boolean;
  mmp: boolean;
  replaced: boolean;
  is_liquidation: boolean;
  risk_reducing: boolean;
  user_id: number;
  creation_timestamp: number;
  last_update_timestamp: number;
  /** Set when cancelled by request or by cancel-on-disconnect. */
  cancel_reason?: CancelReason;
}

/** A fill as Deribit reports it on `user.trades.*`, in order results and in `get_user_trades_by_*`. */
export interface EmulatedTrade {
  trade_id: string;
  trade_seq: number;
  instrument_name: string;
  timestamp: number;
  order_id: string;
  order_type: EmulatedOrder['order_type'];
  /** Always `null`, as on Deribit. */
  matching_id: null;
  /** The side of the user's order. */
  direction: 'buy' | 'sell';
  tick_direction: 0 | 1 | 2 | 3;
  price: number;
  index_price: number;
  mark_price: number;
  amount: number;
  contracts: number;
  fee: number;
  fee_currency: string;
  /** The order's state after this fill. */
  state: EmulatedOrder['order_state'];
  /** `M` when the user's order rested (maker), `T` when it took liquidity. */
  liquidity: 'M' | 'T';
  label: string;
  post_only: boolean;
  reduce_only: boolean;
  api: boolean;
  mmp: boolean;
  risk_reducing: boolean;
  /** `true` when both sides belong to the same main account (two of its subaccounts). */
  self_trade: boolean;
  profit_loss: number;
  user_id: number;
}

/** What `private/buy` / `private/sell` set on a new order. */
export type OrderFields = Pick<
  EmulatedOrder,
  | 'direction'
  | 'instrument_name'
  | 'amount'
  | 'contracts'
  | 'price'
  | 'label'
  | 'order_type'
  | 'time_in_force'
  | 'post_only'
  | 'reduce_only'
  | 'mmp'
> & { readonly reject_post_only?: boolean | undefined };

/** An order with its owner. */
export interface StoredOrder {
  readonly order: EmulatedOrder;
  readonly subjectId: number;
  /** The socket that placed it (`0` for the emulator's own counterparty orders). */
  readonly connectionId: number;
  /** Placement sequence: time priority in the book. */
  readonly seq: number;
}

/** A trade with its owner and its place in the history. */
export interface StoredTrade {
  readonly trade: EmulatedTrade;
  readonly subjectId: number;
  /** Position in the whole trade history (both sides of a match have one each). */
  readonly index: number;
}

/** What one side of a match needs to build its trade. */
export interface FillInput {
  /** The public trade's id: both sides of a match share it, as on Deribit. */
  readonly tradeId: number;
  readonly amount: number;
  readonly price: number;
  readonly liquidity: 'M' | 'T';
  readonly indexPrice: number;
  readonly markPrice: number;
  readonly tradeSeq: number;
  readonly tickDirection: EmulatedTrade['tick_direction'];
  readonly selfTrade: boolean;
  readonly now: number;
}

/** Orders and trades of every subject. */
export class OrderBook {
  readonly #orders = new Map<string, StoredOrder>();
  readonly #trades: StoredTrade[] = [];
  #counter = 0;
  #tradeIds = 0;
  #version = 0;

  /** Grows with every change to any order: the book's `change_id`. */
  get version(): number {
    return this.#version;
  }

  /** Note a change to the book (placements, edits, cancels and fills call it). */
  touch(): void {
    this.#version += 1;
  }

  /** A new public trade id (shared by the two sides of one fill). */
  nextTradeId(): number {
    this.#tradeIds += 1;
    return this.#tradeIds;
  }

  /** Place an open order. */
  place(subjectId: number, connectionId: number, fields: OrderFields, now: number): StoredOrder {
    this.#counter += 1;
    const { reject_post_only: rejectPostOnly, ...rest } = fields;
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
      user_id: subjectId,
      creation_timestamp: now,
      last_update_timestamp: now,
      ...rest,
    };
    if (order.post_only) order.reject_post_only = rejectPostOnly ?? false;
    const stored: StoredOrder = { order, subjectId, connectionId, seq: this.#counter };
    this.touch();
    this.#orders.set(order.order_id, stored);
    return stored;
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
  edit(
    order: EmulatedOrder,
    amount: number,
    contracts: number,
    price: number | undefined,
    now: number,
  ): void {
    order.amount = amount;
    order.contracts = contracts;
    if (price !== undefined) order.price = price;
    order.replaced = true;
    order.last_update_timestamp = now;
    this.touch();
  }

  /** Close an open order as cancelled (with `cancel_reason` unless `undefined`). */
  static cancel(order: EmulatedOrder, now: number, reason: CancelReason | undefined): EmulatedOrder {
    order.order_state = 'cancelled';
    if (reason !== undefined) order.cancel_reason = reason;
    order.last_update_timestamp = now;
    return order;
  }

  /** Cancel every open order of `subjectId` that passes `filter`. */
  cancelWhere(
    subjectId: number,
    filter: (stored: StoredOrder) => boolean,
    now: number,
    reason: CancelReason,
  ): EmulatedOrder[] {
    const cancelled: EmulatedOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.subjectId !== subjectId || stored.order.order_state !== 'open') continue;
      if (filter(stored)) cancelled.push(OrderBook.cancel(stored.order, now, reason));
    }
    if (cancelled.length > 0) this.touch();
    return cancelled;
  }

  /** Record a fill of `stored` and return its trade; the order is `filled` once nothing is left. */
  fill(stored: StoredOrder, instrument: EmulatedInstrument, input: FillInput): EmulatedTrade {
    const order = stored.order;
    const filled = order.filled_amount + input.amount;
    order.average_price = (order.average_price * order.filled_amount + input.price * input.amount) / filled;
    order.filled_amount = filled;
    if (filled >= order.amount - 1e-12) order.order_state = 'filled';
    order.last_update_timestamp = input.now;
    this.touch();
    const index = this.#trades.length + 1;
    const trade: EmulatedTrade = {
      trade_id: String(input.tradeId),
      trade_seq: input.tradeSeq,
      instrument_name: order.instrument_name,
      timestamp: input.now,
      order_id: order.order_id,
      order_type: order.order_type,
      matching_id: null,
      direction: order.direction,
      tick_direction: input.tickDirection,
      price: input.price,
      index_price: input.indexPrice,
      mark_price: input.markPrice,
      amount: input.amount,
      contracts: input.amount / instrument.contract_size,
      fee: 0,
      fee_currency: marginCurrency(instrument),
      state: order.order_state,
      liquidity: input.liquidity,
      label: order.label,
      post_only: order.post_only,
      reduce_only: order.reduce_only,
      api: order.api,
      mmp: order.mmp,
      risk_reducing: order.risk_reducing,
      self_trade: input.selfTrade,
      profit_loss: 0,
      user_id: stored.subjectId,
    };
    this.#trades.push({ trade, subjectId: stored.subjectId, index });
    return trade;
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

  /** Open orders of every subject on `instrument`, in time priority. */
  resting(instrument: string): StoredOrder[] {
    const result: StoredOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.order.instrument_name === instrument && stored.order.order_state === 'open')
        result.push(stored);
    }
    return result;
  }

  /** Trades of `subjectId` that pass `filter`, oldest first. */
  trades(subjectId: number, filter: (stored: StoredTrade) => boolean): StoredTrade[] {
    return this.#trades.filter((stored) => stored.subjectId === subjectId && filter(stored));
  }
}
