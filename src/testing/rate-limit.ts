/**
 * Deribit's credit-based rate limits. Every request draws credits from a pool that refills continuously (a leaky
 * bucket); a request that finds too few credits is answered with `10028 too_many_requests` and its socket is
 * closed, as Deribit does ("we immediately send too_many_requests and terminate the session"). Three pools:
 * - matching engine (`private/buy`, `sell`, `edit`, `cancel*`, `close_position`, …): the subject's tier;
 * - subscribe (`public/subscribe`, `private/subscribe`): 3,000 credits a call from 30,000, refilled at 10,000/s
 *   (a burst of 10, about 3.3 a second: Deribit's rate-limits article; NautilusTrader's
 *   `DERIBIT_WS_SUBSCRIPTION_QUOTA` agrees);
 * - non-matching engine: every other request (`public/auth`, `public/test` and heartbeat answers included).
 *
 * Pools are per subaccount, as on Deribit: an authenticated request draws from its subject's pools, shared by all
 * its sockets; each subject's tier can be set (`tiers` option, `emu.setLimits()`). An unauthenticated request draws
 * from its client address's pools (Deribit limits unauthenticated traffic per IP without publishing the numbers:
 * the emulator applies the same defaults). Malformed frames cost nothing. Deribit's finer matching pools (spot,
 * cancel-all, quotes) are reported but not enforced apart: every matching request draws from the one trading pool.
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

/** A tier as Deribit reports it in `limits`: requests a second and burst. */
export interface TierLimit {
  readonly rate: number;
  readonly burst: number;
}

/** A subject's tier: its matching-engine and non-matching-engine limits (unset: the emulator's defaults). */
export interface SubjectLimits {
  readonly matching?: TierLimit | undefined;
  readonly nonMatching?: TierLimit | undefined;
}

/** Options of `EmulatorOptions.rateLimits`; `false` disables a pool. */
export interface RateLimitOptions {
  /** Non-matching-engine requests (default {@link DERIBIT_NON_MATCHING_POOL}). */
  readonly nonMatching?: CreditPool | false | undefined;
  /** Matching-engine requests, every subject's default tier (default {@link DERIBIT_MATCHING_POOL}). */
  readonly matching?: CreditPool | false | undefined;
  /** Subscribe requests (default {@link DERIBIT_SUBSCRIBE_POOL}). */
  readonly subscribe?: CreditPool | false | undefined;
  /** Tiers of particular subjects, by subject id (see `emu.setLimits()`). */
  readonly tiers?: Readonly<Record<number, SubjectLimits>> | undefined;
}

/** Deribit's documented default for non-matching-engine requests: 500 a request, 50,000 max, 10,000/s. */
export const DERIBIT_NON_MATCHING_POOL: CreditPool = { cost: 500, max: 50_000, refillPerSecond: 10_000 };

/**
 * Deribit's default matching-engine tier (under USD 1 million of 7-day volume): a burst of 20 requests and 5 a
 * second, as `limits.matching_engine.trading.total` `{ rate: 5, burst: 20 }` reports on a new account.
 */
export const DERIBIT_MATCHING_POOL: CreditPool = { cost: 1, max: 20, refillPerSecond: 5 };

/** Deribit's subscribe limit: 3,000 credits a call from 30,000, refilled at 10,000/s (burst 10, ~3.3/s). */
export const DERIBIT_SUBSCRIBE_POOL: CreditPool = { cost: 3_000, max: 30_000, refillPerSecond: 10_000 };

/** Deribit's list of matching-engine requests. */
export const MATCHING_ENGINE_METHODS: ReadonlySet<string> = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/edit_by_label',
  'private/cancel',
  'private/cancel_all',
  'private/cancel_all_by_instrument',
  'private/cancel_all_by_currency',
  'private/cancel_all_by_currency_pair',
  'private/cancel_all_by_kind_or_type',
  'private/cancel_by_label',
  'private/cancel_quotes',
  'private/close_position',
  'private/mass_quote',
  'private/verify_block_trade',
  'private/execute_block_trade',
]);

/** Requests that draw from the subscribe pool. */
export const SUBSCRIBE_METHODS: ReadonlySet<string> = new Set(['public/subscribe', 'private/subscribe']);

/** Which pool a request drew from. */
export type PoolName = 'non_matching' | 'matching' | 'subscribe';

/** What a disabled pool reports in `limits`: high enough that a client pacing by it never waits. */
const UNLIMITED: TierLimit = { rate: 1_000_000, burst: 1_000_000 };

/** `limits` of `private/get_account_summary`, in production's nested shape (testnet capture, 2025). */
export interface AccountLimits {
  readonly limits_per_currency: false;
  readonly non_matching_engine: TierLimit;
  readonly matching_engine: {
    readonly trading: { readonly total: TierLimit };
    readonly spot: TierLimit;
    readonly cancel_all: TierLimit;
    readonly maximum_quotes: TierLimit;
    readonly maximum_mass_quotes: TierLimit;
    readonly guaranteed_mass_quotes: TierLimit;
    readonly block_rfq_maker: TierLimit;
  };
}

interface Bucket {
  credits: number;
  at: number;
}

function tierOf(pool: CreditPool): TierLimit {
  return { rate: pool.refillPerSecond / pool.cost, burst: Math.floor(pool.max / pool.cost) };
}

