/**
 * The governor's scheduling with fake time (pure units: no socket is involved). The store is the real memory
 * store on the fake clock, or a small fake of the `CreditStore` interface where a store must fail.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BucketSpec, TokenBucket } from '../../src/calls/credits/bucket.js';
import { CreditGovernor } from '../../src/calls/credits/governor.js';
import type { GovernorNotice } from '../../src/calls/credits/governor-types.js';
import type { PoolLimits } from '../../src/calls/credits/pools.js';
import { GovernorRegistry } from '../../src/calls/credits/registry.js';
import { type CreditBucket, type CreditStore, MemoryCreditStore } from '../../src/calls/credits/store.js';
import { InvalidArgumentError, RequestTimeoutError } from '../../src/errors/errors.js';

const now = (): number => Date.now();
/** Deribit-side limit of the tests' matching pool: 10 a second, burst 5 (we pace by 9.8 and 4). */
const MATCHING: PoolLimits = { matching: { rate: 10, burst: 5 } };

function governor(limits: PoolLimits = MATCHING): CreditGovernor {
  return new CreditGovernor({ store: new MemoryCreditStore({ now }), key: 'sub', clock: now, limits });
}

/** Spend what the pool of `method` has now. */
function exhaust(gov: CreditGovernor, method = 'private/buy'): number {
  let taken = 0;
  while (gov.tryAcquire(method)) taken += 1;
  return taken;
}

/** Settle-state of a promise, without waiting. */
function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const tracked: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  promise.then(
    () => {
      tracked.state = 'resolved';
    },
    (error: unknown) => {
      tracked.state = 'rejected';
      tracked.error = error;
    },
  );
  return tracked;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the fast path', () => {
  it('serves an uncontended call synchronously, with no timer and no promise', () => {
    const gov = governor();
    expect(exhaust(gov)).toBe(4);
    expect(vi.getTimerCount()).toBe(0);
    expect(gov.status().pools.matching).toMatchObject({ available: 0, waiting: 0, limit: MATCHING.matching });
    // Other pools are untouched.
    expect(gov.tryAcquire('private/get_positions')).toBe(true);
  });

  it('does not let a call pass the queue of its own priority, but lets a cancel pass queued orders', async () => {
    const gov = governor();
    exhaust(gov);
    const order = track(gov.acquire('private/buy'));
    vi.setSystemTime(now() + 1000); // credits refilled, but the timer has not run yet
    expect(gov.tryAcquire('private/sell')).toBe(false);
    expect(gov.tryAcquire('private/cancel')).toBe(true);
    expect(order.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(110);
    expect(order.state).toBe('resolved');
  });
});

