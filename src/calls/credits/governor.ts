/**
 * The credit governor: a call waits for its pool's credits instead of being sent into a `10028` (which ends
 * the session and, with cancel-on-disconnect, cancels every order). One governor serves every session of one
 * subaccount (see `registry.ts`). When credits are short, calls go `critical` first, then cancels, orders and
 * the rest, FIFO within each; a call whose deadline comes first rejects unsent. One timer serves the whole
 * queue, and an uncontended call on a synchronous store is served by {@link CreditGovernor.tryAcquire}
 * without a promise.
 * @module
 */
import { InvalidArgumentError, RpcError } from '../../errors/errors.js';
import { monotonic } from '../../time/clock.js';
import { onAbort } from '../../time/wait.js';
import type { ArrivalShadow } from './arrival.js';
import type { TakeResult } from './bucket.js';
import {
  type AcquireOptions,
  type CreditGovernorOptions,
  type CreditStatus,
  type GovernorNotice,
  type PoolStatus,
  positive,
  TOO_MANY_REQUESTS_COOLDOWN_MS,
  validatePoolLimits,
} from './governor-types.js';
import { DeadlineHeap, RANK } from './lanes.js';
import {
  applyLimit,
  creditTimeout,
  isThenable,
  limitOf,
  newPoolState,
  noTimeForCredits,
  type PoolState,
  poolStatus,
  shadowTaken,
  shadowWait,
  storeTimeoutError,
  type Waiter,
} from './pool-state.js';
import { classOf, POOL_NAMES, type PoolLimits, type PoolName, type Priority } from './pools.js';
import { type CreditStore, defaultCreditStore } from './store.js';
import { STORE_RETRY_MS, StoreFailures } from './store-failures.js';

/** Whether `error` is the server's answer (it then received the request), not a local failure. */
const isServerAnswer = (error: unknown): boolean => error instanceof RpcError;

