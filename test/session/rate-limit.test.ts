import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, RpcError } from '../../src/index.js';
import { countRateLimited, Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe("Deribit's rate-limit credits", () => {
  it('a burst past the credit pool is paced: no 10028, no refusal, no reconnect', async () => {
    const emu = await h.start();
    const limited = countRateLimited(emu);
    const session = h.session();
    await session.connect();
    const held = nextEvent(session, 'warning', (w) => w.code === 'credits-held');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 150 }, () => session.call('public/get_time', undefined, { maxWait: 10_000 })),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(limited.count).toBe(0);
    expect(emu.connectionCount).toBe(1);
    expect((await held).items).toEqual(['non_matching']);
    expect(session.status().credits?.pools.non_matching.available).toBeLessThan(95);
  });

  it('without pacing (credits: false), a burst past the pool costs one reconnect, not a storm', async () => {
    // The emulator's defaults are Deribit's: 500 credits a request, a pool of 50,000, refilled at 10,000/s.
    const emu = await h.start();
    let connections = 0;
    emu.on('connection', () => {
      connections += 1;
    });
    const session = h.session({ credits: false, reconnect: { minTimeout: 50, maxTimeout: 1000 } });
    await session.connect();
    const limited = new Promise((resolve) => emu.once('rateLimited', resolve));
    const back = nextEvent(session, 'authenticated');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 150 }, () => session.call('public/get_time', undefined, { maxWait: 0 })),
    );
    await limited;
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    // Past the pool: 10028, then the server ends the socket; nothing else.
    expect(refusals.length).toBeGreaterThan(0);
    for (const reason of refusals) {
      const expected =
        (reason instanceof RpcError && reason.code === 10028) ||
        reason instanceof ConnectionClosedError ||
        (reason as { sent?: boolean }).sent === false;
      expect(expected, String(reason)).toBe(true);
    }
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(90);
    await back;
    // Authenticated again on one new socket; without pacing, the next calls are the caller's to space out.
    expect(session.state).toBe('authenticated');
    expect(connections).toBe(2);
  });
});