function poolOf(tier: TierLimit, cost: number): CreditPool {
  return { cost, max: tier.burst * cost, refillPerSecond: tier.rate * cost };
}

/** One pool kind's buckets, by owner, with per-owner pools. */
class Pools {
  readonly #default: CreditPool | undefined;
  readonly #own = new Map<string, CreditPool>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(pool: CreditPool | undefined) {
    this.#default = pool;
  }

  poolOf(owner: string): CreditPool | undefined {
    return this.#own.get(owner) ?? this.#default;
  }

  /** Give `owner` its own pool; the credits it holds are kept, up to the new size. */
  set(owner: string, pool: CreditPool, now: number): void {
    this.#refill(owner, now);
    this.#own.set(owner, pool);
    const bucket = this.#buckets.get(owner);
    if (bucket) bucket.credits = Math.min(bucket.credits, pool.max);
  }

  #refill(owner: string, now: number): Bucket | undefined {
    const pool = this.poolOf(owner);
    if (!pool) return undefined;
    let bucket = this.#buckets.get(owner);
    if (!bucket) {
      bucket = { credits: pool.max, at: now };
      this.#buckets.set(owner, bucket);
    }
    bucket.credits = Math.min(pool.max, bucket.credits + ((now - bucket.at) / 1000) * pool.refillPerSecond);
    bucket.at = now;
    return bucket;
  }

  /** Take one request's credits from `owner`'s bucket; `false` (nothing taken) when too few are left. */
  take(owner: string, now: number): boolean {
    const pool = this.poolOf(owner);
    const bucket = this.#refill(owner, now);
    if (!pool || !bucket) return true;
    if (bucket.credits < pool.cost) return false;
    bucket.credits -= pool.cost;
    return true;
  }
}

/** The owner key of an authenticated subject's pools. */
export function subjectOwner(subjectId: number): string {
  return `subject:${subjectId}`;
}

/** The credit pools of one emulator. */
export class RateLimiter {
  readonly #nonMatching: Pools;
  readonly #matching: Pools;
  readonly #subscribe: Pools;
  readonly #clock: () => number;

  /**
   * @param options Pools (`false`: no limits at all); missing pools get Deribit's defaults.
   * @param clock Milliseconds, monotonic (default `performance.now`).
   */
  constructor(options: RateLimitOptions | false = {}, clock: () => number = () => performance.now()) {
    const pick = (pool: CreditPool | false | undefined, fallback: CreditPool): CreditPool | undefined =>
      options === false || pool === false ? undefined : (pool ?? fallback);
    const all = options === false ? {} : options;
    this.#nonMatching = new Pools(pick(all.nonMatching, DERIBIT_NON_MATCHING_POOL));
    this.#matching = new Pools(pick(all.matching, DERIBIT_MATCHING_POOL));
    this.#subscribe = new Pools(pick(all.subscribe, DERIBIT_SUBSCRIBE_POOL));
    this.#clock = clock;
    for (const [subjectId, limits] of Object.entries(all.tiers ?? {}))
      this.setLimits(Number(subjectId), limits);
  }

  /** Set a subject's tier (what `limits` reports and what its pools enforce). */
  setLimits(subjectId: number, limits: SubjectLimits): void {
    const owner = subjectOwner(subjectId);
    const now = this.#clock();
    if (limits.matching) this.#matching.set(owner, poolOf(limits.matching, 1), now);
    if (limits.nonMatching) {
      this.#nonMatching.set(owner, poolOf(limits.nonMatching, DERIBIT_NON_MATCHING_POOL.cost), now);
    }
  }

  /** `limits` for `subjectId`, in production's nested shape. */
  limitsOf(subjectId: number): AccountLimits {
    const owner = subjectOwner(subjectId);
    const matchingPool = this.#matching.poolOf(owner);
    const nonMatchingPool = this.#nonMatching.poolOf(owner);
    const trading = matchingPool ? tierOf(matchingPool) : UNLIMITED;
    return {
      limits_per_currency: false,
      non_matching_engine: nonMatchingPool ? tierOf(nonMatchingPool) : UNLIMITED,
      matching_engine: {
        trading: { total: trading },
        spot: trading,
        cancel_all: trading,
        maximum_quotes: { rate: 500, burst: 500 },
        maximum_mass_quotes: { rate: 10, burst: 10 },
        guaranteed_mass_quotes: { rate: 2, burst: 2 },
        block_rfq_maker: { rate: 10, burst: 20 },
      },
    };
  }

  /** The pool `method` draws from. */
  static poolFor(method: string): PoolName {
    if (MATCHING_ENGINE_METHODS.has(method)) return 'matching';
    if (SUBSCRIBE_METHODS.has(method)) return 'subscribe';
    return 'non_matching';
  }

  /**
   * Charge one request of `method` to `owner` (a subject or a client address).
   * @returns The pool that ran dry, or `undefined` when the request may go ahead.
   */
  charge(method: string, owner: string): PoolName | undefined {
    const name = RateLimiter.poolFor(method);
    const pools =
      name === 'matching' ? this.#matching : name === 'subscribe' ? this.#subscribe : this.#nonMatching;
    return pools.take(owner, this.#clock()) ? undefined : name;
  }
}
