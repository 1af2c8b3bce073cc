/**
 * Fetching what changed during a gap, one currency at a time: its open orders, its order history (newest first,
 * down to the gap's start) and its trades since the gap's start (oldest first, page by page). A few requests a
 * currency, whatever happened in the gap, and bounded: past {@link MAX_TRADE_PAGES} pages of trades or
 * {@link MAX_HISTORY_PAGES} of history, the snapshot says it is incomplete rather than pretend.
 * @module
 */
import type { Order, UserTrade } from '../api/orders.js';
import type { SocketLifetime } from '../connection/lifetime.js';

/** Trades a page, and pages at most (10,000 trades a gap). */
export const TRADES_PER_PAGE = 1000;
export const MAX_TRADE_PAGES = 10;
/** Orders of history a page, and pages at most. */
export const HISTORY_PER_PAGE = 1000;
export const MAX_HISTORY_PAGES = 5;

/** What one currency's gap held. */
export interface Snapshot {
  readonly currency: string;
  /** Open orders and orders closed since the gap began, each in its newest version. */
  readonly orders: readonly Order[];
  /** Trades since the gap began, oldest first, each once. */
  readonly trades: readonly UserTrade[];
  /** False when a bound was hit: more happened than was fetched. */
  readonly complete: boolean;
  /** Whether the order history was read to the gap's start (a lost order's absence means something). */
  readonly ordersComplete: boolean;
}

/** What to fetch for one currency. */
export interface FetchPlan {
  readonly currency: string;
  /** Server time (ms) the gap began. */
  readonly since: number;
  readonly orders: boolean;
  readonly trades: boolean;
}

function isOrder(value: unknown): value is Order {
  return typeof value === 'object' && value !== null && typeof (value as Order).order_id === 'string';
}

function isTrade(value: unknown): value is UserTrade {
  return typeof value === 'object' && value !== null && typeof (value as UserTrade).trade_id === 'string';
}

/** Fetch `plan` on `life`; throws when a request fails (the caller reports what could not be resynced). */
export async function fetchSnapshot(
  life: SocketLifetime,
  plan: FetchPlan,
  timeout: number,
): Promise<Snapshot> {
  const ask = (method: string, params: Record<string, unknown>): Promise<unknown> =>
    life.request(method, params, { timeout, signal: life.signal });
  const { currency, since } = plan;
  let complete = true;
  let ordersComplete = true;
  const byId = new Map<string, Order>();
  const keep = (order: Order): void => {
    const known = byId.get(order.order_id);
    if (known === undefined || known.last_update_timestamp <= order.last_update_timestamp)
      byId.set(order.order_id, order);
  };
  const trades: UserTrade[] = [];
  const tasks: Promise<void>[] = [];
  if (plan.orders) {
    tasks.push(
      ask('private/get_open_orders_by_currency', { currency }).then((open) => {
        if (Array.isArray(open)) for (const order of open) if (isOrder(order)) keep(order);
      }),
      (async () => {
        for (let page = 0; ; page++) {
          const history = await ask('private/get_order_history_by_currency', {
            currency,
            count: HISTORY_PER_PAGE,
            offset: page * HISTORY_PER_PAGE,
            include_unfilled: true,
          });
          const orders = Array.isArray(history) ? history.filter(isOrder) : [];
          for (const order of orders) if (order.last_update_timestamp >= since) keep(order);
          const oldest = orders.at(-1);
          if (
            orders.length < HISTORY_PER_PAGE ||
            oldest === undefined ||
            oldest.last_update_timestamp < since
          )
            return;
          if (page + 1 >= MAX_HISTORY_PAGES) {
            complete = false;
            ordersComplete = false;
            return;
          }
        }
      })(),
    );
  }
  if (plan.trades) {
    tasks.push(
      (async () => {
        const seen = new Set<string>();
        let from = since;
        for (let page = 0; ; page++) {
          const answer = (await ask('private/get_user_trades_by_currency', {
            currency,
            start_timestamp: from,
            count: TRADES_PER_PAGE,
            sorting: 'asc',
          })) as { trades?: unknown; has_more?: unknown } | null;
          const list = Array.isArray(answer?.trades) ? answer.trades.filter(isTrade) : [];
          for (const trade of list) {
            if (seen.has(trade.trade_id)) continue;
            seen.add(trade.trade_id);
            trades.push(trade);
          }
          const last = list.at(-1);
          if (answer?.has_more !== true || last === undefined) return;
          if (page + 1 >= MAX_TRADE_PAGES) {
            complete = false;
            return;
          }
          from = last.timestamp; // the same millisecond again: its trades are skipped by id
        }
      })(),
    );
  }
  await Promise.all(tasks);
  trades.sort((a, b) => a.timestamp - b.timestamp || a.trade_seq - b.trade_seq);
  const orders = [...byId.values()].sort((a, b) => a.last_update_timestamp - b.last_update_timestamp);
  return { currency, orders, trades, complete, ordersComplete };
}
