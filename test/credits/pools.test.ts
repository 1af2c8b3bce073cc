/** Pure units: which pool and priority each method has, the account-limit parser, the safety margins. */
import { describe, expect, it } from 'vitest';
import { effectivePool } from '../../src/calls/credits/headroom.js';
import { parseAccountLimits } from '../../src/calls/credits/limits.js';
import { POOL_NAMES, POOLS, poolOf, priorityOf } from '../../src/calls/credits/pools.js';

describe('poolOf and priorityOf', () => {
  it('read every spelling Deribit accepts alike', () => {
    for (const spelling of ['private/buy', '/private/buy', '/api/v2/private/buy']) {
      expect(poolOf(spelling)).toBe('matching');
      expect(priorityOf(spelling)).toBe('order');
    }
    expect(poolOf('/api/v2/public/test')).toBe('non_matching');
  });

  it('put cancels first, then order entry, then the rest', () => {
    for (const method of [
      'private/cancel',
      'private/cancel_all',
      'private/cancel_all_by_currency',
      'private/cancel_all_by_instrument',
      'private/cancel_all_by_kind_or_type',
      'private/cancel_by_label',
      'private/cancel_quotes',
    ]) {
      expect([method, poolOf(method), priorityOf(method)]).toEqual([method, 'matching', 'cancel']);
    }
    for (const method of [
      'private/sell',
      'private/edit',
      'private/edit_by_label',
      'private/close_position',
    ]) {
      expect([method, poolOf(method), priorityOf(method)]).toEqual([method, 'matching', 'order']);
    }
    expect(priorityOf('private/get_positions')).toBe('other');
    expect(priorityOf('private/verify_block_trade')).toBe('other');
  });

  it('give mass quotes, subscribes and the costly methods pools of their own', () => {
    expect([poolOf('private/mass_quote'), priorityOf('private/mass_quote')]).toEqual(['mass_quote', 'order']);
    expect(poolOf('public/subscribe')).toBe('subscribe');
    expect(poolOf('/private/subscribe')).toBe('subscribe');
    expect(poolOf('public/unsubscribe')).toBe('non_matching');
    expect(poolOf('public/get_instruments')).toBe('get_instruments');
    expect(poolOf('private/get_transaction_log')).toBe('get_transaction_log');
    expect(poolOf('private/move_positions')).toBe('move_positions');
  });

  it('know Deribit’s documented defaults', () => {
    expect(POOLS.non_matching.limit).toEqual({ rate: 20, burst: 100 });
    expect(POOLS.matching.limit).toEqual({ rate: 5, burst: 20 });
    expect(POOLS.subscribe.limit.burst).toBe(10);
    expect(POOLS.subscribe.limit.rate).toBeCloseTo(3.333, 3);
    expect(POOL_NAMES).toContain('mass_quote');
  });
});

/** The testnet capture of 2025 (PROTOCOL.md). */
const TESTNET_LIMITS = {
  limits_per_currency: false,
  non_matching_engine: { rate: 20, burst: 100 },
  matching_engine: {
    trading: { total: { rate: 5, burst: 20 } },
    spot: { rate: 5, burst: 20 },
    cancel_all: { rate: 5, burst: 20 },
    maximum_quotes: { rate: 500, burst: 500 },
    maximum_mass_quotes: { rate: 10, burst: 10 },
    guaranteed_mass_quotes: { rate: 2, burst: 2 },
    block_rfq_maker: { rate: 10, burst: 20 },
  },
};

describe('parseAccountLimits', () => {
  it('reads the real nested shape, from the summary or its limits alone', () => {
    const expected = {
      non_matching: { rate: 20, burst: 100 },
      matching: { rate: 5, burst: 20 },
      mass_quote: { rate: 10, burst: 10 },
    };
    expect(parseAccountLimits({ limits: TESTNET_LIMITS, equity: 1 })).toEqual(expected);
    expect(parseAccountLimits(TESTNET_LIMITS)).toEqual(expected);
  });

  it('takes the strictest trading pool of every currency when limits are per currency', () => {
    // Deribit's documented example for `limits_per_currency: true`.
    const limits = {
      non_matching_engine: { burst: 1500, rate: 1000 },
      limits_per_currency: true,
      matching_engine: {
        cancel_all: { burst: 250, rate: 200 },
        spot: { burst: 250, rate: 200 },
        usdc: {
          maximum_mass_quotes: { burst: 10, rate: 10 },
          trading: { total: { burst: 250, rate: 200 } },
        },
        btc: {
          maximum_mass_quotes: { burst: 8, rate: 12 },
          trading: { perpetuals: { burst: 20, rate: 10 }, total: { burst: 150, rate: 100 } },
        },
      },
    };
    expect(parseAccountLimits({ limits })).toEqual({
      non_matching: { rate: 1000, burst: 1500 },
      matching: { rate: 10, burst: 20 },
      mass_quote: { rate: 10, burst: 8 },
    });
  });

  it('never throws, and leaves out what it cannot read', () => {
    for (const odd of [
      undefined,
      null,
      42,
      'limits',
      [],
      { limits: [] },
      { limits: { matching_engine: 7 } },
    ]) {
      expect(parseAccountLimits(odd)).toEqual({});
    }
    expect(
      parseAccountLimits({
        limits: {
          non_matching_engine: { rate: 'fast', burst: 100 },
          matching_engine: { trading: { total: { rate: -1, burst: 20 } }, eur: null, usd: { trading: 'x' } },
        },
      }),
    ).toEqual({});
    expect(parseAccountLimits({ limits: { non_matching_engine: { rate: Infinity, burst: 5 } } })).toEqual({});
  });
});

describe('the safety margins', () => {
  it('keep the bucket a little smaller and slower than Deribit’s, and the reserve inside it', () => {
    const { spec, reserve } = effectivePool({ rate: 20, burst: 100 }, 2);
    expect(spec.burst).toBe(95);
    expect(spec.rate).toBeCloseTo(19.6);
    expect(spec.slowRate).toBeCloseTo(9.8);
    expect(reserve).toBe(2);
    expect(effectivePool({ rate: 5, burst: 20 }, 0).spec.burst).toBe(19);
  });

  it('on a fast pool, keep back 25 ms of refill (jitter), but never more than half the burst', () => {
    expect(effectivePool({ rate: 500, burst: 100 }, 0).spec.burst).toBe(87);
    expect(effectivePool({ rate: 4000, burst: 1000 }, 0).spec.burst).toBe(900);
    expect(effectivePool({ rate: 2000, burst: 20 }, 0).spec.burst).toBe(10);
    // A budget shared across processes keeps back 50 ms.
    expect(effectivePool({ rate: 500, burst: 100 }, 0, true).spec.burst).toBe(75);
  });

  it('never leave a pool that nothing can pass', () => {
    expect(effectivePool({ rate: 1, burst: 1 }, 2)).toMatchObject({ spec: { burst: 1 }, reserve: 0 });
    expect(effectivePool({ rate: 1, burst: 2 }, 2)).toMatchObject({ spec: { burst: 1 }, reserve: 0 });
    expect(effectivePool({ rate: 1, burst: 4 }, 2)).toMatchObject({ spec: { burst: 3 }, reserve: 2 });
  });
});
