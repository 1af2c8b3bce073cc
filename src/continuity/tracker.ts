/**
 * What the session delivered on its private order and trade channels: which trades (by id) and which versions
 * of orders (by id and `last_update_timestamp`), so a resync after a gap delivers only what is new, each once;
 * the currencies seen; the instrument of each order id. While a resync runs, live notifications of the channels
 * it fills are held, then delivered after the replay (in order, without what the replay already delivered).
 * @module
 */
import { currencyOf, scopeOf } from './scopes.js';

/** How many trade ids and order versions are remembered (the oldest are forgotten first). */
const REMEMBERED = 20_000;
const NONE: ReadonlySet<string> = new Set();

/** Past {@link REMEMBERED} entries, forget the oldest (Sets and Maps iterate in insertion order). */
function forgetOldest(entries: Set<string> | Map<string, unknown>): void {
  if (entries.size > REMEMBERED) entries.delete(entries.keys().next().value as string);
}

/** A trade as the tracker reads it. */
export interface TradeLike {
  readonly trade_id?: unknown;
  readonly instrument_name?: unknown;
  readonly timestamp?: unknown;
}

/** An order as the tracker reads it. */
export interface OrderLike {
  readonly order_id?: unknown;
  readonly instrument_name?: unknown;
  readonly last_update_timestamp?: unknown;
}

/** Two versions of one order updated in the same millisecond differ in their state or fills. */
function versionOf(order: OrderLike): string {
  const o = order as {
    last_update_timestamp?: unknown;
    order_state?: unknown;
    filled_amount?: unknown;
    amount?: unknown;
    price?: unknown;
  };
  return `${String(o.last_update_timestamp)}|${String(o.order_state)}|${String(o.filled_amount)}|${String(o.amount)}|${String(o.price)}`;
}

function asList(data: unknown): readonly unknown[] {
  return Array.isArray(data) ? data : data === undefined || data === null ? [] : [data];
}

/** Delivered state of one session's private channels. */
export class DeliveryTracker {
  // Each made on first use: a session that never sees a private order or trade (most, in a process holding
  // hundreds) should not carry four empty collections (about 0.7 KiB).
  #trades: Set<string> | undefined;
  /** The last delivered version of each order: its update time, and what else tells two versions apart. */
  #orders: Map<string, { readonly at: number; readonly version: string }> | undefined;
  #instruments: Map<string, string> | undefined;
  #currencies: Set<string> | undefined;
  #held: Array<readonly [channel: string, data: unknown]> | undefined;

  /** The currencies of the instruments seen (empty until one is). */
  get currencies(): ReadonlySet<string> {
    return this.#currencies ?? NONE;
  }

  /** Whether `channel`'s notifications are worth reading (the gap-filled families). */
  static tracks(channel: string): boolean {
    return (
      channel.startsWith('user.orders.') ||
      channel.startsWith('user.trades.') ||
      channel.startsWith('user.changes.')
    );
  }

  /** Hold live notifications of tracked channels until {@link release}. */
  hold(): void {
    this.#held ??= [];
  }

  /** Whether a live notification must wait (a resync runs): then it is kept, in order. */
  held(channel: string, data: unknown): boolean {
    if (this.#held === undefined) return false;
    this.#held.push([channel, data]);
    return true;
  }

  /** Stop holding; the held notifications, for the caller to deliver. */
  release(): Array<readonly [string, unknown]> {
    const held = this.#held ?? [];
    this.#held = undefined;
    return held;
  }

  /** Record what a notification of `channel` delivered. */
  observe(channel: string, data: unknown): void {
    const family = scopeOf(channel)?.family;
    if (family === 'trades') for (const trade of asList(data)) this.noteTrade(trade as TradeLike);
    else if (family === 'orders') for (const order of asList(data)) this.noteOrder(order as OrderLike);
    else if (family === 'changes' && typeof data === 'object' && data !== null) {
      const changes = data as { trades?: unknown; orders?: unknown };
      for (const trade of asList(changes.trades)) this.noteTrade(trade as TradeLike);
      for (const order of asList(changes.orders)) this.noteOrder(order as OrderLike);
    }
  }

  /** Whether this trade was delivered already. */
  seenTrade(trade: TradeLike): boolean {
    return typeof trade.trade_id === 'string' && (this.#trades?.has(trade.trade_id) ?? false);
  }

  /** Whether this version of the order, or a newer one, was delivered already. */
  seenOrder(order: OrderLike): boolean {
    if (typeof order.order_id !== 'string') return false;
    const seen = this.#orders?.get(order.order_id);
    if (seen === undefined || typeof order.last_update_timestamp !== 'number') return false;
    return seen.at > order.last_update_timestamp || seen.version === versionOf(order);
  }

  noteTrade(trade: TradeLike): void {
    if (typeof trade.trade_id !== 'string') return;
    this.#trades ??= new Set();
    const trades = this.#trades;
    trades.add(trade.trade_id);
    forgetOldest(trades);
    this.#noteInstrument(trade.instrument_name);
  }

  noteOrder(order: OrderLike): void {
    if (typeof order.order_id !== 'string') return;
    const at = typeof order.last_update_timestamp === 'number' ? order.last_update_timestamp : 0;
    this.#orders ??= new Map();
    const orders = this.#orders;
    const before = orders.get(order.order_id);
    if (before !== undefined && before.at > at) return; // an older version: the newer one stays
    orders.delete(order.order_id); // re-inserted: the newest versions are the last forgotten
    orders.set(order.order_id, { at, version: versionOf(order) });
    forgetOldest(orders);
    if (typeof order.instrument_name === 'string') {
      this.#instruments ??= new Map();
      const instruments = this.#instruments;
      instruments.set(order.order_id, order.instrument_name);
      forgetOldest(instruments);
    }
    this.#noteInstrument(order.instrument_name);
  }

  /** The instrument of an order this session saw, if any. */
  instrumentOf(orderId: string): string | undefined {
    return this.#instruments?.get(orderId);
  }

  #noteInstrument(instrument: unknown): void {
    if (typeof instrument !== 'string') return;
    this.#currencies ??= new Set();
    this.#currencies.add(currencyOf(instrument));
  }
}
