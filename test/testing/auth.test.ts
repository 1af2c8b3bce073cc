import { describe, expect, it } from 'vitest';
import { randomNonce } from '../../src/auth/signature.js';
import { ErrorCode } from '../../src/errors/codes.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { credentials, fails, login, ok, signed, useEmulator } from '../helpers/emulator-fixture.js';
import { refusalReasons, refused } from '../helpers/refusals.js';

const fx = useEmulator();
const { clientId, clientSecret } = DEFAULT_ACCOUNT;

describe('public/auth client_credentials', () => {
  it('returns a bearer token pair with the documented fields and echoes state', async () => {
    await fx.start({ tokenTtl: 1234 });
    const client = await fx.client();
    const result = await login(client, credentials({ state: 'abc' }));
    expect(result).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 1234,
      token_type: 'bearer',
      enabled_features: [],
      state: 'abc',
    });
    // client_credentials: wallet narrowed to read, as Deribit documents (the parts come in no fixed order).
    expect(result.scope.split(' ').sort()).toEqual(
      'account:read_write block_trade:read_write connection custody:read_write mainaccount name:emulator trade:read_write wallet:read'.split(
        ' ',
      ),
    );
    expect(result.access_token).not.toBe(result.refresh_token);
    expect(result).not.toHaveProperty('sid');
  });

  it('omits state when not sent', async () => {
    await fx.start();
    const result = await login(await fx.client());
    expect(result).not.toHaveProperty('state');
  });

  it('wrong secret and unknown client_id → 13004 invalid_credentials', async () => {
    await fx.start();
    const client = await fx.client();
    const wrong = fails(await client.call('public/auth', credentials({ client_secret: 'nope' })), 13004);
    expect(wrong.message).toBe('invalid_credentials');
    fails(await client.call('public/auth', credentials({ client_id: 'who' })), ErrorCode.invalidCredentials);
  });

  it('missing grant params → -32602 with data.param', async () => {
    await fx.start();
    const client = await fx.client();
    const noSecret = fails(
      await client.call('public/auth', { grant_type: 'client_credentials', client_id: clientId }),
      -32602,
    );
    expect(noSecret.data).toMatchObject({ param: 'client_secret' });
    const noGrant = fails(await client.call('public/auth', { client_id: clientId }), -32602);
    expect(noGrant.data).toMatchObject({ param: 'grant_type' });
    const noRefresh = fails(await client.call('public/auth', { grant_type: 'refresh_token' }), -32602);
    expect(noRefresh.data).toMatchObject({ param: 'refresh_token' });
    const noNonce = fails(
      await client.call('public/auth', {
        grant_type: 'client_signature',
        client_id: clientId,
        timestamp: Date.now(),
        signature: 'x',
      }),
      -32602,
    );
    expect(noNonce.data).toMatchObject({ param: 'nonce' });
  });

  it('uses configured accounts instead of the default one', async () => {
    await fx.start({ accounts: [{ clientId: 'k1', clientSecret: 's1', id: 42 }] });
    const client = await fx.client();
    fails(await client.call('public/auth', credentials()), ErrorCode.invalidCredentials);
    await login(client, { grant_type: 'client_credentials', client_id: 'k1', client_secret: 's1' });
    const summary = ok<{ id: number }>(
      await client.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    );
    expect(summary.id).toBe(42);
  });
});

describe('public/auth client_signature', () => {
  it('accepts a correct HMAC signature', async () => {
    await fx.start();
    const client = await fx.client();
    const result = await login(client, await signed(clientId, clientSecret, Date.now(), randomNonce()));
    expect(result.token_type).toBe('bearer');
    ok(await client.call('private/get_account_summary', { currency: 'BTC' }));
  });

  it('accepts a signature over data', async () => {
    await fx.start();
    const client = await fx.client();
    const timestamp = Date.now();
    const nonce = randomNonce();
    const { signAuthRequest } = await import('../../src/auth/signature.js');
    const signature = await signAuthRequest(clientSecret, { timestamp, nonce, data: 'extra' });
    await login(client, {
      grant_type: 'client_signature',
      client_id: clientId,
      timestamp,
      nonce,
      signature,
      data: 'extra',
    });
    // The same signature without data does not verify.
    const reasons = refusalReasons(fx.emu);
    const again = await client.call('public/auth', {
      grant_type: 'client_signature',
      client_id: clientId,
      timestamp,
      nonce: randomNonce(),
      signature,
    });
    refused(again);
    expect(reasons).toEqual(['invalid signature']);
  });

  it('rejects a bad signature with 13009', async () => {
    await fx.start();
    const client = await fx.client();
    const params = await signed(clientId, 'wrong-secret', Date.now(), randomNonce());
    const reasons = refusalReasons(fx.emu);
    refused(await client.call('public/auth', params));
    expect(reasons).toEqual(['invalid signature']);
  });

  it('rejects an unknown client_id with 13004', async () => {
    await fx.start();
    const client = await fx.client();
    fails(
      await client.call('public/auth', await signed('nobody', clientSecret, Date.now(), randomNonce())),
      13004,
    );
  });

  it('rejects a stale timestamp (> 60 s) with 13009 and accepts one just inside the window', async () => {
    await fx.start();
    const client = await fx.client();
    const stale = await signed(clientId, clientSecret, Date.now() - 61_000, randomNonce());
    const reasons = refusalReasons(fx.emu);
    refused(await client.call('public/auth', stale));
    expect(reasons).toEqual(['invalid timestamp']);
    const future = await signed(clientId, clientSecret, Date.now() + 61_000, randomNonce());
    fails(await client.call('public/auth', future), 13009);
    await login(client, await signed(clientId, clientSecret, Date.now() - 50_000, randomNonce()));
  });

  it('rejects a reused nonce with 13009', async () => {
    await fx.start();
    const nonce = randomNonce();
    const first = await fx.client();
    await login(first, await signed(clientId, clientSecret, Date.now(), nonce));
    const second = await fx.client();
    const reasons = refusalReasons(fx.emu);
    refused(await second.call('public/auth', await signed(clientId, clientSecret, Date.now() + 1, nonce)));
    expect(reasons).toEqual(['nonce already used']);
  });

  it('checks the timestamp against the skewed server clock', async () => {
    const emu = await fx.start();
    emu.setClockSkew(120_000);
    const client = await fx.client();
    fails(
      await client.call('public/auth', await signed(clientId, clientSecret, Date.now(), randomNonce())),
      13009,
    );
    const serverTime = ok<number>(await client.call('public/get_time'));
    expect(serverTime - Date.now()).toBeGreaterThan(100_000);
    await login(client, await signed(clientId, clientSecret, serverTime, randomNonce()));
  });
});

