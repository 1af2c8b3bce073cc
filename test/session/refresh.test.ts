import { afterEach, describe, expect, it } from 'vitest';
import { countEvents, Harness, nextEvent, recordEvents } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('scheduled token refresh', () => {
  it('with 2-second tokens, private calls over 10 s see ≥ 3 refreshes and no failure', async () => {
    // About refreshes under load: two back-to-back call loops run far above Deribit's 20 requests/s,
    // so the credit pools are off here (the client's handling of 10028 is tested in reconnect tests).
    const emu = await h.start({ tokenTtl: 2, rateLimits: false });
    const session = h.session({ scope: 'session:refresh-loop' });
    let refreshes = 0;
    session.on('refreshed', () => {
      refreshes += 1;
    });
    await session.connect();
    const failures: unknown[] = [];
    let calls = 0;
    const endAt = Date.now() + 10_000;
    const loop = async (): Promise<void> => {
      while (Date.now() < endAt) {
        try {
          await session.call('private/get_account_summary', { currency: 'BTC' });
          calls += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all([loop(), loop()]);
    expect(failures).toEqual([]);
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(calls).toBeGreaterThan(100);
    const privateCalls = emu.received.filter((m) => m.method === 'private/get_account_summary');
    expect(privateCalls.every((m) => m.auth === 'socket')).toBe(true);
  }, 20_000);

  it('refreshes connection-scoped tokens on the same socket (the old pair dies, calls go on)', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const session = h.session();
    await session.connect();
    const first = session.expiresAt ?? 0;
    await nextEvent(session, 'refreshed');
    expect(session.expiresAt).toBeGreaterThan(first);
    expect(session.state).toBe('authenticated');
    await session.call('private/get_account_summary', { currency: 'BTC' });
    expect(emu.connectionCount).toBe(1);
    expect(emu.received.filter((m) => m.method === 'public/auth').map((m) => m.params['grant_type'])).toEqual(
      ['client_signature', 'refresh_token'],
    );
  });

  it('goes authenticated → refreshing → authenticated, and calls keep flowing while refreshing', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const session = h.session();
    await session.connect();
    emu.delay('public/auth', 200);
    await nextEvent(session, 'state', (s) => s.to === 'refreshing');
    // Sent while the refresh is outstanding: answered without waiting for it.
    await expect(session.call('public/test')).resolves.toBeTruthy();
    expect(session.state).toBe('refreshing');
    await expect(nextEvent(session, 'state')).resolves.toEqual({
      from: 'refreshing',
      to: 'authenticated',
      reason: 'refresh-ok',
    });
  });

  it('falls back to a full re-auth with credentials when the refresh is rejected', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const session = h.session();
    const events = recordEvents(session);
    await session.connect();
    emu.revokeRefreshTokens();
    const reauth = nextEvent(session, 'authenticated');
    await expect(reauth).resolves.toMatchObject({ grant: 'client_signature' });
    await session.call('private/get_account_summary', { currency: 'BTC' });
    const states = events
      .filter((e) => e.event === 'state')
      .map((e) => (e.payload as { reason: string }).reason);
    expect(states).toContain('refresh-rejected');
    expect(emu.received.filter((m) => m.method === 'public/auth').map((m) => m.params['grant_type'])).toEqual(
      ['client_signature', 'refresh_token', 'client_signature'],
    );
  });

  it('a refresh that fails transiently is retried before the token expires', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const session = h.session();
    await session.connect();
    // A transient error that does not end the session (a 10028 would: Deribit terminates it).
    emu.failNext('public/auth', 1, { code: 13028, message: 'temporarily_unavailable' });
    const failed = nextEvent(session, 'state', (s) => s.reason === 'refresh-failed');
    const error = nextEvent(session, 'error');
    await countEvents(session, 'refreshed', 1);
    expect((await error).message).toMatch(/13028/);
    expect(await failed).toEqual({ from: 'refreshing', to: 'authenticated', reason: 'refresh-failed' });
    expect(session.state).toBe('authenticated');
  });

  it('never uses an expired token: when renewal cannot happen in time it re-authenticates before calls go out', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const session = h.session({ refresh: { ratio: 1, minRatio: 1, margin: 0 } });
    await session.connect();
    const reauth = nextEvent(session, 'state', (s) => s.reason === 'token-expired');
    await reauth;
    await session.call('private/get_account_summary', { currency: 'BTC' });
    const summaries = emu.received.filter((m) => m.method === 'private/get_account_summary');
    expect(summaries.map((m) => m.auth)).toEqual(['socket']);
  });
});
