import { afterEach, describe, expect, it } from 'vitest';
import { DeribitSession, SessionBudgetError, SessionClosedError } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, nextEvent, recordEvents } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('fork', () => {
  it('forks an authenticated child with session:NAME on its own socket; the parent keeps working', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:main' });
    await parent.connect();
    const forked = nextEvent(parent, 'forked');
    const child = await parent.fork('strategy-a');
    h.sessions.push(child);
    expect(await forked).toEqual({ name: 'strategy-a' });
    expect(child.state).toBe('authenticated');
    expect(child.scope?.sessionName).toBe('strategy-a');
    expect(emu.connectionCount).toBe(2);
    await expect(
      child.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    ).resolves.toMatchObject({
      id: DEFAULT_ACCOUNT.id,
    });
    await expect(
      parent.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    ).resolves.toMatchObject({
      id: DEFAULT_ACCOUNT.id,
    });
    expect(parent.children).toEqual([child]);
    expect(parent.namedSessions).toEqual(['main', 'strategy-a']);
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId).sort()).toEqual(['main', 'strategy-a']);
  });

  it('a fork has its own refresh cycle and reconnects on its own', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const parent = h.session({ scope: 'session:p' });
    await parent.connect();
    const child = await parent.fork('c');
    h.sessions.push(child);
    await nextEvent(child, 'refreshed');
    const back = nextEvent(child, 'authenticated');
    emu.dropConnections();
    await back;
    expect(child.scope?.sessionName).toBe('c');
    await child.call('private/get_account_summary', { currency: 'BTC' });
  });

  it('when the child’s refresh token is no longer accepted it forks again from the parent', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:p2' });
    await parent.connect();
    const child = await parent.fork('again');
    h.sessions.push(child);
    // The parent re-authenticates with credentials after the revocation; the child forks anew from it.
    emu.revokeRefreshTokens();
    const parentBack = nextEvent(parent, 'authenticated');
    const childBack = nextEvent(child, 'authenticated');
    emu.dropConnections();
    await Promise.all([parentBack, childBack]);
    expect(child.scope?.sessionName).toBe('again');
    await child.call('private/get_account_summary', { currency: 'BTC' });
    expect(emu.received.filter((m) => m.method === 'public/fork_token')).toHaveLength(2);
  });

  it('rejects a fork of a connection-scoped parent before calling the server', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    emu.clearReceived();
    await expect(parent.fork('x')).rejects.toThrow(/session-scoped parent/);
    expect(emu.received).toEqual([]);
  });

  it('warns before the key exceeds Deribit’s 16 named sessions', async () => {
    await h.start();
    const parent = h.session({ scope: 'session:root' });
    await parent.connect();
    const warnings: string[] = [];
    parent.on('warning', (w) => {
      if (w.code === 'session-budget') warnings.push(w.message);
    });
    for (let i = 1; i <= 13; i++) h.sessions.push(await parent.fork(`s${i}`));
    expect(warnings).toEqual([]);
    h.sessions.push(await parent.fork('s14'));
    expect(warnings).toHaveLength(1);
    expect(parent.namedSessions).toHaveLength(15);
  }, 20_000);

  it('refuses the fork that would make Deribit evict the root, unless asked; the root keeps working', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:root' });
    await parent.connect();
    for (let i = 1; i <= 15; i++) h.sessions.push(await parent.fork(`s${i}`));
    expect(parent.namedSessions).toHaveLength(16);
    emu.clearReceived();
    const refused = await parent.fork('s16').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SessionBudgetError);
    expect(refused).toMatchObject({ code: 'SESSION_BUDGET', sessions: parent.namedSessions });
    expect((refused as Error).message).toMatch(/drop the oldest \(root\); pass evictOldest: true/);
    await expect(parent.exchange(100002, { sessionName: 'sub' })).rejects.toBeInstanceOf(SessionBudgetError);
    expect(emu.received.map((m) => m.method)).toEqual([]); // nothing was asked of the server
    await expect(parent.call('private/get_positions', {})).resolves.toBeDefined();
    // Asked for: Deribit drops the oldest, the root.
    h.sessions.push(await parent.fork('s16', { evictOldest: true }));
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).not.toContain('root');
  }, 20_000);
});

