import { describe, expect, it } from 'vitest';
import { parseScope } from '../../src/auth/scope.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import { refusalReasons, refused } from '../helpers/refusals.js';

const fx = useEmulator();
const summary = { currency: 'BTC' };

describe('granted scope', () => {
  it('defaults to connection with the account maximum', async () => {
    await fx.start();
    const result = await login(await fx.client());
    const scope = parseScope(result.scope);
    expect(scope).toMatchObject({
      connection: true,
      mainaccount: true,
      trade: 'read_write',
      account: 'read_write',
    });
    expect(scope.sessionName).toBeUndefined();
  });

  it('session:NAME gives a named session (no connection)', async () => {
    await fx.start();
    const result = await login(await fx.client(), credentials({ scope: 'session:mm trade:read' }));
    const scope = parseScope(result.scope);
    expect(scope).toMatchObject({
      sessionName: 'mm',
      connection: false,
      trade: 'read',
      account: 'read_write',
    });
  });

  it('caps levels at the key maximum and drops unknown parts (grant may be narrower)', async () => {
    await fx.start({
      accounts: [{ clientId: 'sub', clientSecret: 'x', maxScope: 'account:read trade:read_write' }],
    });
    const client = await fx.client();
    const result = await login(client, {
      grant_type: 'client_credentials',
      client_id: 'sub',
      client_secret: 'x',
      scope: 'account:read_write wallet:read_write custody:read',
    });
    const scope = parseScope(result.scope);
    expect(scope.account).toBe('read');
    expect(scope.wallet).toBeUndefined();
    expect(scope.mainaccount).toBe(false);
    expect(result.scope).not.toContain('custody');
    fails(await client.call('private/enable_cancel_on_disconnect'), 13021);
  });

  it('expires:N sets the token lifetime', async () => {
    await fx.start({ tokenTtl: 900 });
    const result = await login(await fx.client(), credentials({ scope: 'expires:60' }));
    expect(result.expires_in).toBe(60);
    expect(result.scope).toContain('expires:60');
  });

  it('setTokenTtl applies to tokens issued afterwards', async () => {
    const emu = await fx.start({ tokenTtl: 900 });
    const client = await fx.client();
    expect((await login(client)).expires_in).toBe(900);
    emu.setTokenTtl(5);
    expect((await login(client)).expires_in).toBe(5);
  });

  it('a read-only trade scope cannot place orders (13021)', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client, credentials({ scope: 'trade:read' }));
    const error = fails(
      await client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 }),
      13021,
    );
    expect(error.message).toBe('forbidden');
    ok(await client.call('private/get_open_orders_by_currency', { currency: 'BTC' }));
  });
});

describe('connection vs session tokens', () => {
  it('13009 has production\'s shape: {code, message: "unauthorized"} and no data', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const reasons = refusalReasons(emu);
    refused(await client.call('private/get_account_summary', summary));
    refused(await client.call('private/get_account_summary', { ...summary, access_token: 'bogus' }));
    expect(reasons).toEqual(['authorization required', 'invalid token']);
  });

  it('a connection token is refused on another socket', async () => {
    await fx.start();
    const a = await fx.client();
    const { access_token } = await login(a);
    const b = await fx.client();
    const reasons = refusalReasons(fx.emu);
    refused(await b.call('private/get_account_summary', { ...summary, access_token }));
    expect(reasons).toEqual(['connection-scoped token used on another connection']);
    ok(await a.call('private/get_account_summary', { ...summary, access_token }));
  });

  it('a connection token dies when its socket closes', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const { access_token, refresh_token } = await login(a);
    const gone = new Promise((resolve) => emu.once('disconnect', resolve));
    await a.close();
    await gone;
    const b = await fx.client();
    fails(await b.call('private/get_account_summary', { ...summary, access_token }), 13009);
    fails(await b.call('public/auth', { grant_type: 'refresh_token', refresh_token }), 13009);
  });

  it('a session token works from another socket and survives its socket', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const { access_token, refresh_token } = await login(a, credentials({ scope: 'session:shared' }));
    const b = await fx.client();
    ok(await b.call('private/get_account_summary', { ...summary, access_token }));
    const gone = new Promise((resolve) => emu.once('disconnect', resolve));
    await a.close();
    await gone;
    ok(await b.call('private/get_account_summary', { ...summary, access_token }));
    await login(b, { grant_type: 'refresh_token', refresh_token });
    ok(await b.call('private/get_account_summary', summary));
  });

  it('the 17th named session evicts the oldest silently', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const first = await login(client, credentials({ scope: 'session:s0' }));
    for (let i = 1; i < 16; i++) await login(client, credentials({ scope: `session:s${i}` }));
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toHaveLength(16);
    ok(await client.call('private/get_account_summary', { ...summary, access_token: first.access_token }));
    await login(client, credentials({ scope: 'session:s16' }));
    const names = emu.sessionsOf(DEFAULT_ACCOUNT.clientId);
    expect(names).toHaveLength(16);
    expect(names).not.toContain('s0');
    expect(names).toContain('s1');
    expect(names.at(-1)).toBe('s16');
    fails(
      await client.call('private/get_account_summary', { ...summary, access_token: first.access_token }),
      13009,
    );
    fails(
      await client.call('public/auth', { grant_type: 'refresh_token', refresh_token: first.refresh_token }),
      13009,
    );
  });

  it('maxSessionsPerKey is configurable; re-authenticating the same name keeps one slot', async () => {
    const emu = await fx.start({ maxSessionsPerKey: 2 });
    const client = await fx.client();
    await login(client, credentials({ scope: 'session:a' }));
    await login(client, credentials({ scope: 'session:a' }));
    await login(client, credentials({ scope: 'session:b' }));
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toEqual(['a', 'b']);
    await login(client, credentials({ scope: 'session:c' }));
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toEqual(['b', 'c']);
  });
});

describe('expiry', () => {
  it('expired access token → 13009 with data.reason token has expired, on the socket and explicitly', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const { access_token, refresh_token } = await login(client, credentials({ scope: 'session:x' }));
    emu.expireAllTokens();
    // The one 13009 reason Deribit documents (its error docs), with the message production sends.
    const expired = {
      code: 13009,
      message: 'unauthorized',
      data: { reason: 'token has expired', param: 'access_token' },
    };
    expect(fails(await client.call('private/get_account_summary', summary), 13009)).toEqual(expired);
    const explicit = await client.call('private/get_account_summary', { ...summary, access_token });
    expect(explicit.error).toEqual(expired);
    // Refresh tokens outlive access tokens.
    await login(client, { grant_type: 'refresh_token', refresh_token });
    ok(await client.call('private/get_account_summary', summary));
  });

  it('a real 0-second TTL token is already expired on the next call', async () => {
    await fx.start({ tokenTtl: 0 });
    const client = await fx.client();
    await login(client);
    fails(await client.call('private/get_account_summary', summary), 13009);
  });

  it('revokeRefreshTokens: refresh fails, access tokens still work', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const { refresh_token } = await login(client);
    emu.revokeRefreshTokens();
    ok(await client.call('private/get_account_summary', summary));
    fails(await client.call('public/auth', { grant_type: 'refresh_token', refresh_token }), 13009);
  });
});
