/**
 * Safety margins: the bucket this library keeps is a little smaller and slower than Deribit's, because the
 * server's bucket can be emptier than ours at the moment a request arrives:
 * - network and event-loop jitter: two requests released 200 ms apart can arrive 150 ms apart, so the server
 *   refilled less between them than we did. A burst margin of `m` requests absorbs `m / rate` seconds of it, so
 *   the margin is set in time ({@link JITTER_MS}) as well as a share of the burst (5 % of burst 100 is only 10 ms
 *   at 500/s). A stall in front of a burst on our own socket is covered, whatever its length, by pacing by
 *   arrival (`arrival.ts`); the margin is for what that cannot see: other processes on the same Redis budget, a
 *   fork on its own socket;
 * - the refill is measured on two clocks (ours, the server's) that never agree exactly, and the server may
 *   round credits per request; a 2 % slower refill covers drift and rounding over any length of time;
 * - calls we cannot see (a browser tab on the same subaccount) spend credits too: no margin covers them all,
 *   but `onTooManyRequests` slows down when that happens.
 * @module
 */
import type { BucketSpec } from './bucket.js';
import type { PoolLimit } from './pools.js';

/** The share of Deribit's refill rate we use. */
export const RATE_SHARE = 0.98;
/** The share of the burst kept back (at least one request when the burst has two or more). */
export const BURST_MARGIN = 0.05;
/** The jitter the margin absorbs, ms of refill (at most half the burst is kept back for it). */
export const JITTER_MS = 25;
/**
 * The same for a budget shared across processes (an asynchronous store): their sends are invisible to each
 * other's pacing by arrival, and each takes on a store round trip, so more jitter reaches Deribit (4 bots, the
 * emulator and redis-server on 2 cores earned a `10028` at 25 ms in 1 round of 3).
 */
export const SHARED_JITTER_MS = 50;
/** How much slower the pool refills for a while after a 10028 that came anyway (another client spent it). */
export const SLOW_SHARE = 0.5;

/** The bucket we keep for a pool of `limit`, and the reserve of `critical` calls inside it. */
export interface EffectivePool {
  readonly spec: BucketSpec;
  /** Requests only `critical` calls may take: always less than the burst, so every call can be served. */
  readonly reserve: number;
}

/**
 * The bucket for `limit` with the margins applied; `reserve` requests of it are for `critical` calls only;
 * `shared`: the budget is shared across processes ({@link SHARED_JITTER_MS}).
 */
export function effectivePool(limit: PoolLimit, reserve: number, shared = false): EffectivePool {
  const jitterMs = shared ? SHARED_JITTER_MS : JITTER_MS;
  const inTime = Math.min(Math.ceil((limit.rate * jitterMs) / 1000), Math.floor(limit.burst / 2));
  const margin = limit.burst >= 2 ? Math.max(1, Math.ceil(limit.burst * BURST_MARGIN), inTime) : 0;
  const burst = Math.max(1, limit.burst - margin);
  const rate = limit.rate * RATE_SHARE;
  return {
    spec: { rate, burst, slowRate: rate * SLOW_SHARE },
    reserve: Math.max(0, Math.min(reserve, Math.floor(burst) - 1)),
  };
}
