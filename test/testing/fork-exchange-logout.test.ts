import { describe, expect, it } from 'vitest';
import { parseScope } from '../../src/scope.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { type AuthResult, credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
const summary = { currency: 'BTC' };
const [subA] = DEFAULT_ACCOUNT.subaccounts;

describe('public/exchange_token', () => {
  it('returns an auth-shaped pair for a subaccount, usable on a new socket', async () => {
    await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main);
    const exchanged = ok<AuthResult>(
      await main.call('public/exchange_token', { refresh_token, subject_id: subA }),
    );
    expect(exchanged).toMatchObject({
      token_type: 'bearer',
      expires_in: 900,
      access_token: expect.any(String),
    });
    expect(parseScope(exchanged.scope).mainaccount).toBe(false);
    // The calling socket still acts as the main account.
    expect(ok<{ id: number }>(await main.call('private/get_account_summary', summary)).id).toBe(
      DEFAULT_ACCOUNT.id,
    );
    // A connection-scoped exchanged pair binds to the socket that refreshes with it first.
    const sub = await fx.client();
    await login(sub, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    expect(ok<{ id: number }>(await sub.call('private/get_account_summary', summary)).id).toBe(subA);
  });

  it('an unbound connection-scoped exchanged access token is refused until bound', async () => {
    await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main);
    const exchanged = ok<AuthResult>(
      await main.call('public/exchange_token', { refresh_token, subject_id: subA }),
    );
    const other = await fx.client();
    fails(
      await other.call('private/get_account_summary', { ...summary, access_token: exchanged.access_token }),
      13009,
    );
  });

  it('with session scope, the exchanged token works from any socket', async () => {
    await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main, credentials({ scope: 'session:main' }));
    const exchanged = ok<AuthResult>(
      await main.call('public/exchange_token', {
        refresh_token,
        subject_id: subA,
        scope: 'session:sub trade:read',
      }),
    );
    expect(parseScope(exchanged.scope)).toMatchObject({ sessionName: 'sub', trade: 'read' });
    const other = await fx.client();
    const result = ok<{ id: number }>(
      await other.call('private/get_account_summary', { ...summary, access_token: exchanged.access_token }),
    );
    expect(result.id).toBe(subA);
  });

  it('a subject that is not the account nor a subaccount → 13021', async () => {
    await fx.start();
    const client = await fx.client();
    const { refresh_token } = await login(client);
    fails(await client.call('public/exchange_token', { refresh_token, subject_id: 999 }), 13021);
    const bad = fails(await client.call('public/exchange_token', { refresh_token, subject_id: 'x' }), -32602);
    expect(bad.data).toMatchObject({ param: 'subject_id' });
    fails(await client.call('public/exchange_token', { refresh_token: 'nope', subject_id: subA }), 13009);
  });
});

describe('public/fork_token', () => {
  it('forks a session-scoped token into a new named session; both live on', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const original = await login(a, credentials({ scope: 'session:orig trade:read' }));
    const forked = ok<AuthResult>(
      await a.call('public/fork_token', { refresh_token: original.refresh_token, session_name: 'child' }),
    );
    expect(parseScope(forked.scope)).toMatchObject({
      sessionName: 'child',
      trade: 'read',
      connection: false,
    });
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toEqual(['orig', 'child']);
    const b = await fx.client();
    await login(b, { grant_type: 'refresh_token', refresh_token: forked.refresh_token });
    ok(await b.call('private/get_account_summary', summary));
    // The original session and its refresh token keep working; a's socket state is unchanged.
    ok(await a.call('private/get_account_summary', summary));
    await login(a, { grant_type: 'refresh_token', refresh_token: original.refresh_token });
    expect(emu.received.find((m) => m.method === 'public/fork_token')?.params['refresh_token']).toBe(
      '[redacted]',
    );
  });

  it('refuses a connection-scoped refresh token with 13009 and a clear reason', async () => {
    await fx.start();
    const client = await fx.client();
    const { refresh_token } = await login(client);
    const error = fails(await client.call('public/fork_token', { refresh_token, session_name: 'x' }), 13009);
    expect(error.data).toMatchObject({ reason: expect.stringContaining('connection-scoped') });
    const noName = fails(await client.call('public/fork_token', { refresh_token }), -32602);
    expect(noName.data).toMatchObject({ param: 'session_name' });
  });
});

describe('private/logout', () => {
  it('sends no response, closes with 1000 and invalidates the session tokens', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const tokens = await login(a, credentials({ scope: 'session:bye' }));
    const logoutEvent = new Promise((resolve) => emu.once('logout', resolve));
    a.send({ jsonrpc: '2.0', id: 'logout-1', method: 'private/logout', params: {} });
    expect((await a.closed).code).toBe(1000);
    expect(await logoutEvent).toMatchObject({ invalidateToken: true });
    expect(a.frames.some((frame) => (frame as { id?: unknown }).id === 'logout-1')).toBe(false);
    const b = await fx.client();
    fails(
      await b.call('private/get_account_summary', { ...summary, access_token: tokens.access_token }),
      13009,
    );
    fails(
      await b.call('public/auth', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      13009,
    );
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toEqual([]);
  });

  it('invalidate_token=false keeps a named session alive', async () => {
    await fx.start();
    const a = await fx.client();
    const tokens = await login(a, credentials({ scope: 'session:stay' }));
    a.send({ jsonrpc: '2.0', id: 1, method: 'private/logout', params: { invalidate_token: false } });
    await a.closed;
    const b = await fx.client();
    ok(await b.call('private/get_account_summary', { ...summary, access_token: tokens.access_token }));
  });

  it('without auth it is an ordinary 13009 error', async () => {
    await fx.start();
    const client = await fx.client();
    fails(await client.call('private/logout'), 13009);
    ok(await client.call('public/test'));
  });
});
