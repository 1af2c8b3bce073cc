import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, DEFAULT_INSTRUMENTS, type EmulatedInstrument } from '../../src/testing/index.js';
import { credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
const ticker = 'ticker.BTC-PERPETUAL.100ms';
const [BTC_PERPETUAL] = DEFAULT_INSTRUMENTS as [EmulatedInstrument];
/** `count` more perpetuals, `X0-PERPETUAL`, `X1-PERPETUAL`, … */
const perpetuals = (count: number): EmulatedInstrument[] =>
  Array.from({ length: count }, (_, i) => ({
    ...BTC_PERPETUAL,
    instrument_name: `X${i}-PERPETUAL`,
    instrument_id: i,
  }));

describe('subscriptions', () => {
  it('public/subscribe returns the channels subscribed and publish delivers to them', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    expect(ok(await client.call('public/subscribe', { channels: [ticker] }))).toEqual([ticker]);
    expect(emu.publish(ticker, { last: 1 })).toBe(1);
    const notification = await client.nextNotification((n) => n.method === 'subscription');
    expect(notification).toEqual({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: ticker, data: { last: 1 } },
    });
    expect(emu.publish('ticker.ETH-PERPETUAL.100ms', {})).toBe(0);
  });

  it('subscribing twice delivers once', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await client.call('public/subscribe', { channels: [ticker, ticker] });
    await client.call('public/subscribe', { channels: [ticker] });
    expect(emu.channelsOf(emu.connectionIds[0] ?? -1)).toEqual([ticker]);
    expect(emu.publish(ticker, 1)).toBe(1);
    await client.nextNotification();
    ok(await client.call('public/test')); // barrier: anything else sent would have arrived first
    expect(client.notifications).toHaveLength(0);
  });

  it('public/subscribe omits user.* channels, empty and whitespace names', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    const result = ok(
      await client.call('public/subscribe', {
        channels: [ticker, 'user.orders.any.any.100ms', '', 'a b', 7],
      }),
    );
    expect(result).toEqual([ticker]);
  });

  it('private/subscribe needs auth and accepts user channels', async () => {
    await fx.start();
    const client = await fx.client();
    fails(await client.call('private/subscribe', { channels: ['user.portfolio.btc'] }), 13009);
    await login(client);
    expect(
      ok(await client.call('private/subscribe', { channels: ['user.portfolio.btc', ticker], label: 'x' })),
    ).toEqual(['user.portfolio.btc', ticker]);
  });

  it('unauthenticated subscribe to a .raw channel → 13778', async () => {
    await fx.start();
    const client = await fx.client();
    const error = fails(
      await client.call('public/subscribe', { channels: ['book.BTC-PERPETUAL.raw'] }),
      13778,
    );
    expect(error.message).toBe('raw_subscriptions_not_available_for_unauthorized');
    await login(client);
    expect(ok(await client.call('public/subscribe', { channels: ['book.BTC-PERPETUAL.raw'] }))).toEqual([
      'book.BTC-PERPETUAL.raw',
    ]);
  });

  it('more than 500 channels → -32602; missing channels → -32602', async () => {
    await fx.start({ instruments: perpetuals(501) });
    const client = await fx.client();
    const many = Array.from({ length: 501 }, (_, i) => `ticker.X${i}-PERPETUAL.100ms`);
    expect(fails(await client.call('public/subscribe', { channels: many }), -32602).data).toMatchObject({
      param: 'channels',
    });
    expect(
      ok<string[]>(await client.call('public/subscribe', { channels: many.slice(0, 500) })),
    ).toHaveLength(500);
    fails(await client.call('public/subscribe', {}), -32602);
  });

  it('refuseChannels omits channels from the result', async () => {
    const emu = await fx.start();
    emu.refuseChannels(['ticker.BTC_USDC.100ms']);
    const client = await fx.client();
    expect(
      ok(await client.call('public/subscribe', { channels: ['ticker.BTC_USDC.100ms', ticker] })),
    ).toEqual([ticker]);
    emu.refuseChannels((channel) => channel.startsWith('ticker.'));
    expect(
      ok(
        await client.call('public/subscribe', {
          channels: ['trades.BTC-PERPETUAL.100ms', 'ticker.ETH-PERPETUAL.100ms'],
        }),
      ),
    ).toEqual(['trades.BTC-PERPETUAL.100ms']);
    emu.refuseChannels(undefined);
    expect(ok(await client.call('public/subscribe', { channels: ['ticker.ETH-PERPETUAL.100ms'] }))).toEqual([
      'ticker.ETH-PERPETUAL.100ms',
    ]);
  });

  it('unsubscribe returns what was removed; unsubscribe_all clears', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const [a, b, c] = ['ticker.BTC-PERPETUAL.100ms', 'ticker.ETH-PERPETUAL.100ms', 'trades.any.BTC.100ms'];
    await client.call('public/subscribe', { channels: [a, b, c] });
    expect(ok(await client.call('public/unsubscribe', { channels: [a, 'zzz'] }))).toEqual([a]);
    expect(emu.publish(a, 1)).toBe(0);
    expect(ok(await client.call('public/unsubscribe_all'))).toBe('ok');
    expect(emu.publish(b, 1)).toBe(0);
    await login(client);
    await client.call('private/subscribe', { channels: ['user.portfolio.btc'] });
    expect(ok(await client.call('private/unsubscribe', { channels: ['user.portfolio.btc'] }))).toEqual([
      'user.portfolio.btc',
    ]);
    await client.call('private/subscribe', { channels: ['user.portfolio.btc'] });
    expect(ok(await client.call('private/unsubscribe_all'))).toBe('ok');
    expect(emu.channelsOf(emu.connectionIds[0] ?? -1)).toEqual([]);
  });

  it('private channels reach only authenticated sockets of the given subject', async () => {
    const emu = await fx.start();
    const main = await fx.client();
    const mainAuth = await login(main, credentials({ scope: 'session:m' }));
    await main.call('private/subscribe', { channels: ['user.changes.any.any.raw'] });
    const sub = await fx.client();
    const exchanged = ok<{ refresh_token: string }>(
      await sub.call('public/exchange_token', {
        refresh_token: mainAuth.refresh_token,
        subject_id: DEFAULT_ACCOUNT.subaccounts[0],
        scope: 'session:s',
      }),
    );
    await login(sub, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    await sub.call('private/subscribe', { channels: ['user.changes.any.any.raw'] });
    expect(emu.publish('user.changes.any.any.raw', 'both')).toBe(2);
    expect(emu.publish('user.changes.any.any.raw', 'main only', { subjectId: DEFAULT_ACCOUNT.id })).toBe(1);
    expect((await main.nextNotification((n) => n.params.data === 'main only')).params.channel).toBe(
      'user.changes.any.any.raw',
    );
    // Once the token expires, private notifications stop.
    emu.expireAllTokens();
    expect(emu.publish('user.changes.any.any.raw', 'none')).toBe(0);
  });

  it('channels Deribit would not serve are left out of the result, as Deribit leaves them out', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    const served = [
      ticker,
      'book.BTC-PERPETUAL.none.10.100ms',
      'trades.option.BTC.100ms',
      'deribit_price_index.btc_usd',
      'platform_state',
      'user.orders.BTC-25JUN27-100000-C.raw',
      'user.trades.future.ETH.100ms',
      'user.portfolio.BTC',
      'user.lock',
    ];
    const refused = [
      'ticker.NOPE-PERPETUAL.100ms', // well-formed, not listed
      'ticker.btc-perpetual.100ms', // malformed name
      'tickr.BTC-PERPETUAL.100ms', // no such family
      'ticker.BTC-PERPETUAL.1s', // no such interval
      'ticker.BTC-PERPETUAL', // missing interval
      'book.BTC-PERPETUAL.7.10.100ms', // no such grouping
      'trades.future.DOGE.100ms', // no instrument in that currency
      'deribit_price_index.xyz_usd', // no such index
      'user.orders.NOPE-PERPETUAL.raw',
      'user.orders.any.any', // missing interval
      'user.x',
    ];
    expect(ok(await client.call('private/subscribe', { channels: [...served, ...refused] }))).toEqual(served);
    // A channel on an instrument added later is served.
    emu.addInstrument({ ...BTC_PERPETUAL, instrument_name: 'NOPE-PERPETUAL' });
    expect(ok(await client.call('public/subscribe', { channels: ['ticker.NOPE-PERPETUAL.100ms'] }))).toEqual([
      'ticker.NOPE-PERPETUAL.100ms',
    ]);
  });

  it('subscriptions do not survive a reconnect', async () => {
    const emu = await fx.start();
    const first = await fx.client();
    await first.call('public/subscribe', { channels: [ticker] });
    emu.dropConnections();
    await first.closed;
    const second = await fx.client();
    expect(emu.publish(ticker, 1)).toBe(0);
    ok(await second.call('public/test'));
  });
});
