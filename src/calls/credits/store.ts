/**
 * Credit stores: where the buckets of a subaccount's pools live. The governor asks one bucket per pool for
 * tokens with an atomic take. {@link MemoryCreditStore} (the default) keeps them in this process, and answers
 * synchronously so an uncontended call costs a few property reads; `RedisCreditStore`
 * (`deribit-session/redis`) keeps them in Redis so that processes on several machines share one budget.
 * @module
 */
import { monotonic } from '../../time/clock.js';
import { type BucketSpec, type TakeResult, TokenBucket } from './bucket.js';

/**
 * One bucket of a store. Each method may answer at once (a value) or later (a promise); a store answers one
 * way always. A rejected promise or a throw means the store failed (the governor then paces on its own).
 */
export interface CreditBucket {
  /** Atomically: take `count` tokens if `count + floor` are there (`floor` stays for `critical` calls). */
  take(spec: BucketSpec, count: number, floor: number): TakeResult | Promise<TakeResult>;
  /** Empty the bucket and refill at `spec.slowRate` for `cooldownMs` (a `10028` came anyway). */
  drain(spec: BucketSpec, cooldownMs: number): void | Promise<void>;
  /** The tokens there now (for `status()`). */
  peek(spec: BucketSpec): number | Promise<number>;
}

/** Where buckets live. Implement it to keep credits elsewhere (a database, another service). */
export interface CreditStore {
  /** Whether every bucket answers synchronously (then the governor's fast path never awaits). */
  readonly sync: boolean;
  /**
   * The bucket named `id` (`KEY:POOL`, where KEY names the subaccount): the same id is the same bucket,
   * for every caller of this store, in every process that shares it.
   */
  bucket(id: string): CreditBucket;
}

/** Options of {@link MemoryCreditStore}. */
export interface MemoryCreditStoreOptions {
  /** Monotonic ms. Default: `performance.now()`. For tests. */
  readonly now?: () => number;
}

/**
 * Buckets in this process's memory, on the monotonic clock: shared by every session of this process that uses
 * the same store, not by other processes (use `RedisCreditStore` for those). Buckets start full.
 */
export class MemoryCreditStore implements CreditStore {
  readonly sync = true;
  readonly #now: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  /** @param options - the clock, for tests */
  constructor(options: MemoryCreditStoreOptions = {}) {
    this.#now = options.now ?? monotonic;
  }

  /** See {@link CreditStore.bucket}. */
  bucket(id: string): TokenBucket {
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.#now);
      this.#buckets.set(id, bucket);
    }
    return bucket;
  }
}

let shared: MemoryCreditStore | undefined;

/** The process-wide memory store: the default of every session, so sessions of one subaccount share pools. */
export function defaultCreditStore(): MemoryCreditStore {
  shared ??= new MemoryCreditStore();
  return shared;
}
