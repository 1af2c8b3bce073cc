/**
 * A stall between the session and the server, against a hostile server that counts credits on arrival as
 * Deribit does (issue 19): the burst is held up, the credits we refilled meanwhile go out behind it, and both
 * arrive at once, where the server's bucket, full and capped, has not refilled for them. Without pacing by
 * arrival (`src/calls/credits/arrival.ts`) a 300 ms stall earns 97 × 10028 at burst 100, 500 a second (the burst
 * margin alone covers 25 ms; a 30 ms stall earned 10–13); with it, none. A fresh burst once the first is through
 * must pause again, from the slower of the two counts: before that was so, the same stall earned 82.
 */
import { afterEach, expect, it } from 'vitest';
import { effectivePool } from '../../src/calls/credits/headroom.js';
import { deribitLike, type HostilePeer } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

const TIER = { rate: 500, burst: 100 } as const;
const STALL_MS = 300;

it('a burst held up 300 ms, with the refill arriving right behind it, earns no 10028 at burst 100, 500/s', async () => {
  // The server's bucket, on its own clock, counting requests as they arrive.
  let credits: number = TIER.burst;
  let at = performance.now();
  let limited = 0;
  let peer: HostilePeer | undefined;
  await h.start((request, p) => {
    peer = p;
    if (request.method === 'private/get_account_summary') {
      p.result(request, {
        currency: 'BTC',
        limits: {
          limits_per_currency: false,
          non_matching_engine: { rate: 20, burst: 100 },
          matching_engine: { trading: { total: TIER } },
        },
      });
      return;
    }
    if (request.method === 'private/buy' || request.method === 'private/cancel_all') {
      const now = performance.now();
      credits = Math.min(TIER.burst, credits + ((now - at) / 1000) * TIER.rate);
      at = now;
      if (credits < 1) {
        limited += 1;
        p.error(request, 10028, 'too_many_requests');
        return;
      }
      credits -= 1;
      p.result(
        request,
        request.method === 'private/cancel_all' ? 0 : { order: { order_id: `o-${request.id}` }, trades: [] },
      );
      return;
    }
    deribitLike(request, p);
  });
  const session = h.session();
  await session.connect();
  await session.call('private/cancel_all'); // the first order call reads the tier
  await expect.poll(() => session.status().credits?.pools.matching.limit).toEqual(TIER);
  // Both buckets full again: ours (the smaller, with its margin) shows it, and the server's fills faster.
  const full = Math.floor(effectivePool(TIER, 0).spec.burst);
  await expect.poll(() => session.status().credits?.pools.matching.available).toBe(full);

  peer?.stopReading();
  const orders = Array.from({ length: 200 }, () =>
    session.call(
      'private/buy',
      { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 30_000 },
      { maxWait: 10_000 },
    ),
  );
  // The stall itself: what the session sends meanwhile backs up in TCP, behind the burst.
  await new Promise<void>((resolve) => setTimeout(resolve, STALL_MS));
  peer?.resumeReading();
  const results = await Promise.allSettled(orders);
  expect(limited).toBe(0);
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
});
