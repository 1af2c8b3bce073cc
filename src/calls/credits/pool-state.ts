/**
 * What the governor keeps for each pool: the store's bucket, the limit in force with its margins, the lanes of
 * waiting calls, and what it knows of the store (a take in flight, a failure, the last count seen). Plain
 * data and small helpers; the scheduling is in `governor.ts`.
 * @module
 */
import { RequestTimeoutError } from '../../errors/errors.js';
import { ArrivalShadow } from './arrival.js';
import type { TokenBucket } from './bucket.js';
import type { PoolStatus } from './governor-types.js';
import { type EffectivePool, effectivePool } from './headroom.js';
import { Lanes, type Queued } from './lanes.js';
import { POOLS, type PoolLimit, type PoolLimits, type PoolName } from './pools.js';
import type { CreditBucket } from './store.js';

/** A call waiting for credits. */
export interface Waiter extends Queued {
  readonly method: string;
  readonly pool: PoolState;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Undoes the abort listener. */
  onAbort: (() => void) | undefined;
}

/** A store operation in flight, to time out and to tell a late answer from the current one. */
export interface InFlight {
  readonly id: number;
  readonly since: number;
}

/** One pool's state in a governor. */
export interface PoolState {
  readonly name: PoolName;
  readonly bucket: CreditBucket;
  readonly lanes: Lanes<Waiter>;
  /** The limit in force: the user's override, else the account's, else Deribit's default. */
  limit: PoolLimit;
  /** Whether the budget is shared across processes (an asynchronous store): a wider margin. */
  readonly shared: boolean;
  /** `limit` with the safety margins: what we actually pace by. */
  effective: EffectivePool;
  /** Tokens seen at the last take (the store's count, or the fallback's). */
  available: number | undefined;
  /** Monotonic ms before which a take would fail (the last take said so). */
  retryAt: number;
  /** An asynchronous take in flight (then the pool waits for it: one take at a time keeps FIFO). */
  taking: InFlight | undefined;
  /** Set while the store fails: this process paces the pool alone, from the last count it saw. */
  fallback: TokenBucket | undefined;
  /** When to ask the failed store again. */
  storeRetryAt: number;
  /** A check of the failed store in flight. */
  probing: InFlight | undefined;
  /** Whether the `held` notice went out for the current stretch of waiting. */
  heldNoticed: boolean;
  /** A lower bound on Deribit's bucket after a burst from a (nearly) full pool (`arrival.ts`), kept for reuse. */
  shadow: ArrivalShadow | undefined;
}

/** The limit of `pool`: the user's override, else the account's, else Deribit's default. */
export function limitOf(pool: PoolName, overrides: PoolLimits, account: PoolLimits): PoolLimit {
  return overrides[pool] ?? account[pool] ?? POOLS[pool].limit;
}

/** A fresh state for `pool`, drawing from `bucket`. */
export function newPoolState(
  name: PoolName,
  bucket: CreditBucket,
  limit: PoolLimit,
  shared: boolean,
): PoolState {
  return {
    name,
    bucket,
    lanes: new Lanes<Waiter>(),
    limit,
    shared,
    effective: effectivePool(limit, POOLS[name].reserve, shared),
    available: undefined,
    retryAt: 0,
    taking: undefined,
    fallback: undefined,
    storeRetryAt: 0,
    probing: undefined,
    heldNoticed: false,
    shadow: undefined,
  };
}

/** Set the limit of `pool` (and its margins). */
export function applyLimit(pool: PoolState, limit: PoolLimit): void {
  pool.limit = limit;
  pool.effective = effectivePool(limit, POOLS[pool.name].reserve, pool.shared);
}

/** What `status()` shows of `pool`: on a synchronous store (or the fallback) the count now, else the last seen. */
export function poolStatus(pool: PoolState, storeSync: boolean): PoolStatus {
  let available = pool.available ?? pool.effective.spec.burst;
  const counted = pool.fallback ?? (storeSync ? pool.bucket : undefined);
  const peeked = counted?.peek(pool.effective.spec);
  if (typeof peeked === 'number') available = peeked;
  return { available: Math.floor(available), limit: pool.limit, waiting: pool.lanes.size };
}

/** Whether `value` is a promise (or any thenable) rather than an answer. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** The error of a call whose deadline came before its credits: it was never sent. */
export function creditTimeout(waiter: Waiter, now: number): RequestTimeoutError {
  const allowed = Math.max(0, Math.round(waiter.deadline - waiter.since));
  const waited = Math.max(0, Math.round(now - waiter.since));
  const ahead = waiter.pool.lanes.size;
  return new RequestTimeoutError(
    waiter.method,
    allowed,
    true,
    `${waiter.method} was not sent: it waited ${waited} ms for credits of Deribit's ${waiter.pool.name} pool ` +
      `(${ahead} call${ahead === 1 ? '' : 's'} waiting) and its time ran out; it is safe to retry`,
  );
}

/** The error of a call whose deadline had passed before it could wait at all. */
export function noTimeForCredits(method: string, pool: PoolName): RequestTimeoutError {
  return new RequestTimeoutError(
    method,
    0,
    true,
    `${method} was not sent: Deribit's ${pool} pool had no credits and its time was already up`,
  );
}

/** A take that never answered in time, turned into a store failure. */
export function storeTimeoutError(ms: number): Error {
  return new Error(`the credit store did not answer within ${ms} ms`);
}

/** Before a take from `pool` at `rank`: ms to wait for its shadow (0: go). `critical` calls never wait on it. */
export function shadowWait(pool: PoolState, rank: number, clock: () => number): number {
  const shadow = pool.shadow;
  if (shadow === undefined || !shadow.active || rank === 0) return 0;
  const { rate, burst } = pool.effective.spec;
  return shadow.waitMs(clock(), rate, burst);
}

/**
 * A take from `pool` went, leaving `available`: a take from a (nearly) full pool begins a burst, and a new paused
 * shadow (unless one is paused already); any other take is counted in the shadow there is.
 */
export function shadowTaken(pool: PoolState, available: number, clock: () => number): void {
  const shadow = pool.shadow;
  const active = shadow?.active === true;
  const full = pool.effective.spec.burst - 2;
  // Nearly full by both counts: our bucket refills from sends, and would call the refill behind a stall full.
  if (available < full || (active && (shadow.paused || shadow.tokens - 1 < full))) {
    if (active) shadow.taken();
    return;
  }
  const tokens = Math.min(available, active ? shadow.tokens - 1 : available);
  if (shadow === undefined) pool.shadow = new ArrivalShadow(tokens, clock());
  else shadow.restart(tokens, clock());
}
