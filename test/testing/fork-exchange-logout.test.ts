import { describe, expect, it } from 'vitest';
import { parseScope } from '../../src/auth/scope.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { type AuthResult, credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import { refusalReasons, refused } from '../helpers/refusals.js';

const fx = useEmulator();
const summary = { currency: 'BTC', extended: true };
const [subA] = DEFAULT_ACCOUNT.subaccounts;

describe('public/exchange_token', () => {
  it('returns an auth-shaped pair for a subaccount, bound to the calling socket', async () => {
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
    expect(parseScope(exchanged.scope)).toMatchObject({ mainaccount: false, connection: true });
    // The calling socket still acts as the main account…
    expect(ok<{ id: number }>(await main.call('private/get_account_summary', summary)).id).toBe(
      DEFAULT_ACCOUNT.id,
    );
    // …and can use the subaccount's token explicitly, or switch to it with the refresh token.
    const explicit = { ...summary, access_token: exchanged.access_token };
    expect(ok<{ id: number }>(await main.call('private/get_account_summary', explicit)).id).toBe(subA);
    await login(main, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    expect(ok<{ id: number }>(await main.call('private/get_account_summary', summary)).id).toBe(subA);
  });

  it('a connection-scoped exchanged pair is refused on any other socket (13009), as Deribit documents', async () => {
    const emu = await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main);
    const exchanged = ok<AuthResult>(
      await main.call('public/exchange_token', { refresh_token, subject_id: subA }),
    );
    const other = await fx.client();
    const reasons = refusalReasons(emu);
    refused(
      await other.call('private/get_account_summary', { ...summary, access_token: exchanged.access_token }),
    );
    refused(
      await other.call('public/auth', {
        grant_type: 'refresh_token',
        refresh_token: exchanged.refresh_token,
      }),
    );
    expect(reasons).toEqual([
      'connection-scoped token used on another connection',
      'connection-scoped token used on another connection',
    ]);
    // Refusing it elsewhere did not use it up: it still works where it was granted.
    await login(main, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
  });

  it('a connection-scoped refresh token cannot be exchanged from another socket', async () => {
    const emu = await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main);
    const other = await fx.client();
    const reasons = refusalReasons(emu);
    refused(await other.call('public/exchange_token', { refresh_token, subject_id: subA }));
    expect(reasons).toEqual(['connection-scoped token used on another connection']);
    ok(await main.call('public/exchange_token', { refresh_token, subject_id: subA }));
  });

  it('a connection-scoped exchanged pair dies with the socket it was granted on', async () => {
    const emu = await fx.start();
    const main = await fx.client();
    const { refresh_token } = await login(main, credentials({ scope: 'session:main' }));
    const exchanged = ok<AuthResult>(
      await main.call('public/exchange_token', { refresh_token, subject_id: subA, scope: 'trade:read' }),
    );
    expect(parseScope(exchanged.scope).connection).toBe(true);
    const gone = new Promise((resolve) => emu.once('disconnect', resolve));
    await main.close();
    await gone;
    // The named parent session lives on; the connection-scoped child does not.
    const next = await fx.client();
    await login(next, { grant_type: 'refresh_token', refresh_token });
    refused(
      await next.call('public/auth', { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token }),
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

  it('refuses a connection-scoped refresh token with 13009 (no data; the reason is in the event)', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const { refresh_token } = await login(client);
    const reasons = refusalReasons(emu);
    refused(await client.call('public/fork_token', { refresh_token, session_name: 'x' }));
    expect(reasons).toEqual([expect.stringContaining('connection-scoped')]);
    const noName = fails(await client.call('public/fork_token', { refresh_token }), -32602);
    expect(noName.data).toMatchObject({ param: 'session_name' });
  });

  it('a session-scoped refresh token forks from any socket; the fork works from any socket', async () => {
    await fx.start();
    const a = await fx.client();
    const original = await login(a, credentials({ scope: 'session:orig' }));
    const b = await fx.client();
    const forked = ok<AuthResult>(
      await b.call('public/fork_token', { refresh_token: original.refresh_token, session_name: 'f' }),
    );
    const c = await fx.client();
    ok(await c.call('private/get_account_summary', { ...summary, access_token: forked.access_token }));
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
