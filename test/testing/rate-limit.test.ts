import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import {
  CloseCode,
  DEFAULT_ACCOUNT,
  DERIBIT_MATCHING_POOL,
  DERIBIT_NON_MATCHING_POOL,
  DERIBIT_SUBSCRIBE_POOL,
  type DeribitEmulator,
} from '../../src/testing/index.js';
import { RateLimiter } from '../../src/testing/rate-limit.js';
import { credentials as credentialsFor, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { Envelope, RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const order = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 };

/** Pipeline `count` calls in one burst; the envelopes that came back before the socket closed, in order. */
async function burst(client: RawClient, count: number, method: string, params = {}): Promise<Envelope[]> {
  const calls = Array.from({ length: count }, () => client.call(method, params));
  const settled = await Promise.allSettled(calls);
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
}

function poolEvents(emu: DeribitEmulator): string[] {
  const pools: string[] = [];
  emu.on('rateLimited', (event) => pools.push(`${event.method}:${event.pool}`));
  return pools;
}

describe('rate-limit credits (Deribit defaults)', () => {
  it('the defaults are Deribit’s: 500 a request from 50,000 at 10,000/s; matching engine burst 20 at 5/s', () => {
    expect(DERIBIT_NON_MATCHING_POOL).toEqual({ cost: 500, max: 50_000, refillPerSecond: 10_000 });
    expect(DERIBIT_MATCHING_POOL).toEqual({ cost: 1, max: 20, refillPerSecond: 5 });
  });

  it('about 100 requests in a burst pass; the next gets 10028 without data, then the socket closes (4029)', async () => {
    const emu = await fx.start();
    const pools = poolEvents(emu);
    const client = await fx.client();
    const answers = await burst(client, 150, 'public/test');
    const refusedAt = answers.findIndex((envelope) => envelope.error !== undefined);
    // 100 from the full pool, plus whatever refilled while the burst was read (10 credits a ms).
    expect(refusedAt).toBeGreaterThanOrEqual(100);
    expect(refusedAt).toBeLessThan(110);
    expect(answers.slice(0, refusedAt).every((envelope) => envelope.result !== undefined)).toBe(true);
    expect(answers[refusedAt]?.error).toEqual({
      code: ErrorCode.tooManyRequests,
      message: 'too_many_requests',
    });
    expect(answers).toHaveLength(refusedAt + 1);
    expect((await client.closed).code).toBe(CloseCode.rateLimited);
    expect(pools).toEqual(['public/test:non_matching']);
  });

  it('matching-engine requests have their own pool: 20 orders pass, the 21st gets 10028', async () => {
    const emu = await fx.start();
    const pools = poolEvents(emu);
    const client = await fx.client();
    await login(client);
    const answers = await burst(client, 25, 'private/buy', order);
    expect(answers.slice(0, 20).every((envelope) => envelope.result !== undefined)).toBe(true);
    expect(answers[20]?.error?.code).toBe(ErrorCode.tooManyRequests);
    expect(pools).toEqual(['private/buy:matching']);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toHaveLength(20);
  });

  it('orders do not spend the non-matching pool, nor the other way round', async () => {
    await fx.start({ rateLimits: { nonMatching: { cost: 1, max: 3, refillPerSecond: 0 } } });
    const client = await fx.client();
    await login(client); // 1 from the client address's pool
    for (let i = 0; i < 10; i++) ok(await client.call('private/buy', order));
    ok(await client.call('private/get_open_orders_by_currency', { currency: 'BTC' })); // 1 of 3 (subject)
    ok(await client.call('private/get_open_orders_by_currency', { currency: 'BTC' })); // 2 of 3
  });

  it('an authenticated subject’s pool is shared by all its sockets', async () => {
    const emu = await fx.start({ rateLimits: { nonMatching: { cost: 1, max: 4, refillPerSecond: 0 } } });
    const pools = poolEvents(emu);
    const a = await fx.client();
    await login(a); // the address pool: 1 of 4
    for (let i = 0; i < 4; i++) ok(await a.call('public/test')); // the subject's pool: 4 of 4
    const b = await fx.client();
    await login(b); // the address pool: 2 of 4
    const refusal = await b.call('private/get_account_summary', { currency: 'BTC' });
    expect(refusal.error?.code).toBe(ErrorCode.tooManyRequests);
    expect((await b.closed).code).toBe(CloseCode.rateLimited);
    expect(pools).toEqual(['private/get_account_summary:non_matching']);
    expect(a.isClosed).toBe(false);
  });

  it('get_account_summary reports the limits as Deribit does', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    const summary = ok<{ limits: unknown }>(
      await client.call('private/get_account_summary', { currency: 'BTC' }),
    );
    // Production's nested shape (testnet capture, 2025).
    expect(summary.limits).toEqual({
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
    });
  });

  it('rateLimits: false disables both pools (for benchmarks)', async () => {
    await fx.start({ rateLimits: false });
    const client = await fx.client();
    const answers = await burst(client, 300, 'public/test');
    expect(answers.every((envelope) => envelope.result !== undefined)).toBe(true);
    await login(client);
    expect(
      (await burst(client, 40, 'private/buy', order)).every((envelope) => envelope.result !== undefined),
    ).toBe(true);
  });

  it('rateLimitAuth still refuses the next auths on top of the credits', async () => {
    const emu = await fx.start();
    emu.rateLimitAuth(1);
    const client = await fx.client();
    const answer = await client.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: 'x',
      client_secret: 'y',
    });
    expect(answer.error?.code).toBe(ErrorCode.tooManyRequests);
    expect((await client.closed).code).toBe(CloseCode.rateLimited);
  });
});

