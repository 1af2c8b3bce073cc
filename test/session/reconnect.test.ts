import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, RequestTimeoutError, SessionClosedError } from '../../src/index.js';
import { DEFAULT_ACCOUNT, type DeribitEmulator } from '../../src/testing/index.js';
import { countEvents, Harness, nextEvent, recordEvents, withoutOwn } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

function authAttempts(emu: DeribitEmulator): Array<{ at: number; grant: unknown; connectionId: number }> {
  return emu.received
    .filter((m) => m.method === 'public/auth')
    .map((m) => ({ at: m.at, grant: m.params['grant_type'], connectionId: m.connectionId }));
}

describe('reconnect', () => {
  it('after a drop: authenticated again, and a public and a private channel deliver again', async () => {
    const emu = await h.start();
    const session = h.session({ scope: 'session:listener' });
    await session.connect();
    const got: Array<[string, unknown]> = [];
    await session.subscribe(
      ['ticker.BTC-PERPETUAL.100ms', 'user.orders.BTC-PERPETUAL.raw'],
      (data, channel) => got.push([channel, data]),
    );
    const events = recordEvents(session);
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    expect(session.state).toBe('authenticated');
    const disconnected = events.find((e) => e.event === 'disconnected')?.payload;
    expect(disconnected).toMatchObject({ willReconnect: true });
    emu.publish('ticker.BTC-PERPETUAL.100ms', { n: 1 });
    emu.publish('user.orders.BTC-PERPETUAL.raw', { n: 2 });
    await expect.poll(() => got.length).toBe(2);
    expect(got).toEqual([
      ['ticker.BTC-PERPETUAL.100ms', { n: 1 }],
      ['user.orders.BTC-PERPETUAL.raw', { n: 2 }],
    ]);
    // Session-scoped tokens survive the socket: the new socket used the refresh token, not the credentials.
    expect(authAttempts(emu).map((a) => a.grant)).toEqual(['client_signature', 'refresh_token']);
  });

  it('re-subscribes once per reconnect, private channels only after auth on the new socket', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    await session.subscribe(['ticker.ETH-PERPETUAL.100ms', 'user.portfolio.btc'], () => {});
    for (let i = 0; i < 3; i++) {
      const back = nextEvent(session, 'authenticated');
      emu.dropConnections();
      await back;
    }
    const subscribes = withoutOwn(emu.received).filter((m) => m.method.endsWith('/subscribe'));
    // Every restore subscribes the session's own platform_state along with the user's public channels.
    expect(subscribes.map((m) => [m.method, m.params['channels']])).toEqual([
      ['public/subscribe', ['ticker.ETH-PERPETUAL.100ms']],
      ['private/subscribe', ['user.portfolio.btc']],
      ...Array.from({ length: 3 }, () => [
        ['public/subscribe', ['platform_state', 'ticker.ETH-PERPETUAL.100ms']],
        ['private/subscribe', ['user.portfolio.btc']],
      ]).flat(),
    ]);
    for (const sub of subscribes.filter((m) => m.method === 'private/subscribe'))
      expect(sub.auth).toBe('socket');
    // Connection-scoped tokens die with the socket: every reconnect authenticates with credentials.
    expect(authAttempts(emu).map((a) => a.grant)).toEqual(Array(4).fill('client_signature'));
  });

  it('never sends a private call on an unauthenticated socket while reconnecting; waiting calls go out after re-auth', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.delay('public/auth', 100);
    const down = nextEvent(session, 'disconnected');
    emu.dropConnections();
    await down;
    const waiting = session.call('private/get_account_summary', { currency: 'BTC' });
    await expect(waiting).resolves.toMatchObject({ currency: 'BTC' });
    expect(
      emu.received.filter((m) => m.method.startsWith('private/')).every((m) => m.auth === 'socket'),
    ).toBe(true);
  });

  it('a call made while reconnecting times out with RequestTimeoutError when re-auth takes too long', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.delay('public/auth', 3000);
    const down = nextEvent(session, 'disconnected');
    emu.dropConnections();
    await down;
    await expect(
      session.call('private/get_account_summary', { currency: 'BTC' }, { timeout: 50 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('survives four 10028 answers in a row with growing backoff, not a storm', async () => {
    const emu = await h.start();
    const session = h.session({
      reconnect: { minTimeout: 20, maxTimeout: 2000, factor: 2, randomize: false, stableAfter: 0 },
    });
    await session.connect();
    const retries: Array<{ attempt: number; delay: number; code: unknown }> = [];
    session.on('reconnecting', ({ attempt, delay, error }) =>
      retries.push({ attempt, delay, code: (error as { code?: unknown }).code }),
    );
    emu.rateLimitAuth(4);
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    expect(retries.map((r) => r.delay)).toEqual([20, 40, 80, 160]);
    expect(retries.every((r) => r.code === 10028 || r.code === 'CONNECTION_CLOSED')).toBe(true);
    const attempts = authAttempts(emu).slice(1);
    expect(attempts).toHaveLength(5);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i]?.at ?? 0));
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual([20, 40, 80, 160][i] ?? 0);
  });

  it('a socket that flaps right after auth keeps backing off (the counter resets only when stable)', async () => {
    const emu = await h.start();
    const session = h.session({
      reconnect: { minTimeout: 10, maxTimeout: 1000, randomize: false, stableAfter: 500 },
    });
    await session.connect();
    const delays: number[] = [];
    session.on('reconnecting', ({ delay }) => delays.push(delay));
    // Drop every new socket as soon as it authenticates, three times.
    let drops = 0;
    session.on('authenticated', () => {
      if (drops++ < 3) emu.dropConnections();
    });
    emu.dropConnections();
    await countEvents(session, 'authenticated', 4);
    expect(delays.slice(0, 3)).toEqual([10, 20, 40]);
  });

  it('close() during a backoff wait ends everything at once', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: { minTimeout: 60_000, maxTimeout: 60_000, stableAfter: 0 } });
    await session.connect();
    const waiting = nextEvent(session, 'reconnecting');
    emu.rateLimitAuth(1);
    emu.dropConnections();
    await waiting;
    const pending = session.call('public/test').catch((e: unknown) => e);
    const started = Date.now();
    await session.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(SessionClosedError);
    expect(session.state).toBe('closed');
  });

  it('reconnect: false stays disconnected and says so', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: false });
    await session.connect();
    const down = nextEvent(session, 'disconnected');
    emu.dropConnections();
    expect(await down).toMatchObject({ willReconnect: false });
    expect(session.state).toBe('disconnected');
    await expect(session.call('public/test')).rejects.toBeInstanceOf(ConnectionClosedError);
    // A later connect() brings it back.
    await session.connect();
    expect(session.state).toBe('authenticated');
  });

  it('re-enables cancel-on-disconnect after every reconnect', async () => {
    const emu = await h.start();
    const session = h.session({ cancelOnDisconnect: 'connection' });
    await session.connect();
    await expect(session.call('private/get_cancel_on_disconnect')).resolves.toMatchObject({
      enabled: true,
      scope: 'connection',
    });
    await session.call('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      type: 'limit',
      price: 1,
    });
    const cod = new Promise<{ cancelled: number }>((resolve) => emu.once('cancelOnDisconnect', resolve));
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    expect((await cod).cancelled).toBe(1);
    await back;
    await expect(session.call('private/get_cancel_on_disconnect')).resolves.toMatchObject({
      enabled: true,
      scope: 'connection',
    });
    const enables = emu.received.filter((m) => m.method === 'private/enable_cancel_on_disconnect');
    expect(enables).toHaveLength(2);
    expect(enables.every((m) => m.auth === 'socket')).toBe(true);
  });

  it('refuses to run unprotected: when cancel-on-disconnect cannot be enabled, connect() fails and the session closes', async () => {
    await h.start({
      accounts: [{ ...DEFAULT_ACCOUNT, maxScope: 'mainaccount account:read trade:read_write' }],
    });
    const session = h.session({ cancelOnDisconnect: 'account' });
    await expect(session.connect()).rejects.toMatchObject({ code: 13021 });
    expect(session.state).toBe('closed');
  });

  it('an initial connect to a server that is not there keeps retrying with backoff until close()', async () => {
    const session = h.session({ url: await h.deadUrl(), reconnect: { minTimeout: 5, maxTimeout: 20 } });
    const connecting = session.connect().catch((e: unknown) => e);
    await countEvents(session, 'reconnecting', 3);
    await session.close();
    expect(await connecting).toBeInstanceOf(SessionClosedError);
  });

  it('gives up after `retries` and rejects connect() with the last error', async () => {
    const session = h.session({ url: await h.deadUrl(), reconnect: { retries: 2, minTimeout: 1 } });
    const retries: number[] = [];
    session.on('reconnecting', ({ attempt }) => retries.push(attempt));
    await expect(session.connect()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(retries).toEqual([1, 2]);
    expect(session.state).toBe('disconnected');
  });
});
