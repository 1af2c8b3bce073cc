/**
 * The governor's public shapes: options, notices, status, and the checks of the limits it is given.
 * @module
 */
import { InvalidArgumentError } from '../../errors/errors.js';
import { POOL_NAMES, type PoolLimit, type PoolLimits, type PoolName, type Priority } from './pools.js';
import type { CreditStore } from './store.js';

/** How long a `10028` that came anyway slows a pool down (refilling at half rate). */
export const TOO_MANY_REQUESTS_COOLDOWN_MS = 30_000;

/** Options of {@link CreditGovernor.acquire}. */
export interface AcquireOptions {
  /** Default: the method's ({@link priorityOf}). `critical` is for the session's own heartbeat answers, probes, auth. */
  readonly priority?: Priority;
  /** Monotonic ms (`performance.now()` clock): not sent after it. Default: no deadline. */
  readonly deadline?: number;
  /** Aborting it rejects the wait with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Something the session reports as a `warning`. */
export type GovernorNotice =
  /** Calls of `pool` have waited longer than `heldAfterMs` (once per stretch of waiting). */
  | { readonly type: 'held'; readonly pool: PoolName; readonly waiting: number; readonly heldMs: number }
  /** A `10028` came anyway: `pool` is treated as empty and refills at half rate for `cooldownMs`. */
  | { readonly type: 'slowed'; readonly pool: PoolName; readonly cooldownMs: number }
  /** The store failed: this process paces alone (its own calls only) until it answers again. */
  | { readonly type: 'store-failed'; readonly error: unknown }
  /** The store answers again. */
  | { readonly type: 'store-recovered' };

/** One pool in {@link CreditStatus}. */
export interface PoolStatus {
  /** Requests that could go now (the last count seen, for an asynchronous store). */
  readonly available: number;
  /** The limit in force (Deribit's numbers, before this library's safety margins). */
  readonly limit: PoolLimit;
  /** Calls waiting for this pool. */
  readonly waiting: number;
}

/** What the credit governor reports (`session.status().credits`). */
export interface CreditStatus {
  readonly pools: Readonly<Record<PoolName, PoolStatus>>;
  /** Calls waiting for credits, all pools. */
  readonly waiting: number;
  /** Whether the store is failing (pacing is then per process). */
  readonly storeFailing: boolean;
}

/** Options of {@link CreditGovernor}. */
export interface CreditGovernorOptions {
  /** Where the buckets live. Default: {@link defaultCreditStore} (this process). */
  readonly store?: CreditStore;
  /** Names the subaccount in the store: sessions with the same store and key share pools. Default `'default'`. */
  readonly key?: string;
  /** Limits that win over the account's (from `setLimits`) and Deribit's defaults. */
  readonly limits?: PoolLimits;
  /** Monotonic ms. Default `performance.now()`. */
  readonly clock?: () => number;
  /** A `held` notice when calls waited this long. Default 1000. */
  readonly heldAfterMs?: number;
  /** An asynchronous store that has not answered in this many ms has failed. Default 1000. */
  readonly storeTimeoutMs?: number;
  /** How long a `10028` slows a pool down. Default {@link TOO_MANY_REQUESTS_COOLDOWN_MS}. */
  readonly cooldownMs?: number;
  /**
   * Pace by arrival after a burst (`arrival.ts`): the caller reports each request it sends, with the promise of
   * its answer, through `sending()`, as the session does. Default false: a governor nobody reports to paces by
   * its bucket alone.
   */
  readonly byArrival?: boolean;
}

/** Check a limit a user or a session gives; `where` names it in the error. */
export function validatePoolLimits(limits: unknown, where: string): PoolLimits {
  if (limits === undefined) return {};
  if (typeof limits !== 'object' || limits === null) {
    throw new InvalidArgumentError(where, `${where} must be an object of pool limits`);
  }
  for (const [pool, limit] of Object.entries(limits)) {
    if (!(POOL_NAMES as readonly string[]).includes(pool)) {
      throw new InvalidArgumentError(`${where}.${pool}`, `unknown pool; pools are ${POOL_NAMES.join(', ')}`);
    }
    const { rate, burst } = (limit ?? {}) as Partial<PoolLimit>;
    if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) {
      throw new InvalidArgumentError(`${where}.${pool}.rate`, 'rate must be a positive finite number');
    }
    if (!(typeof burst === 'number' && burst >= 1 && Number.isFinite(burst))) {
      throw new InvalidArgumentError(`${where}.${pool}.burst`, 'burst must be a finite number ≥ 1');
    }
  }
  return limits as PoolLimits;
}

export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new InvalidArgumentError(name, `${name} must be a positive finite number of ms`);
  }
  return value;
}