describe('tiers per subaccount and the subscribe pool', () => {
  const tradingTotal = async (client: RawClient): Promise<unknown> =>
    ok<{ limits: { matching_engine: { trading: { total: unknown } } } }>(
      await client.call('private/get_account_summary', { currency: 'BTC' }),
    ).limits.matching_engine.trading.total;

  it('a tier set by option or setLimits is what limits reports and what the pool enforces, per subject', async () => {
    const [subA, subB] = DEFAULT_ACCOUNT.subaccounts;
    const emu = await fx.start({ rateLimits: { tiers: { [subA]: { matching: { rate: 1, burst: 3 } } } } });
    const mainAuth = await (async () => {
      const main = await fx.client();
      return { client: main, tokens: await login(main, { ...credentialsFor(), scope: 'session:main' }) };
    })();
    const onSub = async (subjectId: number): Promise<RawClient> => {
      const client = await fx.client();
      const exchanged = ok<{ refresh_token: string }>(
        await mainAuth.client.call('public/exchange_token', {
          refresh_token: mainAuth.tokens.refresh_token,
          subject_id: subjectId,
          scope: `session:s${subjectId}`,
        }),
      );
      await login(client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
      return client;
    };
    const a = await onSub(subA);
    expect(await tradingTotal(a)).toEqual({ rate: 1, burst: 3 });
    const answers = await burst(a, 5, 'private/buy', order);
    expect(answers.slice(0, 3).every((envelope) => envelope.result !== undefined)).toBe(true);
    expect(answers[3]?.error?.code).toBe(ErrorCode.tooManyRequests);
    // Another subaccount keeps the default tier; setLimits raises it.
    const b = await onSub(subB);
    expect(await tradingTotal(b)).toEqual({ rate: 5, burst: 20 });
    emu.setLimits(subB, { matching: { rate: 100, burst: 40 }, nonMatching: { rate: 50, burst: 200 } });
    const limits = ok<{ limits: { non_matching_engine: unknown } }>(
      await b.call('private/get_account_summary', { currency: 'BTC' }),
    ).limits;
    expect(limits.non_matching_engine).toEqual({ rate: 50, burst: 200 });
    // The bucket keeps what it held (20 minus nothing spent), up to the new size.
    expect(
      (await burst(b, 20, 'private/buy', order)).every((envelope) => envelope.result !== undefined),
    ).toBe(true);
  });

  it('subscribe calls draw 3,000 from 30,000 (a burst of 10), not from the non-matching pool', async () => {
    const emu = await fx.start();
    const pools = poolEvents(emu);
    const client = await fx.client();
    await login(client);
    const channels = ['ticker.BTC-PERPETUAL.100ms'];
    const answers = await burst(client, 12, 'public/subscribe', { channels });
    expect(answers.slice(0, 10).every((envelope) => envelope.result !== undefined)).toBe(true);
    expect(answers[10]?.error).toEqual({ code: ErrorCode.tooManyRequests, message: 'too_many_requests' });
    expect((await client.closed).code).toBe(CloseCode.rateLimited);
    expect(pools).toEqual(['public/subscribe:subscribe']);
    expect(DERIBIT_SUBSCRIBE_POOL).toEqual({ cost: 3_000, max: 30_000, refillPerSecond: 10_000 });
  });

  it('a disabled pool reports a limit high enough that a pacing client never waits', async () => {
    await fx.start({ rateLimits: false });
    const client = await fx.client();
    await login(client);
    expect(await tradingTotal(client)).toEqual({ rate: 1_000_000, burst: 1_000_000 });
  });
});

describe('credit pool math (clock injected)', () => {
  it('refills continuously up to the pool size', () => {
    let now = 0;
    const limiter = new RateLimiter({}, () => now);
    for (let i = 0; i < 100; i++) expect(limiter.charge('public/test', 'a')).toBeUndefined();
    expect(limiter.charge('public/test', 'a')).toBe('non_matching');
    now += 49; // 490 credits: not enough
    expect(limiter.charge('public/test', 'a')).toBe('non_matching');
    now += 1; // 500
    expect(limiter.charge('public/test', 'a')).toBeUndefined();
    expect(limiter.charge('public/test', 'b')).toBeUndefined(); // another owner, its own pool
    now += 60_000; // a long pause refills to the cap, not beyond
    for (let i = 0; i < 100; i++) expect(limiter.charge('public/test', 'a')).toBeUndefined();
    expect(limiter.charge('public/test', 'a')).toBe('non_matching');
    for (let i = 0; i < 20; i++) expect(limiter.charge('private/cancel', 'a')).toBeUndefined();
    expect(limiter.charge('private/edit', 'a')).toBe('matching');
    now += 200; // 5/s: one more order
    expect(limiter.charge('private/sell', 'a')).toBeUndefined();
  });
});
