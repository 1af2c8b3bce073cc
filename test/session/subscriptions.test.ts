import { afterEach, describe, expect, it } from 'vitest';
import { SubscriptionRefusedError } from '../../src/index.js';
import { Harness, userChannels, withoutOwn } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('subscriptions', () => {
  it('delivers notifications with their channel to every handler', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const a: unknown[] = [];
    const b: unknown[] = [];
    await session.subscribe('ticker.BTC-PERPETUAL.100ms', (data, channel) => a.push([channel, data]));
    await session.subscribe(['ticker.BTC-PERPETUAL.100ms', 'trades.BTC-PERPETUAL.100ms'], (data) =>
      b.push(data),
    );
    expect(emu.publish('ticker.BTC-PERPETUAL.100ms', { p: 1 })).toBe(1);
    emu.publish('trades.BTC-PERPETUAL.100ms', [{ t: 2 }]);
    await expect.poll(() => b.length).toBe(2);
    expect(a).toEqual([['ticker.BTC-PERPETUAL.100ms', { p: 1 }]]);
    expect(b).toEqual([{ p: 1 }, [{ t: 2 }]]);
  });

  it('subscribing twice to one channel sends one subscription', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    await session.subscribe('ticker.BTC-PERPETUAL.100ms', () => {});
    await session.subscribe(['ticker.BTC-PERPETUAL.100ms', 'ticker.BTC-PERPETUAL.100ms'], () => {});
    const subscribes = withoutOwn(emu.received).filter((m) => m.method === 'public/subscribe');
    expect(subscribes.map((m) => m.params['channels'])).toEqual([['ticker.BTC-PERPETUAL.100ms']]);
    expect(session.channels).toEqual(['ticker.BTC-PERPETUAL.100ms']);
  });

  it('unsubscribing the last handler of a channel unsubscribes on the server', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const offA = await session.subscribe('user.orders.BTC-PERPETUAL.raw', () => {});
    const offB = await session.subscribe('user.orders.BTC-PERPETUAL.raw', () => {});
    await offA();
    expect(emu.received.filter((m) => m.method.endsWith('unsubscribe'))).toEqual([]);
    await offB();
    await offB();
    const unsubscribes = emu.received.filter((m) => m.method.endsWith('unsubscribe'));
    expect(unsubscribes.map((m) => [m.method, m.params['channels']])).toEqual([
      ['private/unsubscribe', ['user.orders.BTC-PERPETUAL.raw']],
    ]);
    expect(session.channels).toEqual([]);
    const connectionId = emu.connectionIds[0] ?? -1;
    expect(userChannels(emu.channelsOf(connectionId))).toEqual([]);
  });

  it('a channel the server leaves out is not subscribed: the subscribe rejects naming it, and nothing stays registered', async () => {
    const emu = await h.start();
    emu.refuseChannels(['book.NOPE.100ms']);
    const session = h.session();
    await session.connect();
    const refused = await session
      .subscribe(['book.NOPE.100ms', 'book.BTC-PERPETUAL.100ms'], () => {})
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SubscriptionRefusedError);
    expect(refused).toMatchObject({ code: 'SUBSCRIPTION_REFUSED', channels: ['book.NOPE.100ms'] });
    expect(session.channels).toEqual([]);
    await expect.poll(() => userChannels(emu.channelsOf(emu.connectionIds[0] ?? 0))).toEqual([]);
  });

  it('a subscription made before connect() is sent once authenticated', async () => {
    const emu = await h.start();
    const session = h.session();
    const got: unknown[] = [];
    await session.subscribe('user.portfolio.btc', (data) => got.push(data));
    await session.connect();
    emu.publish('user.portfolio.btc', { equity: 1 });
    await expect.poll(() => got).toEqual([{ equity: 1 }]);
    expect(withoutOwn(emu.received).map((m) => m.method)).toEqual([
      'public/hello',
      'public/auth',
      'private/subscribe',
    ]);
  });

  it('a refused subscribe rejects and leaves nothing registered', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.failNext('public/subscribe', 1, { code: 11050, message: 'bad_request' });
    await expect(session.subscribe('ticker.X', () => {})).rejects.toMatchObject({ code: 11050 });
    expect(session.channels).toEqual([]);
  });
});
