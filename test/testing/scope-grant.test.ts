import { describe, expect, it } from 'vitest';
import { randomNonce } from '../../src/auth/signature.js';
import { ErrorCode } from '../../src/errors/codes.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { credentials, fails, login, ok, signed, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
const { clientId, clientSecret } = DEFAULT_ACCOUNT;
/** The parts of a scope string, sorted: production sends them in no fixed order. */
const parts = (scope: string): string[] => scope.split(' ').sort();
const signedLogin = async (extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> =>
  signed(clientId, clientSecret, Date.now(), randomNonce(), extra);

describe('scope as Deribit grants it', () => {
  it('client_signature: the production parts, with name: and block_trade:', async () => {
    await fx.start();
    const result = await login(await fx.client(), await signedLogin());
    expect(parts(result.scope)).toEqual(
      parts(
        'account:read_write block_trade:read_write connection custody:read_write mainaccount name:emulator trade:read_write wallet:read_write',
      ),
    );
    expect(result).not.toHaveProperty('sid');
  });

  it('scope strings come in no fixed order (as production sends them): two grants differ in order only', async () => {
    await fx.start();
    const first = await login(await fx.client(), await signedLogin());
    const second = await login(await fx.client(), await signedLogin());
    expect(second.scope).not.toBe(first.scope);
    expect(parts(second.scope)).toEqual(parts(first.scope));
  });

  it('client_credentials narrows wallet:read_write to wallet:read, even when asked for, and through refresh', async () => {
    await fx.start();
    const client = await fx.client();
    const first = await login(client, credentials({ scope: 'session:cc wallet:read_write' }));
    expect(first.scope.split(' ')).toContain('wallet:read');
    const refreshed = await login(client, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(parts(refreshed.scope)).toEqual(parts(first.scope));
  });

  it('a named session: session:NAME, a sid, the requested levels', async () => {
    await fx.start();
    const result = await login(
      await fx.client(),
      await signedLogin({ scope: 'trade:read session:mm expires:60' }),
    );
    expect(parts(result.scope)).toEqual(
      parts(
        'account:read_write block_trade:read_write custody:read_write expires:60 mainaccount name:emulator session:mm trade:read wallet:read_write',
      ),
    );
    expect(result.sid).toEqual(expect.any(String));
  });

  it('none leaves an area out; a key without a name gets no name: part; a subaccount key no mainaccount', async () => {
    await fx.start({
      accounts: [
        { clientId: 'sub', clientSecret: 's', maxScope: 'account:read trade:read_write wallet:read_write' },
      ],
    });
    const result = await login(await fx.client(), {
      grant_type: 'client_credentials',
      client_id: 'sub',
      client_secret: 's',
      scope: 'wallet:none custody:read_write',
    });
    expect(parts(result.scope)).toEqual(['account:read', 'connection', 'trade:read_write']);
  });

  it('exchange_token and fork_token keep the key name; the subaccount loses mainaccount', async () => {
    await fx.start();
    const client = await fx.client();
    const parent = await login(client, await signedLogin({ scope: 'session:p' }));
    const [subjectId] = DEFAULT_ACCOUNT.subaccounts;
    const exchanged = ok<{ scope: string }>(
      await client.call('public/exchange_token', {
        refresh_token: parent.refresh_token,
        subject_id: subjectId,
      }),
    );
    expect(exchanged.scope.split(' ')).toEqual(expect.arrayContaining(['name:emulator', 'session:p']));
    expect(exchanged.scope.split(' ')).not.toContain('mainaccount');
    const forked = ok<{ scope: string; sid: string }>(
      await client.call('public/fork_token', { refresh_token: parent.refresh_token, session_name: 'f' }),
    );
    expect(parts(forked.scope)).toEqual(parts(parent.scope.replace('session:p', 'session:f')));
    expect(forked.sid).not.toBe(parent.sid);
  });
});

describe('private/subscribe to user.* channels needs the matching read scope', () => {
  it('trade:read is enough for order, trade and change channels', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client, credentials({ scope: 'trade:read' }));
    const channels = [
      'user.orders.any.any.raw',
      'user.trades.BTC-PERPETUAL.100ms',
      'user.changes.future.BTC.raw',
    ];
    expect(ok(await client.call('private/subscribe', { channels }))).toEqual(channels);
  });

  it('without trade:read → 13021 forbidden naming the channel, and nothing is subscribed', async () => {
    const emu = await fx.start({
      accounts: [{ clientId: 'ro', clientSecret: 's', maxScope: 'account:read wallet:read' }],
    });
    const client = await fx.client();
    await login(client, { grant_type: 'client_credentials', client_id: 'ro', client_secret: 's' });
    const error = fails(
      await client.call('private/subscribe', { channels: ['user.portfolio.btc', 'user.orders.any.any.raw'] }),
      ErrorCode.forbidden,
    );
    expect(error).toEqual({
      code: 13021,
      message: 'forbidden',
      data: { reason: 'scope trade:read required', channel: 'user.orders.any.any.raw' },
    });
    expect(emu.channelsOf(emu.connectionIds[0] ?? -1)).toEqual([]);
    expect(ok(await client.call('private/subscribe', { channels: ['user.portfolio.btc'] }))).toEqual([
      'user.portfolio.btc',
    ]);
  });

  it('user.portfolio needs account:read', async () => {
    await fx.start({ accounts: [{ clientId: 't', clientSecret: 's', maxScope: 'trade:read_write' }] });
    const client = await fx.client();
    await login(client, { grant_type: 'client_credentials', client_id: 't', client_secret: 's' });
    const error = fails(await client.call('private/subscribe', { channels: ['user.portfolio.eth'] }), 13021);
    expect(error.data).toMatchObject({ reason: 'scope account:read required' });
  });
});
