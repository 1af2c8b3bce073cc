import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

interface Order {
  order_id: string;
  order_state: string;
  direction: string;
  instrument_name: string;
  amount: number;
  price: number | string;
  label: string;
}

async function buy(client: RawClient, instrument = 'BTC-PERPETUAL', label = ''): Promise<Order> {
  return ok<{ order: Order }>(
    await client.call('private/buy', { instrument_name: instrument, amount: 10, price: 100, label }),
  ).order;
}

describe('orders and account', () => {
  it('get_account_summary needs a currency', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    expect(
      ok(await client.call('private/get_account_summary', { currency: 'ETH', extended: true })),
    ).toMatchObject({
      id: DEFAULT_ACCOUNT.id,
      currency: 'ETH',
      equity: expect.any(Number),
      balance: expect.any(Number),
    });
    expect(fails(await client.call('private/get_account_summary'), -32602).data).toMatchObject({
      param: 'currency',
    });
  });

  it('buy/sell place open orders; cancel, cancel_all and get_open_orders_by_currency', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    const placed = ok<{ order: Order; trades: unknown[] }>(
      await client.call('private/buy', {
        instrument_name: 'BTC-PERPETUAL',
        amount: 10,
        price: 100,
        label: 'L',
      }),
    );
    expect(placed.trades).toEqual([]);
    expect(placed.order).toMatchObject({
      order_state: 'open',
      direction: 'buy',
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      price: 100,
      label: 'L',
      creation_timestamp: expect.any(Number),
    });
    const sold = ok<{ order: Order }>(
      await client.call('private/sell', { instrument_name: 'ETH-PERPETUAL', amount: 1, price: 2000 }),
    );
    expect(sold.order).toMatchObject({ direction: 'sell', price: 2000, order_state: 'open' });
    const btc = ok<Order[]>(await client.call('private/get_open_orders_by_currency', { currency: 'BTC' }));
    expect(btc.map((o) => o.order_id)).toEqual([placed.order.order_id]);
    const cancelled = ok<Order>(await client.call('private/cancel', { order_id: placed.order.order_id }));
    expect(cancelled).toMatchObject({ order_id: placed.order.order_id, order_state: 'cancelled' });
    const again = fails(await client.call('private/cancel', { order_id: placed.order.order_id }), 11044);
    expect(again.message).toBe('not_open_order');
    expect(ok(await client.call('private/cancel_all'))).toBe(1);
    expect(ok(await client.call('private/get_open_orders_by_currency', { currency: 'ETH' }))).toEqual([]);
    expect(
      fails(await client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10 }), -32602).data,
    ).toMatchObject({ param: 'price' });
  });

  it('publishes user.orders.{instrument}.raw on changes', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client);
    await client.call('private/subscribe', { channels: ['user.orders.BTC-PERPETUAL.raw'] });
    const order = await buy(client);
    const note = await client.nextNotification((n) => n.params.channel === 'user.orders.BTC-PERPETUAL.raw');
    expect(note.params.data).toMatchObject({ order_id: order.order_id, order_state: 'open' });
  });
});

describe('cancel on disconnect', () => {
  it('needs account:read_write (13021) and reports its state', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client, credentials({ scope: 'account:read' }));
    fails(await client.call('private/enable_cancel_on_disconnect'), 13021);
    expect(ok(await client.call('private/get_cancel_on_disconnect'))).toEqual({
      scope: 'connection',
      enabled: false,
    });
    const rw = await fx.client();
    await login(rw);
    ok(await rw.call('private/enable_cancel_on_disconnect', { scope: 'account' }));
    expect(ok(await rw.call('private/get_cancel_on_disconnect'))).toEqual({
      scope: 'account',
      enabled: true,
    });
    ok(await rw.call('private/disable_cancel_on_disconnect'));
    expect(ok(await rw.call('private/get_cancel_on_disconnect'))).toMatchObject({ enabled: false });
    fails(await rw.call('private/enable_cancel_on_disconnect', { scope: 'galaxy' }), -32602);
  });

  it('connection scope: a dropped socket cancels only its own orders', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const b = await fx.client();
    await login(a, credentials({ scope: 'session:a' }));
    await login(b, credentials({ scope: 'session:b' }));
    await buy(a);
    const keep = await buy(b);
    ok(await a.call('private/enable_cancel_on_disconnect', { scope: 'connection' }));
    const cod = new Promise<{ scope: string; cancelled: number; subjectId: number }>((resolve) =>
      emu.once('cancelOnDisconnect', resolve),
    );
    a.ws.terminate();
    expect(await cod).toMatchObject({ scope: 'connection', cancelled: 1, subjectId: DEFAULT_ACCOUNT.id });
    const open = ok<Order[]>(await b.call('private/get_open_orders_by_currency', { currency: 'BTC' }));
    expect(open.map((o) => o.order_id)).toEqual([keep.order_id]);
  });

  it('account scope: cancels all of the subject orders when the server drops the socket', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const b = await fx.client();
    await login(a, credentials({ scope: 'session:a' }));
    await login(b, credentials({ scope: 'session:b' }));
    await buy(a);
    await buy(b);
    ok(await a.call('private/enable_cancel_on_disconnect', { scope: 'account' }));
    const cod = new Promise<{ cancelled: number }>((resolve) => emu.once('cancelOnDisconnect', resolve));
    ok(await b.call('public/test'));
    emu.dropConnections();
    expect((await cod).cancelled).toBe(2);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toEqual([]);
  });

  it('does not fire on logout', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    await buy(client);
    ok(await client.call('private/enable_cancel_on_disconnect'));
    let fired = false;
    emu.on('cancelOnDisconnect', () => {
      fired = true;
    });
    const disconnected = new Promise((resolve) => emu.once('disconnect', resolve));
    client.send({ jsonrpc: '2.0', id: 9, method: 'private/logout', params: { invalidate_token: false } });
    await disconnected;
    expect(fired).toBe(false);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toHaveLength(1);
  });

  it('does nothing when not enabled', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    await buy(client);
    const disconnected = new Promise((resolve) => emu.once('disconnect', resolve));
    client.ws.terminate();
    await disconnected;
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toHaveLength(1);
  });
});