describe('refresh_token grant', () => {
  it('returns a new pair; the refresh token is single use', async () => {
    await fx.start();
    const client = await fx.client();
    const first = await login(client);
    const second = await login(client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    fails(
      await client.call('public/auth', { grant_type: 'refresh_token', refresh_token: first.refresh_token }),
      13009,
    );
    await login(client, { grant_type: 'refresh_token', refresh_token: second.refresh_token });
  });

  it('for a connection-scoped token, the previous pair stops working', async () => {
    await fx.start();
    const client = await fx.client();
    const first = await login(client);
    const second = await login(client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    fails(
      await client.call('private/get_account_summary', { currency: 'BTC', access_token: first.access_token }),
      13009,
    );
    ok(
      await client.call('private/get_account_summary', {
        currency: 'BTC',
        access_token: second.access_token,
      }),
    );
  });

  it('for a session-scoped token, the session keeps working across refreshes', async () => {
    await fx.start();
    const client = await fx.client();
    const first = await login(client, credentials({ scope: 'session:keep' }));
    const second = await login(client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(second.scope).toContain('session:keep');
    ok(await client.call('private/get_account_summary', { currency: 'BTC' }));
    ok(
      await client.call('private/get_account_summary', {
        currency: 'BTC',
        access_token: second.access_token,
      }),
    );
  });

  it('a garbage refresh token → 13009', async () => {
    await fx.start();
    const client = await fx.client();
    fails(await client.call('public/auth', { grant_type: 'refresh_token', refresh_token: 'garbage' }), 13009);
  });
});

describe('socket auth state', () => {
  it('private call without any auth → 13009', async () => {
    await fx.start();
    const client = await fx.client();
    const error = fails(await client.call('private/get_account_summary', { currency: 'BTC' }), 13009);
    expect(error.message).toBe('unauthorized');
  });

  it('after public/auth, private calls need no access_token', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    expect(
      ok(await client.call('private/get_account_summary', { currency: 'BTC', extended: true })),
    ).toMatchObject({
      id: DEFAULT_ACCOUNT.id,
      currency: 'BTC',
    });
  });

  it('an explicit access_token is honoured and stripped before handling', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const { access_token } = await login(a, credentials({ scope: 'session:s1' }));
    const b = await fx.client();
    emu.addMethod('private/echo_params', (ctx) => ctx.params);
    const echoed = ok(await b.call('private/echo_params', { access_token, x: 1 }));
    expect(echoed).toEqual({ x: 1 });
    // The explicit token does not authenticate the socket itself.
    fails(await b.call('private/echo_params', { x: 1 }), 13009);
  });

  it('after a refresh the socket follows the new token', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const first = await login(client);
    emu.expireAllTokens();
    fails(await client.call('private/get_account_summary', { currency: 'BTC' }), 13009);
    await login(client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    ok(await client.call('private/get_account_summary', { currency: 'BTC' }));
  });

  it('emits an auth event with the grant and granted scope', async () => {
    const emu = await fx.start();
    const event = new Promise<{ grantType: string; scope: string; subjectId: number }>((resolve) =>
      emu.once('auth', resolve),
    );
    await login(await fx.client(), credentials({ scope: 'session:ev' }));
    expect(await event).toMatchObject({ grantType: 'client_credentials', subjectId: DEFAULT_ACCOUNT.id });
    expect((await event).scope).toContain('session:ev');
  });
});