describe('when credits are short', () => {
  it('serves cancels first, then orders, then the rest, FIFO within each', async () => {
    const gov = governor();
    exhaust(gov);
    const served: string[] = [];
    const queue = (method: string, name: string): Promise<void> =>
      gov.acquire(method).then(() => {
        served.push(name);
      });
    const all = [
      queue('private/verify_block_trade', 'other-1'),
      queue('private/buy', 'order-1'),
      queue('private/sell', 'order-2'),
      queue('private/cancel', 'cancel-1'),
      queue('private/edit', 'order-3'),
      queue('private/cancel_all', 'cancel-2'),
    ];
    expect(gov.status().pools.matching.waiting).toBe(6);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(served).toEqual(['cancel-1', 'cancel-2', 'order-1', 'order-2', 'order-3', 'other-1']);
  });

  it('lets a cancel behind 1,000 queued orders out within one refill interval', async () => {
    const gov = governor();
    exhaust(gov);
    const orders = Array.from({ length: 1000 }, () => track(gov.acquire('private/buy')));
    await vi.advanceTimersByTimeAsync(250);
    const start = now();
    let servedAt = 0;
    const cancel = gov.acquire('private/cancel').then(() => {
      servedAt = now();
    });
    await vi.advanceTimersByTimeAsync(200);
    await cancel;
    expect(servedAt - start).toBeLessThanOrEqual(Math.ceil(1000 / 9.8));
    expect(orders.filter((order) => order.state === 'resolved').length).toBeLessThan(10);
    gov.dispose(new Error('done'));
  });

  it('never releases more than Deribit’s burst plus its rate over the time elapsed', async () => {
    const gov = governor();
    const start = now();
    const times: number[] = [];
    const calls = Array.from({ length: 60 }, () => gov.acquire('private/buy').then(() => times.push(now())));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(calls);
    times.forEach((at, index) => {
      expect(index + 1).toBeLessThanOrEqual(5 + (10 * (at - start)) / 1000);
    });
    // …and close to the minimum our margins allow: (60 - 4) calls at 9.8 a second.
    expect(times.at(-1)! - start).toBeLessThanOrEqual(Math.ceil((56 / 9.8) * 1000) + 5);
  });

  it('keeps a reserve that only critical calls may use', () => {
    const gov = governor({ non_matching: { rate: 1, burst: 10 } }); // we keep 9, 2 of them for critical calls
    expect(exhaust(gov, 'public/get_time')).toBe(7);
    expect(gov.tryAcquire('public/test', 'critical')).toBe(true);
    expect(gov.tryAcquire('public/test', 'critical')).toBe(true);
    expect(gov.tryAcquire('public/test', 'critical')).toBe(false);
  });

  it('serves a queued critical call before everything else in its pool', async () => {
    const gov = governor({ non_matching: { rate: 1, burst: 3 } });
    while (gov.tryAcquire('public/test', 'critical'));
    const served: string[] = [];
    const user = gov.acquire('public/get_time').then(() => served.push('user'));
    const heartbeat = gov
      .acquire('public/test', { priority: 'critical' })
      .then(() => served.push('critical'));
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all([user, heartbeat]);
    expect(served).toEqual(['critical', 'user']);
  });
});

