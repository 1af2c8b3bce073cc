/**
 * `session.status()`: a snapshot for dashboards and health endpoints, across a session's life.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, type DeribitSession, type SessionStatus } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const TICKER = 'ticker.BTC-PERPETUAL.100ms';
const ORDERS = 'user.orders.BTC-PERPETUAL.raw';

/** Every token the session was issued, as it hands them out for persistence. */
function collectTokens(session: DeribitSession): string[] {
  const tokens: string[] = [];
  session.on('tokens', ({ accessToken, refreshToken }) => tokens.push(accessToken, refreshToken));
  return tokens;
}

describe('session.status()', () => {
  it('tells the state, retries, token expiry, frames, subscriptions and waiters across the lifecycle; never a secret', async () => {
    const emu = await h.start({ tokenTtl: 600 });
    const session = h.session({
      scope: 'session:status',
      reconnect: { minTimeout: 5000, maxTimeout: 5000, stableAfter: 0 },
    });
    const tokens = collectTokens(session);
    const snapshots: SessionStatus[] = [];
    const snap = (): SessionStatus => {
      const status = session.status();
      snapshots.push(status);
      return status;
    };

    // Before connect(): nothing yet; a subscribe made now waits for the connection.
    expect(snap()).toEqual({
      state: 'disconnected',
      attempt: 0,
      lastError: undefined,
      nextRetryAt: undefined,
      expiresAt: undefined,
      sinceLastFrame: undefined,
      subscriptions: { confirmed: 0, pending: 0 },
      waiting: 0,
      roundTrip: undefined,
      lag: undefined,
      credits: expect.objectContaining({ waiting: 0, storeFailing: false }),
    });
    await session.subscribe(TICKER, () => {});
    expect(snap().subscriptions).toEqual({ confirmed: 0, pending: 1 });

    // Authenticated, with two confirmed subscriptions.
    const before = Date.now();
    await session.connect();
    await session.subscribe(ORDERS, () => {});
    const live = snap();
    expect(live).toMatchObject({
      state: 'authenticated',
      attempt: 0,
      lastError: undefined,
      nextRetryAt: undefined,
      subscriptions: { confirmed: 2, pending: 0 },
      waiting: 0,
    });
    expect(live.expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1000);
    expect(live.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);
    expect(live.sinceLastFrame).toBeGreaterThanOrEqual(0);
    expect(live.sinceLastFrame).toBeLessThan(5000);

    // Reconnecting against a server that refuses auth with a transient error: in backoff.
    emu.failNext('public/auth', 100, { code: 13028, message: 'temporarily_unavailable' });
    const retrying = nextEvent(session, 'reconnecting');
    emu.dropConnections();
    await retrying;
    const call = session
      .call('public/test', undefined, { maxWait: 30_000, timeout: 30_000 })
      .catch((error: unknown) => error);
    const backoff = snap();
    expect(backoff).toMatchObject({
      state: 'disconnected',
      attempt: 1,
      lastError: { code: 13028, message: expect.stringContaining('temporarily_unavailable') },
      sinceLastFrame: undefined,
      subscriptions: { confirmed: 0, pending: 2 },
      waiting: 1,
    });
    expect(backoff.nextRetryAt).toBeGreaterThan(Date.now());
    expect(backoff.expiresAt).toBe(live.expiresAt); // the token held, for the refresh once back

    // After close(): nothing is pending, nothing will be retried.
    await session.close();
    expect(await call).toMatchObject({ code: 'SESSION_CLOSED' });
    expect(snap()).toMatchObject({
      state: 'closed',
      attempt: 0,
      nextRetryAt: undefined,
      sinceLastFrame: undefined,
      subscriptions: { confirmed: 0, pending: 0 },
      waiting: 0,
    });

    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const text = snapshots.map((status) => JSON.stringify(status)).join('\n');
    for (const secret of [DEFAULT_ACCOUNT.clientSecret, ...tokens]) expect(text).not.toContain(secret);
  });

  it('keeps why the session stopped: a fatal error, a failed connect without reconnects, a lost socket', async () => {
    const emu = await h.start();
    const fatal = h.session({ credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: 'wrong' } });
    const error = await fatal.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const { code, message } = error as AuthenticationError;
    expect(fatal.status()).toMatchObject({ state: 'closed', attempt: 0, lastError: { code, message } });

    const once = h.session({ reconnect: false });
    emu.failNext('public/auth', 1, { code: 13028, message: 'temporarily_unavailable' });
    await expect(once.connect()).rejects.toMatchObject({ code: 13028 });
    expect(once.status()).toMatchObject({
      state: 'disconnected',
      attempt: 0,
      lastError: { code: 13028, message: expect.stringContaining('temporarily_unavailable') },
      nextRetryAt: undefined,
    });

    await once.connect();
    expect(once.status()).toMatchObject({ state: 'authenticated', lastError: undefined });
    const lost = nextEvent(once, 'disconnected');
    emu.dropConnections();
    expect((await lost).willReconnect).toBe(false);
    expect(once.status()).toMatchObject({
      state: 'disconnected',
      lastError: { code: 'CONNECTION_CLOSED' },
      nextRetryAt: undefined,
    });
  });
});
