/**
 * The typed calls and channels against the emulator: every typed method the emulator implements, with
 * results read through their types (no casts), and typed notifications. `test/types/calls.test-d.ts`
 * checks the types themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, type Order, type Ticker } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, nextEvent, userChannels } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const INSTRUMENT = 'BTC-PERPETUAL';

describe('typed calls against the emulator', () => {
  it('public/get_time and public/test', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const before = Date.now();
    const time = await session.call('public/get_time');
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(Date.now() + 1000);
    const { version } = await session.call('public/test', {});
    expect(version).toMatch(/\d/);
    await expect(session.call('public/test', { expected_result: 'exception' })).rejects.toMatchObject({
      code: 11094,
    });
  });

  it('places, lists and cancels orders: buy, sell, get_open_orders_by_currency, cancel, cancel_all', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const bought = await session.call('private/buy', {
      instrument_name: INSTRUMENT,
      amount: 10,
      price: 50_000,
      label: 'mm-bid',
    });
    expect(bought.trades).toEqual([]);
    expect(bought.order).toMatchObject({
      direction: 'buy',
      order_state: 'open',
      amount: 10,
      label: 'mm-bid',
    });
    const sold = await session.call('private/sell', {
      instrument_name: INSTRUMENT,
      amount: 20,
      price: 60_000,
      type: 'limit',
    });
    expect(sold.order.direction).toBe('sell');
    expect(sold.order.price).toBe(60_000);

    const open = await session.call('private/get_open_orders_by_currency', { currency: 'BTC' });
    expect(open.map((order) => order.order_id).sort()).toEqual(
      [bought.order.order_id, sold.order.order_id].sort(),
    );
    expect(await session.call('private/get_open_orders_by_currency', { currency: 'ETH' })).toEqual([]);

    const cancelled = await session.call('private/cancel', { order_id: bought.order.order_id });
    expect(cancelled.order_id).toBe(bought.order.order_id);
    expect(cancelled.order_state).toBe('cancelled');
    expect(cancelled.last_update_timestamp).toBeGreaterThanOrEqual(cancelled.creation_timestamp);

    expect(await session.call('private/cancel_all')).toBe(1);
    expect(await session.call('private/cancel_all', { freeze_quotes: false })).toBe(0);
    expect(await session.call('private/get_open_orders_by_currency', { currency: 'BTC' })).toEqual([]);
  });

  it('private/get_account_summary', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const summary = await session.call('private/get_account_summary', { currency: 'ETH', extended: true });
    expect(summary.currency).toBe('ETH');
    expect(summary.equity).toBeTypeOf('number');
    expect(summary.available_funds).toBeLessThanOrEqual(summary.equity);
    expect(summary.id).toBe(DEFAULT_ACCOUNT.id);
  });

  it('public/auth, public/exchange_token and public/fork_token resolve token sets', async () => {
    await h.start();
    const session = h.session({ scope: 'session:typed' });
    const tokens = nextEvent(session, 'tokens');
    await session.connect();
    const { refreshToken } = await tokens;

    const auth = await session.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: DEFAULT_ACCOUNT.clientId,
      client_secret: DEFAULT_ACCOUNT.clientSecret,
      scope: 'session:other',
      state: 'echo-me',
    });
    expect(auth).toMatchObject({ token_type: 'bearer', state: 'echo-me' });
    expect(auth.scope.split(' ')).toContain('session:other');
    expect(auth.expires_in).toBeGreaterThan(0);

    const subjectId = DEFAULT_ACCOUNT.subaccounts?.[0] ?? 0;
    const exchanged = await session.call('public/exchange_token', {
      refresh_token: refreshToken,
      subject_id: subjectId,
    });
    expect(exchanged.access_token).not.toBe(auth.access_token);
    expect(exchanged.refresh_token).toBeTypeOf('string');

    const forked = await session.call('public/fork_token', {
      refresh_token: refreshToken,
      session_name: 'fork-1',
    });
    expect(forked.scope.split(' ')).toContain('session:fork-1');
    await expect(
      session.call('public/fork_token', { refresh_token: 'not-a-token', session_name: 'x' }),
    ).rejects.toMatchObject({ code: 13009 });
  });

  it('private/logout never resolves: the server closes the socket and the call rejects', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: false });
    await session.connect();
    const logout = nextEvent(session, 'disconnected');
    await expect(session.call('private/logout', { invalidate_token: false })).rejects.toBeInstanceOf(
      ConnectionClosedError,
    );
    await logout;
    expect(emu.received.filter((message) => message.method === 'private/logout')).toHaveLength(1);
  });

  it('the subscribe methods resolve the channels they changed', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const ticker = `ticker.${INSTRUMENT}.100ms`;
    const orders = `user.orders.${INSTRUMENT}.raw`;
    expect(await session.call('public/subscribe', { channels: [ticker, orders] })).toEqual([ticker]);
    expect(await session.call('private/subscribe', { channels: [orders], label: 'bot' })).toEqual([orders]);
    const [connectionId] = emu.connectionIds;
    expect(emu.channelsOf(connectionId ?? -1)).toEqual(expect.arrayContaining([ticker, orders]));
    expect(await session.call('public/unsubscribe', { channels: [ticker] })).toEqual([ticker]);
    expect(await session.call('private/unsubscribe', { channels: [orders, ticker] })).toEqual([orders]);
    expect(userChannels(emu.channelsOf(connectionId ?? -1))).toEqual([]);
  });

  it('methods outside the map still work, resolving unknown', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const hello: unknown = await session.call('public/hello', { client_name: 'typed', client_version: '1' });
    expect(hello).toMatchObject({ version: expect.any(String) });
  });
});

describe('typed notifications against the emulator', () => {
  it('hands the ticker and the user.orders data to handlers typed by channel', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();

    let markPrice: (price: number) => void = () => {};
    const marked = new Promise<number>((resolve) => {
      markPrice = resolve;
    });
    await session.subscribe(`ticker.${INSTRUMENT}.100ms`, (ticker) => markPrice(ticker.mark_price));
    let orderUpdate: (order: Order) => void = () => {};
    const updated = new Promise<Order>((resolve) => {
      orderUpdate = resolve;
    });
    await session.subscribe(`user.orders.${INSTRUMENT}.raw`, (order) => orderUpdate(order));

    const ticker: Pick<Ticker, 'instrument_name' | 'mark_price' | 'best_bid_price'> = {
      instrument_name: INSTRUMENT,
      mark_price: 65_432.5,
      best_bid_price: null,
    };
    expect(emu.publish(`ticker.${INSTRUMENT}.100ms`, ticker)).toBe(1);
    expect(await marked).toBe(65_432.5);

    const { order } = await session.call('private/buy', {
      instrument_name: INSTRUMENT,
      amount: 10,
      price: 1,
    });
    const pushed = await updated;
    expect(pushed.order_id).toBe(order.order_id);
    expect(pushed.order_state).toBe('open');
  });
});
