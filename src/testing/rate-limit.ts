/**
 * Deribit's credit-based rate limits. Every request draws credits from a pool that refills continuously
 * (a leaky bucket); a request that finds too few credits is answered with `10028 too_many_requests` and
 * its socket is closed, as Deribit does ("we immediately send too_many_requests and terminate the
 * session"). Matching-engine requests (`private/buy`, `sell`, `edit`, `cancel`, …) draw from their own
 * pool; every other request (`public/auth`, `public/test` and heartbeat answers included) from the
 * non-matching-engine pool.
 *
 * Pools are per subaccount, as on Deribit: an authenticated request draws from its subject's pools,
 * shared by all its sockets. An unauthenticated request draws from its client address's pools (Deribit
 * limits unauthenticated traffic per IP without publishing the numbers: the emulator applies the same
 * defaults). Malformed frames cost nothing.
 * @module
 */

/** One pool of credits. */
export interface CreditPool {
  /** Credits one request costs. */
  readonly cost: number;
  /** Credits the pool holds when full (it starts full). */
  readonly max: number;
  /** Credits added per second, up to `max`. */
  readonly refillPerSecond: number;
}

/** Options of `EmulatorOptions.rateLimits`; `false` disables a pool. */
export interface RateLimitOptions {
  /** Non-matching-engine requests (default {@link DERIBIT_NON_MATCHING_POOL}). */
  readonly nonMatching?: CreditPool | false | undefined;
  /** Matching-engine requests (default {@link DERIBIT_MATCHING_POOL}). */
  readonly matching?: CreditPool | false | undefined;
}

/** Deribit's documented default for non-matching-engine requests: 500 a request, 50,000 max, 10,000/s. */
export const DERIBIT_NON_MATCHING_POOL: CreditPool = { cost: 500, max: 50_000, refillPerSecond: 10_000 };

/**
 * Deribit's default matching-engine tier (tier 4, under USD 1 million of 7-day volume): a burst of 20
 * requests and 5 a second, as `limits.matching_engine` `{ rate: 5, burst: 20 }` reports on a new account.
 */
export const DERIBIT_MATCHING_POOL: CreditPool = { cost: 1, max: 20, refillPerSecond: 5 };

/** Deribit's list of matching-engine requests; every other request is non-matching. */
export const MATCHING_ENGINE_METHODS: ReadonlySet<string> = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/edit_by_label',
  'private/cancel',
  'private/cancel_all',
  'private/cancel_all_by_instrument',
  'private/cancel_all_by_currency',
  'private/cancel_all_by_kind_or_type',
  'private/cancel_by_label',
  'private/close_position',
  'private/verify_block_trade',
  'private/execute_block_trade',
]);

/** Which pool a request drew from. */
export type PoolName = 'non_matching' | 'matching';

interface Bucket {
  credits: number;
  at: number;
}

/** One pool kind's buckets, by owner. */
class Pools {
  readonly #pool: CreditPool;
  readonly #buckets = new Map<string, Bucket>();

  constructor(pool: CreditPool) {
    this.#pool = pool;
  }

  /** Take one request's credits from `owner`'s bucket; `false` (nothing taken) when too few are left. */
  take(owner: string, now: number): boolean {
    const { cost, max, refillPerSecond } = this.#pool;
    let bucket = this.#buckets.get(owner);
    if (!bucket) {
      bucket = { credits: max, at: now };
      this.#buckets.set(owner, bucket);
    }
    bucket.credits = Math.min(max, bucket.credits + ((now - bucket.at) / 1000) * refillPerSecond);
    bucket.at = now;
    if (bucket.credits < cost) return false;
    bucket.credits -= cost;
    return true;
  }
}

/** The credit pools of one emulator. */
export class RateLimiter {
  readonly #nonMatching: Pools | undefined;
  readonly #matching: Pools | undefined;
  readonly #clock: () => number;
  /** Deribit's `limits` object (`private/get_account_summary`): requests a second and burst, per pool. */
  readonly limits: Readonly<Record<string, { rate: number; burst: number }>>;

  /**
   * @param options Pools (`false`: no limits at all); missing pools get Deribit's defaults.
   * @param clock Milliseconds, monotonic (default `performance.now`).
   */
  constructor(options: RateLimitOptions | false = {}, clock: () => number = () => performance.now()) {
    const nonMatching = options === false ? false : (options.nonMatching ?? DERIBIT_NON_MATCHING_POOL);
    const matching = options === false ? false : (options.matching ?? DERIBIT_MATCHING_POOL);
    this.#nonMatching = nonMatching === false ? undefined : new Pools(nonMatching);
    this.#matching = matching === false ? undefined : new Pools(matching);
    this.#clock = clock;
    const limits: Record<string, { rate: number; burst: number }> = {};
    if (nonMatching !== false) limits['non_matching_engine'] = RateLimiter.#summary(nonMatching);
    if (matching !== false) limits['matching_engine'] = RateLimiter.#summary(matching);
    this.limits = limits;
  }

  static #summary(pool: CreditPool): { rate: number; burst: number } {
    return { rate: pool.refillPerSecond / pool.cost, burst: Math.floor(pool.max / pool.cost) };
  }

  /**
   * Charge one request of `method` to `owner` (a subject or a client address).
   * @returns The pool that ran dry, or `undefined` when the request may go ahead.
   */
  charge(method: string, owner: string): PoolName | undefined {
    const matching = MATCHING_ENGINE_METHODS.has(method);
    const pools = matching ? this.#matching : this.#nonMatching;
    if (!pools || pools.take(owner, this.#clock())) return undefined;
    return matching ? 'matching' : 'non_matching';
  }
}
