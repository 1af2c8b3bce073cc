/** Pure units: the token-bucket math and the in-memory store, on a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { msUntil, TokenBucket, tokensAt } from '../../src/calls/credits/bucket.js';
import { MemoryCreditStore } from '../../src/calls/credits/store.js';

const SPEC = { rate: 10, burst: 5, slowRate: 5 };

describe('tokensAt and msUntil', () => {
  it('refill at the rate up to the burst', () => {
    const state = { tokens: 0, at: 1000, slowUntil: 0 };
    expect(tokensAt(state, SPEC, 1000)).toBe(0);
    expect(tokensAt(state, SPEC, 1200)).toBeCloseTo(2);
    expect(tokensAt(state, SPEC, 9000)).toBe(5);
    expect(tokensAt(state, SPEC, 500)).toBe(0);
  });

  it('refill at the slow rate before slowUntil, at the full rate after', () => {
    const state = { tokens: 0, at: 0, slowUntil: 200 };
    expect(tokensAt(state, SPEC, 200)).toBeCloseTo(1);
    expect(tokensAt(state, SPEC, 300)).toBeCloseTo(2);
    expect(msUntil(0, 2, SPEC, 0, 200)).toBeCloseTo(300);
    expect(msUntil(0, 1, SPEC, 0, 200)).toBeCloseTo(200);
    expect(msUntil(0, 0.5, SPEC, 0, 200)).toBeCloseTo(100);
  });

  it('say never for more than the burst, and 0 when the tokens are there', () => {
    expect(msUntil(0, 6, SPEC, 0, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(msUntil(3, 2, SPEC, 0, 0)).toBe(0);
    expect(msUntil(0.5, 1, SPEC, 0, 0)).toBeCloseTo(50);
  });
});

describe('TokenBucket', () => {
  it('starts full, takes while count + floor are there, then says how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket(() => now);
    const results = Array.from({ length: 4 }, () => bucket.take(SPEC, 1, 1).ok);
    expect(results).toEqual([true, true, true, true]);
    const refused = bucket.take(SPEC, 1, 1);
    expect(refused).toMatchObject({ ok: false, available: 1 });
    expect(refused.waitMs).toBeCloseTo(100);
    expect(bucket.take(SPEC, 1, 0).ok).toBe(true);
    now = 100;
    expect(bucket.take(SPEC, 1, 0).ok).toBe(true);
    expect(bucket.peek(SPEC)).toBeCloseTo(0);
  });

  it('drains to empty and refills slowly for the cooldown', () => {
    let now = 0;
    const bucket = new TokenBucket(() => now);
    bucket.drain(SPEC, 1000);
    expect(bucket.peek(SPEC)).toBe(0);
    now = 400;
    expect(bucket.peek(SPEC)).toBeCloseTo(2);
    now = 1000;
    expect(bucket.peek(SPEC)).toBe(5);
  });
});

describe('MemoryCreditStore', () => {
  it('hands out one bucket per id: the same id is the same bucket', () => {
    let now = 0;
    const store = new MemoryCreditStore({ now: () => now });
    const a = store.bucket('sub:matching');
    expect(store.bucket('sub:matching')).toBe(a);
    for (let index = 0; index < 5; index += 1) expect(a.take(SPEC, 1, 0).ok).toBe(true);
    expect(store.bucket('sub:matching').take(SPEC, 1, 0).ok).toBe(false);
    expect(store.bucket('other:matching').take(SPEC, 1, 0).ok).toBe(true);
    now = 100;
    expect(a.take(SPEC, 1, 0).ok).toBe(true);
  });
});
