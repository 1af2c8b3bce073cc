/**
 * Deribit's credit pools and which one each method draws from: one table of pools and one of methods, both
 * Deribit's facts (docs.deribit.com, "Rate Limits", 2025; PROTOCOL.md "Credits, limits and order validation").
 * Every pool is counted in requests, as `private/get_account_summary` reports limits: `rate` requests a second
 * sustained, `burst` requests at once (Deribit's credits are `cost × requests`: 500 × 100 = 50,000 credits).
 * @module
 */

/** A credit pool of one subaccount. Each method draws from exactly one. */
export type PoolName =
  /** Every request not listed elsewhere, `public/auth`, heartbeat answers and `public/test` included. */
  | 'non_matching'
  /** Matching-engine requests (orders, edits, cancels), tiered by the 7-day volume. */
  | 'matching'
  /** `private/mass_quote`: Deribit's rate limits "do not apply to Mass Quotes"; they have their own. */
  | 'mass_quote'
  /** `public/subscribe` and `private/subscribe`: 3,000 credits each from 30,000, refilled at 10,000/s. */
  | 'subscribe'
  /** `public/get_instruments`: 10,000 credits each from 500,000, 1 a second. */
  | 'get_instruments'
  /** `private/get_transaction_log`: 10,000 credits each from 80,000, 1 a second. */
  | 'get_transaction_log'
  /** `private/move_positions`: 100,000 credits each from 600,000, 6 a minute. */
  | 'move_positions';

/** The order in which calls short of credits go: `critical` first, then cancels, orders, everything else. */
export type Priority = 'critical' | 'cancel' | 'order' | 'other';

/** A pool's size, in requests: `rate` a second sustained, `burst` at once (both > 0, finite). */
export interface PoolLimit {
  /** Requests a second that the pool refills. */
  readonly rate: number;
  /** Requests the full pool holds. */
  readonly burst: number;
}

/** A limit for some pools (the others keep theirs). */
export type PoolLimits = Partial<Readonly<Record<PoolName, PoolLimit>>>;

interface PoolRow {
  /** Deribit's documented default for a new account. */
  readonly limit: PoolLimit;
  /**
   * Requests kept for `critical` calls (heartbeat answers, liveness probes, auth), which no other call may
   * take: a `test_request` answer must never wait behind user calls, or the server closes the socket.
   */
  readonly reserve: number;
}

/** Every pool, with Deribit's default limit. Typed as a full record: adding a pool without a row fails to compile. */
export const POOLS: Readonly<Record<PoolName, PoolRow>> = {
  non_matching: { limit: { rate: 20, burst: 100 }, reserve: 2 },
  matching: { limit: { rate: 5, burst: 20 }, reserve: 0 },
  mass_quote: { limit: { rate: 10, burst: 10 }, reserve: 0 },
  subscribe: { limit: { rate: 10 / 3, burst: 10 }, reserve: 0 },
  get_instruments: { limit: { rate: 1, burst: 50 }, reserve: 0 },
  get_transaction_log: { limit: { rate: 1, burst: 8 }, reserve: 0 },
  move_positions: { limit: { rate: 0.1, burst: 6 }, reserve: 0 },
};

/** The pool names, in the table's order. */
export const POOL_NAMES = Object.keys(POOLS) as readonly PoolName[];

/** Where a method draws from, and how it queues when credits are short. */
export interface MethodClass {
  readonly pool: PoolName;
  readonly priority: Exclude<Priority, 'critical'>;
}

const row = (pool: PoolName, priority: MethodClass['priority']): MethodClass => ({ pool, priority });
const CANCEL = row('matching', 'cancel');
const ORDER = row('matching', 'order');
const MATCHING_OTHER = row('matching', 'other');
const OTHER = row('non_matching', 'other');

/**
 * Methods that do not draw from `non_matching` with `other` priority ("all requests not listed are
 * non-matching engine requests"). `cancel_all` has a `cancel_all` limit of its own in `limits`; it is counted
 * in `matching` here, which stays under both pools while `cancel_all` is at least the trading limit (so in
 * every account shape Deribit documents). Spot orders (the `spot` limit) likewise.
 */
const METHODS: ReadonlyMap<string, MethodClass> = new Map([
  ['private/buy', ORDER],
  ['private/sell', ORDER],
  ['private/edit', ORDER],
  ['private/edit_by_label', ORDER],
  ['private/close_position', ORDER],
  ['private/cancel', CANCEL],
  ['private/cancel_all', CANCEL],
  ['private/cancel_all_by_currency', CANCEL],
  ['private/cancel_all_by_currency_pair', CANCEL],
  ['private/cancel_all_by_instrument', CANCEL],
  ['private/cancel_all_by_kind_or_type', CANCEL],
  ['private/cancel_by_label', CANCEL],
  ['private/cancel_quotes', CANCEL],
  ['private/verify_block_trade', MATCHING_OTHER],
  ['private/execute_block_trade', MATCHING_OTHER],
  ['private/add_block_rfq_quote', row('matching', 'order')],
  ['private/edit_block_rfq_quote', row('matching', 'order')],
  ['private/cancel_block_rfq_quote', CANCEL],
  ['private/cancel_all_block_rfq_quotes', CANCEL],
  ['private/mass_quote', row('mass_quote', 'order')],
  ['public/subscribe', row('subscribe', 'other')],
  ['private/subscribe', row('subscribe', 'other')],
  ['public/get_instruments', row('get_instruments', 'other')],
  ['private/get_transaction_log', row('get_transaction_log', 'other')],
  ['private/move_positions', row('move_positions', 'other')],
]);

/** `method` as `public/x` or `private/x`, whatever spelling Deribit accepts it in (`/x`, `/api/v2/x`). */
export function methodName(method: string): string {
  // This runs on every call: plain prefix checks, no regex.
  if (method.charCodeAt(0) !== 47) return method;
  return method.startsWith('/api/v2/') ? method.slice(8) : method.slice(1);
}

/** Where `method` draws its credits from, and its priority (in any spelling). Pure. */
export function classOf(method: string): MethodClass {
  return METHODS.get(methodName(method)) ?? OTHER;
}

/** The pool `method` draws from, in any spelling (`private/buy`, `/private/buy`, `/api/v2/private/buy`). */
export function poolOf(method: string): PoolName {
  return classOf(method).pool;
}

/**
 * How `method` queues when credits are short: `cancel` (cancel, cancel_all*, cancel_by_label, cancel_quotes),
 * `order` (buy, sell, edit, edit_by_label, close_position, mass_quote), or `other`. Never `critical`: only the
 * session marks its own requests so.
 */
export function priorityOf(method: string): Exclude<Priority, 'critical'> {
  return classOf(method).priority;
}
