import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, DeribitSession, SessionClosedError } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, nextEvent, recordEvents, withoutOwn } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

function authGrants(): string[] {
  return (h.emulator?.received ?? [])
    .filter((m) => m.method === 'public/auth')
    .map((m) => String(m.params['grant_type']));
}

describe('authentication', () => {
  it('client_signature is the default grant and signs (the secret is never sent)', async () => {
    const emu = await h.start();
    const session = h.session();
    const authenticated = nextEvent(session, 'authenticated');
    await session.connect();
    expect(session.state).toBe('authenticated');
    expect((await authenticated).grant).toBe('client_signature');
    const auth = emu.received.find((m) => m.method === 'public/auth');
    expect(auth?.params).toMatchObject({
      grant_type: 'client_signature',
      client_id: DEFAULT_ACCOUNT.clientId,
    });
    expect(auth?.params['client_secret']).toBeUndefined();
    const summary = await session.call('private/get_account_summary', { currency: 'BTC', extended: true });
    expect(summary.id).toBe(DEFAULT_ACCOUNT.id);
  });

  it('client_credentials authenticates', async () => {
    await h.start();
    const session = h.session({ grant: 'client_credentials' });
    await session.connect();
    expect(authGrants()).toEqual(['client_credentials']);
    await expect(session.call('private/get_open_orders_by_currency', { currency: 'BTC' })).resolves.toEqual(
      [],
    );
  });

  it('refresh_token resumes a session, without touching the credentials', async () => {
    await h.start();
    const first = h.session({ scope: 'session:resume' });
    const tokens = nextEvent(first, 'tokens');
    await first.connect();
    const { refreshToken } = await tokens;
    await first.close();
    const resumed = h.session({ refreshToken });
    await resumed.connect();
    expect(authGrants()).toEqual(['client_signature', 'refresh_token']);
    expect(resumed.scope?.sessionName).toBe('resume');
    await expect(resumed.call('private/get_account_summary', { currency: 'ETH' })).resolves.toMatchObject({
      currency: 'ETH',
    });
  });

  it('a rejected refresh token falls back to credentials', async () => {
    await h.start();
    const session = h.session({ refreshToken: 'not-a-real-token' });
    await session.connect();
    expect(authGrants()).toEqual(['refresh_token', 'client_signature']);
  });

  it('a refresh token alone that is rejected closes the session with AuthenticationError', async () => {
    const emu = await h.start();
    const session = new DeribitSession({ url: emu.url, refreshToken: 'stale', heartbeat: false });
    h.sessions.push(session);
    const error = await session.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe(13009);
    expect(session.state).toBe('closed');
  });

  it('bad credentials reject connect() quickly with 13004, close the session, and do not retry', async () => {
    await h.start();
    const session = h.session({
      credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: 'wrong' },
      grant: 'client_credentials',
    });
    const closed = nextEvent(session, 'closed');
    const started = Date.now();
    const error = await session.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe(13004);
    expect(session.state).toBe('closed');
    expect((await closed).reason).toBe('fatal');
    expect(authGrants()).toEqual(['client_credentials']);
    await expect(session.call('public/test')).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('an unknown client id with client_signature is fatal too, with no retry loop', async () => {
    await h.start();
    const session = h.session({ credentials: { clientId: 'nobody', clientSecret: 'x' } });
    await expect(session.connect()).rejects.toMatchObject({ name: 'AuthenticationError', code: 13004 });
    expect(authGrants()).toEqual(['client_signature']);
  });

  it('a wrong secret with client_signature is fatal after one clock check', async () => {
    await h.start();
    const session = h.session({ credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: 'wrong' } });
    await expect(session.connect()).rejects.toBeInstanceOf(AuthenticationError);
    const methods = (h.emulator?.received ?? []).map((m) => m.method);
    expect(methods).toEqual(['public/hello', 'public/auth', 'public/get_time', 'public/auth']);
    expect(session.state).toBe('closed');
  });

  it('recovers from a skewed clock by asking the server for its time', async () => {
    const emu = await h.start();
    emu.setClockSkew(5 * 60_000);
    const session = h.session();
    await session.connect();
    expect(withoutOwn(emu.received).map((m) => m.method)).toEqual([
      'public/hello',
      'public/auth',
      'public/get_time',
      'public/auth',
    ]);
    await session.call('private/get_account_summary', { currency: 'BTC' });
  });

  it('parses and exposes the granted scope, and warns when it is narrower than requested', async () => {
    await h.start({
      accounts: [{ ...DEFAULT_ACCOUNT, maxScope: 'mainaccount account:read trade:read wallet:none' }],
    });
    const session = h.session({ scope: 'session:narrow trade:read_write account:read' });
    const warning = nextEvent(session, 'warning', (w) => w.code === 'scope-narrowed');
    await session.connect();
    expect(session.scope).toMatchObject({ sessionName: 'narrow', trade: 'read', account: 'read' });
    expect((await warning).items).toEqual(['trade:read_write']);
    expect(session.expiresAt).toBeGreaterThan(Date.now());
  });

  it('emits the state sequence of a connect', async () => {
    await h.start();
    const session = h.session();
    const events = recordEvents(session);
    await session.connect();
    expect(events.filter((e) => e.event === 'state').map((e) => e.payload)).toEqual([
      { from: 'disconnected', to: 'connecting', reason: 'connect' },
      { from: 'connecting', to: 'authenticating', reason: 'socket-open' },
      { from: 'authenticating', to: 'authenticated', reason: 'auth-ok' },
    ]);
  });

  it('calls made before authentication completes wait for it', async () => {
    const emu = await h.start();
    emu.delay('public/auth', 100);
    const session = h.session();
    const connecting = session.connect();
    const early = session.call('private/get_account_summary', { currency: 'BTC', extended: true });
    await connecting;
    await expect(early).resolves.toMatchObject({ id: DEFAULT_ACCOUNT.id });
    const summary = emu.received.find((m) => m.method === 'private/get_account_summary');
    expect(summary?.auth).toBe('socket');
  });

  it('a call waiting for authentication times out with its own timeout', async () => {
    const emu = await h.start();
    emu.delay('public/auth', 2000);
    const session = h.session();
    void session.connect().catch(() => {});
    await expect(session.call('public/test', {}, { timeout: 50 })).rejects.toMatchObject({
      name: 'RequestTimeoutError',
      message: expect.stringMatching(/not sent/),
    });
  });

  it('rejects bad options at construction with a TypeError', () => {
    expect(() => new DeribitSession({ url: 'http://x' })).toThrow(TypeError);
    expect(() => new DeribitSession({ url: 'wss://x' })).toThrow(/credentials or a refreshToken/);
    expect(
      () => new DeribitSession({ url: 'wss://x', credentials: { clientId: '', clientSecret: 's' } }),
    ).toThrow(/clientId/);
    expect(
      () =>
        new DeribitSession({
          url: 'wss://x',
          credentials: { clientId: 'a', clientSecret: 's' },
          requestTimeout: -1,
        }),
    ).toThrow(/requestTimeout/);
  });
});
