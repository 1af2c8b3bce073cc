/**
 * What the governor does when its store fails (or does not answer in time). Calls must not hang on it, and
 * failing them would block cancels too, so this process paces the pool alone from the last count it saw (0 if
 * none), which holds for one process per subaccount; the session reports it, and the store is asked again every
 * 2 s, without holding calls on it.
 * @module
 */
import { TokenBucket } from './bucket.js';
import type { GovernorNotice } from './governor-types.js';
import { isThenable, type PoolState } from './pool-state.js';
import type { PoolName } from './pools.js';

/** After a store failure, how long this process paces alone before it asks the store again. */
export const STORE_RETRY_MS = 2_000;

/** What the failures need of their governor. */
export interface StoreFailureHost {
  readonly clock: () => number;
  readonly notify: (notice: GovernorNotice) => void;
  /** Serve `pool`'s waiters again and re-arm the timer (after a check of the store came back). */
  readonly wake: (pool: PoolState) => void;
  readonly disposed: () => boolean;
}

/** The pools whose store fails, and how each recovers. */
export class StoreFailures {
  readonly #host: StoreFailureHost;
  readonly #failing = new Set<PoolName>();
  #ids = 0;

  constructor(host: StoreFailureHost) {
    this.#host = host;
  }

  /** Whether any pool's store fails now. */
  get any(): boolean {
    return this.#failing.size > 0;
  }

  /** `pool`'s store failed at `now`: pace it alone from the last count seen. */
  failed(pool: PoolState, error: unknown, now: number): void {
    if (this.#host.disposed()) return;
    pool.storeRetryAt = now + STORE_RETRY_MS;
    if (pool.fallback !== undefined) return;
    pool.fallback = new TokenBucket(this.#host.clock, pool.available ?? 0);
    pool.retryAt = 0;
    const first = this.#failing.size === 0;
    this.#failing.add(pool.name);
    if (first) this.#host.notify({ type: 'store-failed', error });
  }

  /** `pool`'s store answered again. */
  recovered(pool: PoolState): void {
    pool.fallback = undefined;
    if (!this.#failing.delete(pool.name) || this.#failing.size > 0) return;
    this.#host.notify({ type: 'store-recovered' });
  }

  /** Ask `pool`'s failed store whether it answers again, without holding calls on it. */
  probe(pool: PoolState, now: number): void {
    const probing = { id: ++this.#ids, since: now };
    pool.probing = probing;
    const done = (ok: boolean, error?: unknown): void => {
      if (pool.probing !== probing) return;
      pool.probing = undefined;
      if (ok) this.recovered(pool);
      else this.failed(pool, error, this.#host.clock());
      this.#host.wake(pool);
    };
    try {
      const answer = pool.bucket.peek(pool.effective.spec);
      if (isThenable(answer))
        answer.then(
          () => done(true),
          (error: unknown) => done(false, error),
        );
      else queueMicrotask(() => done(true));
    } catch (error) {
      queueMicrotask(() => done(false, error));
    }
  }
}