describe('exchange', () => {
  it('opens a subaccount session whose calls act as the subaccount', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    const subjectId = DEFAULT_ACCOUNT.subaccounts?.[0] ?? 0;
    const exchanged = nextEvent(parent, 'exchanged');
    const sub = await parent.exchange(subjectId, { sessionName: 'sub-a' });
    h.sessions.push(sub);
    expect(await exchanged).toEqual({ subjectId });
    await expect(
      sub.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    ).resolves.toMatchObject({
      id: subjectId,
    });
    await expect(
      parent.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    ).resolves.toMatchObject({
      id: DEFAULT_ACCOUNT.id,
    });
    expect(sub.scope?.sessionName).toBe('sub-a');
    expect(emu.connectionCount).toBe(2);
  });

  it('a subaccount session reconnects as the subaccount', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    const subjectId = DEFAULT_ACCOUNT.subaccounts?.[1] ?? 0;
    const sub = await parent.exchange(subjectId, { sessionName: 'sub-b' });
    h.sessions.push(sub);
    const back = nextEvent(sub, 'authenticated');
    emu.dropConnections();
    await back;
    await expect(
      sub.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    ).resolves.toMatchObject({
      id: subjectId,
    });
  });

  it('an unknown subject is refused with the server’s error', async () => {
    await h.start();
    const parent = h.session();
    await parent.connect();
    await expect(parent.exchange(999_999, { sessionName: 'nobody' })).rejects.toMatchObject({ code: 13021 });
    await expect(parent.exchange(-1)).rejects.toBeInstanceOf(TypeError);
  });

  it('from a connection-scoped parent it needs a sessionName, and says so before calling the server', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    const subjectId = DEFAULT_ACCOUNT.subaccounts?.[0] ?? 0;
    await expect(parent.exchange(subjectId)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/sessionName/),
    });
    expect(emu.received.some((m) => m.method === 'public/exchange_token')).toBe(false);
    expect(emu.connectionCount).toBe(1);
  });
});

describe('logout', () => {
  it('sends private/logout with invalidate_token, the tokens stop working, state closed', async () => {
    const emu = await h.start();
    const session = h.session({ scope: 'session:bye' });
    const tokens = nextEvent(session, 'tokens');
    const events = recordEvents(session);
    await session.connect();
    const { accessToken, refreshToken } = await tokens;
    const pending = session.call('public/get_time');
    const result = await session.logout();
    expect(result).toEqual({ confirmed: true });
    expect(session.state).toBe('closed');
    expect(events.find((e) => e.event === 'closed')?.payload).toEqual({ reason: 'logout' });
    const logout = emu.received.find((m) => m.method === 'private/logout');
    expect(logout?.params).toEqual({ invalidate_token: true });
    await pending.catch(() => {});
    await expect(session.call('public/test')).rejects.toBeInstanceOf(SessionClosedError);
    // The tokens are dead: neither the refresh token nor the access token works any more.
    const probe = new DeribitSession({ url: emu.url, refreshToken, heartbeat: false, reconnect: false });
    h.sessions.push(probe);
    await expect(probe.connect()).rejects.toMatchObject({ code: 13009 });
    const other = h.session();
    await other.connect();
    await expect(
      other.call('private/get_account_summary', { currency: 'BTC', access_token: accessToken }),
    ).rejects.toMatchObject({
      code: 13009,
    });
  });

  it('with invalidateToken false the session token survives', async () => {
    const emu = await h.start();
    const session = h.session({ scope: 'session:keep' });
    const tokens = nextEvent(session, 'tokens');
    await session.connect();
    const { refreshToken } = await tokens;
    await session.logout({ invalidateToken: false });
    expect(emu.received.find((m) => m.method === 'private/logout')?.params).toEqual({
      invalidate_token: false,
    });
    const resumed = new DeribitSession({ url: emu.url, refreshToken, heartbeat: false });
    h.sessions.push(resumed);
    await resumed.connect();
    expect(resumed.scope?.sessionName).toBe('keep');
  });

  it('does not fire cancel-on-disconnect (open orders stay open)', async () => {
    const emu = await h.start();
    const session = h.session({ cancelOnDisconnect: 'connection' });
    await session.connect();
    await session.call('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      type: 'limit',
      price: 1,
    });
    let codFired = false;
    emu.on('cancelOnDisconnect', () => {
      codFired = true;
    });
    await session.logout();
    expect(codFired).toBe(false);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id ?? 0)).toHaveLength(1);
  });

  it('with the socket down it still ends the session locally and says so', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: { minTimeout: 60_000, maxTimeout: 60_000, stableAfter: 0 } });
    await session.connect();
    const down = nextEvent(session, 'disconnected');
    emu.rateLimitAuth(1);
    emu.dropConnections();
    await down;
    const warning = nextEvent(session, 'warning', (w) => w.code === 'logout-unconfirmed');
    await expect(session.logout()).resolves.toEqual({ confirmed: false });
    expect((await warning).message).toMatch(/socket was down/);
    expect(session.state).toBe('closed');
  });

  it('concurrent logouts share one; close() during a logout still closes the socket', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.freeze(); // the server will never close the socket on its own
    const gone = new Promise((resolve) => emu.once('disconnect', resolve));
    const first = session.logout({ timeout: 5000 });
    const second = session.logout();
    expect(second).toBe(first);
    await session.close();
    await gone;
    expect(emu.connectionCount).toBe(0);
    expect(session.state).toBe('closed');
    await expect(first).resolves.toEqual({ confirmed: false });
    expect(emu.received.filter((m) => m.method === 'private/logout')).toHaveLength(1);
  });

  it('a server that never closes the socket is bounded by the timeout', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.freeze();
    const started = Date.now();
    await expect(session.logout({ timeout: 100 })).resolves.toEqual({ confirmed: false });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(session.state).toBe('closed');
  });
});