describe('deadlines, aborts and dispose', () => {
  it('rejects a call unsent when its credits do not come before its deadline, and never sends it late', async () => {
    const gov = governor();
    exhaust(gov);
    const late = track(gov.acquire('private/buy', { deadline: now() + 50 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(late.state).toBe('rejected');
    expect(late.error).toBeInstanceOf(RequestTimeoutError);
    expect(late.error).toMatchObject({ sent: false, method: 'private/buy', timeout: 50 });
    expect(String((late.error as Error).message)).toMatch(/not sent.*credits of Deribit's matching pool/);
    await vi.advanceTimersByTimeAsync(1000);
    expect(gov.status().pools.matching.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when the deadline has passed and there are no credits', async () => {
    const gov = governor();
    exhaust(gov);
    await expect(gov.acquire('private/buy', { deadline: now() })).rejects.toMatchObject({ sent: false });
    // With credits, a call goes even at its deadline: it is sent now, not late.
    await expect(gov.acquire('private/get_time', { deadline: now() })).resolves.toBeUndefined();
  });

  it('runs one timer for the whole queue', async () => {
    const gov = governor();
    exhaust(gov);
    const calls = Array.from({ length: 100 }, (_, index) =>
      track(gov.acquire('private/buy', { deadline: now() + 100 + index * 10 })),
    );
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.every((call) => call.state !== 'pending')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the signal’s reason on abort, and a later call takes the freed place', async () => {
    const gov = governor();
    exhaust(gov);
    const controller = new AbortController();
    const aborted = track(gov.acquire('private/buy', { signal: controller.signal }));
    const next = track(gov.acquire('private/buy'));
    controller.abort(new Error('user gave up'));
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted).toMatchObject({ state: 'rejected', error: new Error('user gave up') });
    await vi.advanceTimersByTimeAsync(110);
    expect(next.state).toBe('resolved');
    await expect(gov.acquire('private/buy', { signal: AbortSignal.abort('no') })).rejects.toBe('no');
  });

  it('dispose rejects every waiter with the given error, clears the timer and refuses new calls', async () => {
    const gov = governor();
    exhaust(gov);
    const waiting = [track(gov.acquire('private/buy')), track(gov.acquire('private/cancel'))];
    const closed = new Error('closed');
    gov.dispose(closed);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.map((call) => call.error)).toEqual([closed, closed]);
    expect(vi.getTimerCount()).toBe(0);
    expect(gov.tryAcquire('private/get_time')).toBe(false);
    await expect(gov.acquire('private/get_time')).rejects.toBe(closed);
  });

  it('refuses bad arguments with typed errors', async () => {
    const gov = governor();
    await expect(gov.acquire('private/buy', { deadline: Number.NaN })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const priority = 'urgent' as unknown as 'cancel';
    await expect(gov.acquire('private/buy', { priority })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => governor({ matching: { rate: 0, burst: 5 } })).toThrow(InvalidArgumentError);
    expect(() => governor({ matching: { rate: 1, burst: 0.5 } })).toThrow(/burst/);
    expect(() => governor({ nope: { rate: 1, burst: 1 } } as unknown as PoolLimits)).toThrow(/unknown pool/);
  });
});

describe('limits, 10028 and notices', () => {
  it('takes the account’s limits from setLimits, while the user’s overrides win', async () => {
    const gov = governor({ non_matching: { rate: 20, burst: 100 } });
    gov.setLimits({ matching: { rate: 30, burst: 100 }, non_matching: { rate: 1, burst: 2 } });
    expect(exhaust(gov)).toBe(95);
    expect(gov.status().pools.non_matching.limit).toEqual({ rate: 20, burst: 100 });
    expect(gov.status().pools.matching.limit).toEqual({ rate: 30, burst: 100 });
  });

  it('paces queued calls by new limits at once (a faster refill; a bigger burst adds no credits now)', async () => {
    const gov = governor({});
    gov.setLimits(MATCHING);
    exhaust(gov);
    const queued = track(gov.acquire('private/buy'));
    gov.setLimits({ matching: { rate: 100, burst: 50 } });
    await vi.advanceTimersByTimeAsync(9);
    expect(queued.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(3); // 1 / 98 s, where the old limit needed 1 / 9.8 s
    expect(queued.state).toBe('resolved');
  });

  it('treats the pool as empty after a 10028 and refills it at half rate for the cooldown', async () => {
    const gov = new CreditGovernor({
      store: new MemoryCreditStore({ now }),
      clock: now,
      limits: MATCHING,
      cooldownMs: 10_000,
    });
    const notices: GovernorNotice[] = [];
    gov.onNotice((notice) => notices.push(notice));
    expect(gov.tryAcquire('private/buy')).toBe(true);
    gov.onTooManyRequests('matching');
    expect(notices).toEqual([{ type: 'slowed', pool: 'matching', cooldownMs: 10_000 }]);
    expect(gov.tryAcquire('private/cancel')).toBe(false);
    let servedAt = 0;
    const start = now();
    const call = gov.acquire('private/cancel').then(() => {
      servedAt = now();
    });
    await vi.advanceTimersByTimeAsync(1000);
    await call;
    // One request at 4.9 a second (half of 9.8), not 9.8.
    expect(servedAt - start).toBeGreaterThanOrEqual(Math.floor(1000 / 4.9));
  });

  it('reports once when calls have been held longer than a second', async () => {
    const gov = governor({ matching: { rate: 1, burst: 2 } });
    const notices: GovernorNotice[] = [];
    const stop = gov.onNotice((notice) => notices.push(notice));
    gov.onNotice(() => {
      throw new Error('a broken listener does not stop the others');
    });
    exhaust(gov);
    const calls = Array.from({ length: 3 }, () => gov.acquire('private/buy'));
    await vi.advanceTimersByTimeAsync(999);
    expect(notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(notices).toEqual([{ type: 'held', pool: 'matching', waiting: 3, heldMs: 1000 }]);
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(calls);
    expect(notices).toHaveLength(1);
    stop();
  });
});

/** A store of the narrow interface whose answers come later, or fail, or never come. */
class FlakyStore implements CreditStore {
  readonly sync = false;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  readonly #buckets = new Map<string, TokenBucket>();

  bucket(id: string): CreditBucket {
    const real = this.#buckets.get(id) ?? new TokenBucket(now);
    this.#buckets.set(id, real);
    const answer = <T>(value: () => T): Promise<T> => {
      if (this.mode === 'hang') return new Promise<T>(() => {});
      if (this.mode === 'fail') return Promise.reject(new Error('redis is down'));
      return Promise.resolve().then(value);
    };
    return {
      take: (spec: BucketSpec, count: number, floor: number) => answer(() => real.take(spec, count, floor)),
      drain: (spec: BucketSpec, cooldownMs: number) => answer(() => real.drain(spec, cooldownMs)),
      peek: (spec: BucketSpec) => answer(() => real.peek(spec)),
    };
  }
}

describe('an asynchronous store', () => {
  it('is never tried on the fast path, and serves calls through the queue', async () => {
    const gov = new CreditGovernor({ store: new FlakyStore(), clock: now, limits: MATCHING });
    expect(gov.tryAcquire('private/buy')).toBe(false);
    const calls = Array.from({ length: 6 }, () => track(gov.acquire('private/buy')));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter((call) => call.state === 'resolved')).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls.every((call) => call.state === 'resolved')).toBe(true);
  });

  it('that fails: calls go on, paced by this process alone, and the store is used again when it heals', async () => {
    const store = new FlakyStore();
    const gov = new CreditGovernor({ store, clock: now, limits: MATCHING });
    const notices: GovernorNotice[] = [];
    gov.onNotice((notice) => notices.push(notice));
    await gov.acquire('private/buy'); // the store said 3 are left
    store.mode = 'fail';
    const during = Array.from({ length: 5 }, () => track(gov.acquire('private/buy')));
    await vi.advanceTimersByTimeAsync(0);
    expect(notices).toEqual([{ type: 'store-failed', error: new Error('redis is down') }]);
    // The fallback starts from the last count seen (3), then refills at the pool's rate.
    expect(during.filter((call) => call.state === 'resolved')).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(250);
    expect(during.every((call) => call.state === 'resolved')).toBe(true);
    store.mode = 'ok';
    await vi.advanceTimersByTimeAsync(2000);
    const after = track(gov.acquire('private/buy'));
    await vi.advanceTimersByTimeAsync(200);
    expect(after.state).toBe('resolved');
    expect(notices.at(-1)).toEqual({ type: 'store-recovered' });
    expect(gov.status().storeFailing).toBe(false);
  });

  it('that never answers: after storeTimeoutMs the call is served from the fallback, not held forever', async () => {
    const store = new FlakyStore();
    store.mode = 'hang';
    const gov = new CreditGovernor({ store, clock: now, limits: MATCHING, storeTimeoutMs: 300 });
    const notices: GovernorNotice[] = [];
    gov.onNotice((notice) => notices.push(notice));
    const call = track(gov.acquire('private/buy'));
    await vi.advanceTimersByTimeAsync(299);
    expect(call.state).toBe('pending');
    // The fallback knows no count, so it starts empty: one refill interval after the timeout.
    await vi.advanceTimersByTimeAsync(1 + 103);
    expect(call.state).toBe('resolved');
    expect(notices[0]).toMatchObject({
      type: 'store-failed',
      error: { message: expect.stringMatching(/300 ms/) },
    });
    expect(gov.status().storeFailing).toBe(true);
    gov.dispose(new Error('done'));
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('GovernorRegistry', () => {
  it('hands out one governor per (store, key), and disposes of it on the last release', async () => {
    const registry = new GovernorRegistry();
    const store = new MemoryCreditStore({ now });
    const root = registry.lease(store, 'prod:42', { limits: MATCHING, clock: now });
    const fork = registry.lease(store, 'prod:42');
    const other = registry.lease(store, 'prod:43');
    const elsewhere = registry.lease(new MemoryCreditStore({ now }), 'prod:42');
    expect(fork.governor).toBe(root.governor);
    expect(other.governor).not.toBe(root.governor);
    expect(elsewhere.governor).not.toBe(root.governor);
    expect(registry.holders(store, 'prod:42')).toBe(2);
    root.release();
    root.release();
    expect(registry.holders(store, 'prod:42')).toBe(1);
    expect(fork.governor.disposed).toBe(false);
    fork.release();
    expect(fork.governor.disposed).toBe(true);
    expect(registry.lease(store, 'prod:42').governor).not.toBe(fork.governor);
  });
});