/** Paces the calls of one subaccount by Deribit's credit pools. */
export class CreditGovernor {
  /** The store's name for the subaccount. */
  readonly key: string;
  /** Where the buckets live. */
  readonly store: CreditStore;
  readonly #clock: () => number;
  readonly #overrides: PoolLimits;
  #account: PoolLimits = {};
  readonly #pools: Readonly<Record<PoolName, PoolState>>;
  readonly #heap = new DeadlineHeap<Waiter>();
  readonly #listeners = new Set<(notice: GovernorNotice) => void>();
  readonly #failures = new StoreFailures({
    clock: () => this.#clock(),
    notify: (notice) => this.#notify(notice),
    wake: (pool) => {
      this.#pump(pool);
      this.#schedule();
    },
    disposed: () => this.#disposed !== undefined,
  });
  readonly #heldAfterMs: number;
  readonly #storeTimeoutMs: number;
  readonly #cooldownMs: number;
  readonly #byArrival: boolean;
  /** A paused shadow's probe is answered: the burst has reached Deribit, and the pool refills from now. */
  readonly #listenToProbe = (pool: PoolState, shadow: ArrivalShadow): void =>
    shadow.listen(() => {
      if (this.#disposed !== undefined || !shadow.active) return;
      shadow.resume(this.#clock());
      pool.retryAt = 0;
      this.#pump(pool);
      this.#schedule();
    }, isServerAnswer);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #ids = 0;
  #disposed: Error | undefined;

  /** @param options - store, key, limit overrides; see {@link CreditGovernorOptions} */
  constructor(options: CreditGovernorOptions = {}) {
    this.store = options.store ?? defaultCreditStore();
    this.key = options.key ?? 'default';
    this.#clock = options.clock ?? monotonic;
    this.#overrides = validatePoolLimits(options.limits, 'limits');
    this.#heldAfterMs = positive(options.heldAfterMs, 1000, 'heldAfterMs');
    this.#storeTimeoutMs = positive(options.storeTimeoutMs, 1000, 'storeTimeoutMs');
    this.#cooldownMs = positive(options.cooldownMs, TOO_MANY_REQUESTS_COOLDOWN_MS, 'cooldownMs');
    this.#byArrival = options.byArrival === true;
    const pools = {} as Record<PoolName, PoolState>;
    for (const name of POOL_NAMES) {
      const bucket = this.store.bucket(`${this.key}:${name}`);
      const limit = limitOf(name, this.#overrides, this.#account);
      pools[name] = newPoolState(name, bucket, limit, !this.store.sync);
    }
    this.#pools = pools;
  }

  /**
   * Take the credits of `method` now if that needs no waiting: true when it may be sent (the credits are
   * taken), false when it must {@link acquire} instead (short of credits, calls of its priority queued, an
   * asynchronous store, or disposed). Synchronous: the call path tries it first.
   */
  tryAcquire(method: string, priority?: Priority): boolean {
    if (this.#disposed !== undefined || !this.store.sync) return false;
    const type = classOf(method);
    const rank = RANK[priority ?? type.priority];
    if (rank === undefined) return false;
    const pool = this.#pools[type.pool];
    if (pool.lanes.size > 0 && pool.lanes.hasAtOrBefore(rank)) return false;
    const result = this.#take(pool, rank);
    if (result === undefined || isThenable(result)) return false;
    if (result.ok && this.#byArrival) shadowTaken(pool, result.available, this.#clock);
    pool.available = result.available;
    return result.ok;
  }

  /**
   * A request of `method` is being sent, `sent` its answer: while its pool's shadow waits to learn that a burst
   * has reached Deribit, the first such request's answer tells it (`arrival.ts`): one listener a burst.
   */
  sending(method: string, sent: PromiseLike<unknown>): void {
    const pool = this.#pools[classOf(method).pool];
    const shadow = pool.shadow;
    if (shadow?.active === true && shadow.sending(sent)) this.#listenToProbe(pool, shadow);
  }

  /**
   * Resolve when `method` may be sent (its credits are taken). Rejects unsent with a `RequestTimeoutError`
   * (`sent: false`) when its credits did not come before `deadline`, with the signal's reason when it aborts,
   * or with the dispose error.
   */
  acquire(method: string, options: AcquireOptions = {}): Promise<void> {
    if (this.#disposed !== undefined) return Promise.reject(this.#disposed);
    const { signal, deadline = Number.POSITIVE_INFINITY } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
      return Promise.reject(new InvalidArgumentError('deadline', 'deadline must be a monotonic time in ms'));
    }
    const type = classOf(method);
    const rank = RANK[options.priority ?? type.priority];
    if (rank === undefined) {
      return Promise.reject(
        new InvalidArgumentError('priority', "priority must be 'critical', 'cancel', 'order' or 'other'"),
      );
    }
    if (this.tryAcquire(method, options.priority)) return Promise.resolve();
    const pool = this.#pools[type.pool];
    const now = this.#clock();
    if (deadline <= now) return Promise.reject(noTimeForCredits(method, pool.name));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        pool,
        rank,
        deadline,
        since: now,
        settled: false,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal !== undefined) {
        // One listener a signal however many calls share it (no MaxListenersExceededWarning).
        waiter.onAbort = onAbort(signal, () => this.#abort(waiter));
      }
      pool.lanes.push(waiter);
      if (deadline !== Number.POSITIVE_INFINITY) this.#heap.push(waiter);
      this.#pump(pool);
      this.#schedule();
    });
  }

  /** Set the account's limits (from {@link parseAccountLimits}); the user's overrides still win. */
  setLimits(limits: PoolLimits): void {
    const checked = validatePoolLimits(limits, 'limits');
    this.#account = { ...this.#account, ...checked };
    for (const name of POOL_NAMES) {
      const pool = this.#pools[name];
      applyLimit(pool, limitOf(name, this.#overrides, this.#account));
      pool.retryAt = 0;
      this.#pump(pool);
    }
    this.#schedule();
  }

  /**
   * A `10028 too_many_requests` came anyway (another process or a browser tab spent the credits): treat
   * `pool` as empty and refill it at half rate for a while, in the store, so every process slows down.
   */
  onTooManyRequests(pool: PoolName): void {
    const state = this.#pools[pool];
    if (state === undefined || this.#disposed !== undefined) return;
    const spec = state.effective.spec;
    state.fallback?.drain(spec, this.#cooldownMs);
    state.available = 0;
    try {
      const drained = state.bucket.drain(spec, this.#cooldownMs);
      if (drained !== undefined && isThenable(drained)) {
        drained.then(undefined, (error: unknown) => this.#failures.failed(state, error, this.#clock()));
      }
    } catch (error) {
      this.#failures.failed(state, error, this.#clock());
    }
    this.#notify({ type: 'slowed', pool, cooldownMs: this.#cooldownMs });
  }

  /** Credits left per pool and calls waiting. */
  status(): CreditStatus {
    const pools = {} as Record<PoolName, PoolStatus>;
    for (const name of POOL_NAMES) pools[name] = poolStatus(this.#pools[name], this.store.sync);
    return { pools, waiting: this.#waiting(), storeFailing: this.#failures.any };
  }

  /** Listen to {@link GovernorNotice}s; returns the function that stops listening. */
  onNotice(listener: (notice: GovernorNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether {@link dispose} ran. */
  get disposed(): boolean {
    return this.#disposed !== undefined;
  }

  /** Reject every waiting call with `error`, clear the timer, and refuse calls from now on. Idempotent. */
  dispose(error: Error): void {
    if (this.#disposed !== undefined) return;
    this.#disposed = error;
    this.#clearTimer();
    this.#heap.clear();
    for (const name of POOL_NAMES) {
      const pool = this.#pools[name];
      for (const waiter of [...pool.lanes.all()]) this.#settle(waiter)?.reject(error);
      pool.taking = undefined;
      pool.probing = undefined;
    }
    this.#listeners.clear();
  }

  // ── taking ──────────────────────────────────────────────────────────────────────────────────────────

  /** Ask the pool's bucket (or the fallback while the store fails); undefined when the store just failed. */
  // No clock read on the way to the store (the fast path pays for the store's one only), but while a burst's
  // arrival shadow is in force.
  #take(pool: PoolState, rank: number): TakeResult | PromiseLike<TakeResult> | undefined {
    const floor = rank === 0 ? 0 : pool.effective.reserve;
    const held = shadowWait(pool, rank, this.#clock);
    if (held > 0) return { ok: false, available: pool.available ?? 0, waitMs: held };
    if (pool.fallback !== undefined) {
      const now = this.#clock();
      if (now >= pool.storeRetryAt && pool.probing === undefined) {
        this.#failures.probe(pool, now);
        this.#schedule();
      }
      return pool.fallback.take(pool.effective.spec, 1, floor);
    }
    try {
      return pool.bucket.take(pool.effective.spec, 1, floor);
    } catch (error) {
      this.#failures.failed(pool, error, this.#clock());
      return undefined;
    }
  }

  /** Serve `pool`'s waiters while credits last; one asynchronous take at a time. */
  #pump(pool: PoolState): void {
    while (pool.taking === undefined && this.#disposed === undefined) {
      const head = pool.lanes.head();
      if (head === undefined) {
        pool.heldNoticed = false;
        return;
      }
      const now = this.#clock();
      if (head.deadline <= now) {
        this.#settle(head)?.reject(creditTimeout(head, now));
        continue;
      }
      if (pool.retryAt > now) return;
      const result = this.#take(pool, head.rank);
      if (result === undefined) continue;
      if (isThenable(result)) {
        this.#awaitTake(pool, result, now);
        return;
      }
      if (!this.#taken(pool, result, now)) return;
    }
  }

  #awaitTake(pool: PoolState, result: PromiseLike<TakeResult>, now: number): void {
    const taking = { id: ++this.#ids, since: now };
    pool.taking = taking;
    result.then(
      (answer) => {
        if (pool.taking !== taking) return;
        pool.taking = undefined;
        this.#failures.recovered(pool);
        this.#taken(pool, answer, this.#clock());
        this.#pump(pool);
        this.#schedule();
      },
      (error: unknown) => {
        if (pool.taking !== taking) return;
        pool.taking = undefined;
        this.#failures.failed(pool, error, this.#clock());
        this.#pump(pool);
        this.#schedule();
      },
    );
  }

  /** Use a take's answer: serve the first waiter still in time, or wait as long as the bucket says. */
  #taken(pool: PoolState, result: TakeResult, now: number): boolean {
    pool.available = result.available;
    if (!result.ok) {
      pool.retryAt = now + Math.max(1, Math.ceil(result.waitMs));
      return false;
    }
    if (this.#byArrival) shadowTaken(pool, result.available, this.#clock);
    // The head may have changed while an asynchronous take was out: the credits go to whoever is first now.
    for (let head = pool.lanes.head(); head !== undefined; head = pool.lanes.head()) {
      const waiter = this.#settle(head);
      if (head.deadline > now) {
        waiter?.resolve();
        return true;
      }
      waiter?.reject(creditTimeout(head, now));
    }
    return true;
  }

  // ── the one timer ───────────────────────────────────────────────────────────────────────────────────

  /** Run the timer for the earliest of: a deadline, a pool's refill, a `held` notice, a store timeout. */
  #schedule(): void {
    if (this.#disposed !== undefined) return;
    let wake = this.#heap.peek()?.deadline ?? Number.POSITIVE_INFINITY;
    for (const name of POOL_NAMES) {
      const pool = this.#pools[name];
      if (pool.taking !== undefined) wake = Math.min(wake, pool.taking.since + this.#storeTimeoutMs);
      if (pool.probing !== undefined) wake = Math.min(wake, pool.probing.since + this.#storeTimeoutMs);
      if (pool.lanes.size === 0) continue;
      if (pool.taking === undefined) wake = Math.min(wake, pool.retryAt);
      const oldest = pool.heldNoticed ? undefined : pool.lanes.oldestSince();
      if (oldest !== undefined) wake = Math.min(wake, oldest + this.#heldAfterMs);
    }
    if (wake === Number.POSITIVE_INFINITY) {
      this.#clearTimer();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= wake) return;
    this.#clearTimer();
    this.#timerAt = wake;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, Math.ceil(wake - this.#clock())));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#clock();
    for (let waiter = this.#heap.peek(); waiter !== undefined && waiter.deadline <= now; ) {
      this.#heap.pop();
      this.#settle(waiter)?.reject(creditTimeout(waiter, now));
      waiter = this.#heap.peek();
    }
    for (const name of POOL_NAMES) {
      const pool = this.#pools[name];
      if (pool.taking !== undefined && now - pool.taking.since >= this.#storeTimeoutMs) {
        pool.taking = undefined;
        this.#failures.failed(pool, storeTimeoutError(this.#storeTimeoutMs), now);
      }
      if (pool.probing !== undefined && now - pool.probing.since >= this.#storeTimeoutMs) {
        pool.probing = undefined;
        pool.storeRetryAt = now + STORE_RETRY_MS;
      }
      if (pool.lanes.size === 0) continue;
      this.#pump(pool);
      this.#noticeHeld(pool, now);
    }
    this.#schedule();
  }

  #noticeHeld(pool: PoolState, now: number): void {
    if (pool.heldNoticed || pool.lanes.size === 0) return;
    const oldest = pool.lanes.oldestSince();
    if (oldest === undefined || now - oldest < this.#heldAfterMs) return;
    pool.heldNoticed = true;
    this.#notify({
      type: 'held',
      pool: pool.name,
      waiting: pool.lanes.size,
      heldMs: Math.round(now - oldest),
    });
  }

  // ── waiters ─────────────────────────────────────────────────────────────────────────────────────────

  /** Take `waiter` out of the queue; returns it to resolve or reject, or undefined if it had settled. */
  #settle(waiter: Waiter): Waiter | undefined {
    if (waiter.settled) return undefined;
    waiter.pool.lanes.settle(waiter);
    waiter.onAbort?.();
    if (this.#heap.size > 1024 && this.#heap.size > 4 * this.#waiting()) this.#heap.compact();
    return waiter;
  }

  #abort(waiter: Waiter): void {
    this.#settle(waiter)?.reject(waiter.signal?.reason);
    this.#pump(waiter.pool);
    this.#schedule();
  }

  #waiting(): number {
    let waiting = 0;
    for (const name of POOL_NAMES) waiting += this.#pools[name].lanes.size;
    return waiting;
  }

  #notify(notice: GovernorNotice): void {
    // Listeners are the sessions' own reporters (which guard the user's listeners); one failing must not stop the others.
    for (const listener of [...this.#listeners]) {
      try {
        listener(notice);
      } catch {}
    }
  }
}
