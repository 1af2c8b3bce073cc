/**
 * The credit governor on the session's call path, against the emulator's per-subaccount pools (issue 19): a
 * burst of orders on the default tier never earns a 10028 nor a disconnect; what cannot get credits in time
 * rejects unsent and never reaches the server; a cancel overtakes queued orders; forks share their parent's
 * pool; the account's tier is read and used; the platform gate holds order entry while an index is locked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { governors } from '../../src/calls/credits/registry.js';
import { defaultCreditStore } from '../../src/calls/credits/store.js';
import { PlatformLockedError, RequestTimeoutError } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { countRateLimited, Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const BUY = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 40_000 } as const;
const SUBJECT = DEFAULT_ACCOUNT.id;

describe('orders paced by the matching-engine pool (default tier: burst 20, 5 a second)', () => {
  it('40 buys at once are all placed: no 10028, no disconnect', async () => {
    const emu = await h.start();
    const limited = countRateLimited(emu);
    const session = h.session();
    await session.connect();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => session.call('private/buy', BUY, { maxWait: 15_000 })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(limited.count).toBe(0);
    expect(emu.connectionCount).toBe(1);
    expect(emu.openOrders(SUBJECT)).toHaveLength(40);
  }, 20_000);

  it('calls that cannot get credits within maxWait reject unsent and never reach the server', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => session.call('private/buy', BUY, { maxWait: 200 })),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect(error).toMatchObject({ sent: false });
      expect((error as Error).message).toMatch(/waited .* for credits/);
    }
    const sent = emu.received.filter((m) => m.method === 'private/buy').length;
    expect(sent).toBe(30 - refused.length);
    expect(emu.openOrders(SUBJECT)).toHaveLength(sent);
  });

  it('a cancel issued behind queued orders goes first', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const { order } = await session.call('private/buy', BUY);
    const order$ = Array.from({ length: 40 }, () => session.call('private/buy', BUY, { maxWait: 15_000 }));
    const cancel = session.call('private/cancel', { order_id: order.order_id });
    await cancel;
    const methods = emu.received.filter((m) => m.method === 'private/buy' || m.method === 'private/cancel');
    const cancelAt = methods.findIndex((m) => m.method === 'private/cancel');
    expect(cancelAt).toBeLessThan(25); // before most of the 40 queued buys
    await Promise.all(order$);
  }, 20_000);

  it('a fork draws from its parent’s pool: together they stay under it', async () => {
    const emu = await h.start();
    const limited = countRateLimited(emu);
    const parent = h.session({ scope: 'session:pool' });
    await parent.connect();
    const child = await parent.fork('pool-child');
    h.sessions.push(child);
    const calls = [parent, child].flatMap((s) =>
      Array.from({ length: 20 }, () => s.call('private/buy', BUY, { maxWait: 15_000 })),
    );
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(limited.count).toBe(0);
    // One governor for both: the subaccount's key, held twice.
    const key = `${new URL(emu.url).host}:${DEFAULT_ACCOUNT.clientId}`;
    expect(governors.holders(defaultCreditStore(), key)).toBe(2);
  }, 20_000);

  it('the account’s tier, read from private/get_account_summary, paces orders', async () => {
    const emu = await h.start();
    emu.setLimits(SUBJECT, { matching: { rate: 50, burst: 100 } });
    const session = h.session();
    await session.connect();
    await session.call('private/buy', BUY); // the first order call reads the tier
    await expect.poll(() => session.status().credits?.pools.matching.limit).toEqual({ rate: 50, burst: 100 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, () => session.call('private/buy', BUY)));
    expect(performance.now() - started).toBeLessThan(4000); // at the default tier 60 buys take ≈ 8 s
    expect(emu.received.filter((m) => m.method === 'private/get_account_summary')).toHaveLength(1);
  });
});

describe('the platform gate', () => {
  it('holds order entry while the index is locked, lets cancels through, and sends once it unlocks', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const { order } = await session.call('private/buy', BUY);
    const locked = nextEvent(session, 'warning', (w) => w.code === 'platform-locked');
    emu.lockIndex('btc_usd');
    expect((await locked).items).toEqual(['btc_usd']);
    const refused = await session.call('private/buy', BUY, { maxWait: 100 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlatformLockedError);
    expect(refused).toMatchObject({ sent: false, code: 'PLATFORM_LOCKED' });
    await expect(session.call('private/cancel', { order_id: order.order_id })).resolves.toMatchObject({
      order_state: 'cancelled',
    });
    const waiting = session.call('private/buy', BUY, { maxWait: 5000 });
    emu.lockIndex('btc_usd', false);
    await expect(waiting).resolves.toMatchObject({ order: { order_state: 'open' } });
    expect(emu.received.filter((m) => m.method === 'private/buy')).toHaveLength(2); // never sent while locked
  });

  it('learns a lock from public/status on connect, and says public/hello with its name', async () => {
    const emu = await h.start();
    emu.lockIndex('btc_usd');
    const session = h.session();
    await session.connect();
    await expect(session.call('private/buy', BUY, { maxWait: 50 })).rejects.toBeInstanceOf(
      PlatformLockedError,
    );
    const hello = emu.received.find((m) => m.method === 'public/hello');
    expect(hello?.params).toEqual({ client_name: 'deribit-session', client_version: expect.any(String) });
    expect(session.channels).toEqual([]); // platform_state is the session's own, not listed as the user's
  });
});
