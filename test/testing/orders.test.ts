import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { DEFAULT_ACCOUNT, DEFAULT_MARK_PRICE } from '../../src/testing/index.js';
import { credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { Notification, RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const BTC = 'BTC-PERPETUAL';

interface Order {
  readonly order_id: string;
  readonly order_state: string;
  readonly [key: string]: unknown;
}
interface Placed {
  readonly order: Order;
  readonly trades: Array<Record<string, unknown>>;
}

/** Deribit's required order, trade and position fields (its API reference schemas). */
const ORDER_FIELDS = [
  'order_id',
  'order_state',
  'order_type',
  'time_in_force',
  'instrument_name',
  'creation_timestamp',
  'last_update_timestamp',
  'direction',
  'price',
  'label',
  'post_only',
  'api',
  'amount',
  'filled_amount',
  'average_price',
  'replaced',
  'reduce_only',
  // Seen in production, 2025–2026.
  'user_id',
  'mmp',
  'contracts',
  'web',
  'risk_reducing',
  'is_liquidation',
];
const TRADE_FIELDS = [
  'trade_id',
  'trade_seq',
  'instrument_name',
  'timestamp',
  'order_id',
  'matching_id',
  'direction',
  'tick_direction',
  'index_price',
  'price',
  'amount',
  'fee',
  'fee_currency',
  'state',
  'mark_price',
  // Seen in production, 2025–2026.
  'user_id',
  'self_trade',
  'contracts',
];
const POSITION_FIELDS = [
  'instrument_name',
  'kind',
  'average_price',
  'direction',
  'mark_price',
  'delta',
  'index_price',
  'initial_margin',
  'maintenance_margin',
  'settlement_price',
  'total_profit_loss',
  'floating_profit_loss',
  'realized_profit_loss',
  'size',
  // Futures, seen in production.
  'leverage',
  'interest_value',
  'realized_funding',
  'estimated_liquidation_price',
];

/** Every channel family a client may use for BTC-PERPETUAL orders, trades and changes. */
function familyChannels(family: string): string[] {
  return ['raw', '100ms'].flatMap((interval) =>
    [BTC, 'future.BTC', 'future.any', 'any.BTC', 'any.any'].map(
      (middle) => `user.${family}.${middle}.${interval}`,
    ),
  );
}
const ALL = [...familyChannels('orders'), ...familyChannels('trades'), ...familyChannels('changes')];
const OTHERS = ['user.orders.option.BTC.raw', 'user.orders.future.ETH.raw', 'user.trades.ETH-PERPETUAL.raw'];

async function trader(): Promise<RawClient> {
  const client = await fx.client();
  await login(client);
  return client;
}

/**
 * Notifications caused by `action`, by channel: up to the `100ms` batch of `last`, the channel whose timer the
 * emulator starts last for one event (timers of one interval fire in the order they were started).
 */
async function during(
  client: RawClient,
  action: () => Promise<unknown>,
  last = 'user.changes.any.any.100ms',
): Promise<Map<string, unknown[]>> {
  const before = client.notifications.length;
  await action();
  const closing = await client.nextNotification((n) => n.params.channel === last);
  const byChannel = new Map<string, unknown[]>();
  for (const note of [...client.notifications.slice(before), closing] as Notification[]) {
    const channel = note.params.channel ?? '';
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), note.params.data]);
  }
  return byChannel;
}

describe('order, trade and change channels', () => {
  it('an order is published once on every orders and changes family, raw as an object, 100ms as an array', async () => {
    await fx.start();
    const client = await trader();
    expect(ok(await client.call('private/subscribe', { channels: [...ALL, ...OTHERS] }))).toHaveLength(
      ALL.length + OTHERS.length,
    );
    let placed: Placed | undefined;
    const seen = await during(client, async () => {
      placed = ok<Placed>(
        await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 100, label: 'a' }),
      );
    });
    const order = placed?.order;
    expect([...seen.keys()].sort()).toEqual(
      [...familyChannels('orders'), ...familyChannels('changes')].sort(),
    );
    for (const [channel, data] of seen) {
      expect(data).toHaveLength(1);
      if (channel.startsWith('user.orders.')) {
        expect(data[0]).toEqual(channel.endsWith('.raw') ? order : [order]);
      } else if (channel.startsWith(`user.changes.${BTC}.`)) {
        expect(data[0]).toEqual({ instrument_name: BTC, orders: [order], trades: [], positions: [] });
      } else {
        // The kind.currency channels name no instrument: they span several.
        expect(data[0]).toEqual({ orders: [order], trades: [], positions: [] });
      }
    }
  });

  it('a fill is published on trades, orders and changes (with the position), in Deribit field names', async () => {
    const emu = await fx.start();
    const client = await trader();
    await client.call('private/subscribe', { channels: ALL });
    const { order } = ok<Placed>(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 100 }),
    );
    // Let the placement's 100ms batch go out first, so the fill's batch is the fill alone.
    await client.nextNotification((n) => n.params.channel === 'user.changes.any.any.100ms');
    let trade: Record<string, unknown> = {};
    const seen = await during(client, async () => {
      trade = emu.fill(order.order_id, { amount: 4 });
    });
    expect(seen.size).toBe(ALL.length);
    for (const field of TRADE_FIELDS) expect(trade).toHaveProperty(field);
    expect(trade).toMatchObject({
      order_id: order.order_id,
      amount: 4,
      price: 100,
      direction: 'buy',
      state: 'open',
    });
    expect(seen.get(`user.trades.${BTC}.raw`)).toEqual([[trade]]);
    expect(seen.get('user.trades.any.any.100ms')).toEqual([[trade]]);
    const update = seen.get(`user.orders.${BTC}.raw`)?.[0] as Order;
    for (const field of ORDER_FIELDS) expect(update).toHaveProperty(field);
    expect(update).toMatchObject({ order_state: 'open', filled_amount: 4, average_price: 100 });
    const change = seen.get('user.changes.future.BTC.raw')?.[0] as {
      positions: Array<Record<string, unknown>>;
    };
    const [position] = change.positions;
    for (const field of POSITION_FIELDS) expect(position).toHaveProperty(field);
    expect(position).toMatchObject({ instrument_name: BTC, kind: 'future', direction: 'buy', size: 4 });
    // The rest fills it.
    emu.fill(order.order_id);
    expect(
      ok<Order>(await client.call('private/get_order_state', { order_id: order.order_id })),
    ).toMatchObject({
      order_state: 'filled',
      filled_amount: 10,
    });
    expect(() => emu.fill(order.order_id)).toThrow('no open order');
  });

  it('notifications reach only the owner’s sockets', async () => {
    const emu = await fx.start({
      accounts: [DEFAULT_ACCOUNT, { clientId: 'other', clientSecret: 's', id: 7 }],
    });
    const owner = await trader();
    const stranger = await fx.client();
    await login(stranger, { grant_type: 'client_credentials', client_id: 'other', client_secret: 's' });
    await stranger.call('private/subscribe', { channels: ['user.orders.any.any.raw'] });
    const { order } = ok<Placed>(
      await owner.call('private/buy', { instrument_name: BTC, amount: 10, price: 1 }),
    );
    emu.fill(order.order_id);
    await stranger.call('public/test');
    expect(stranger.notifications).toEqual([]);
  });
});

describe('order methods', () => {
  it('a market order fills at once at the mark price; get_positions reports the position', async () => {
    const emu = await fx.start();
    const client = await trader();
    const market = ok<Placed>(
      await client.call('private/sell', { instrument_name: BTC, amount: 20, type: 'market' }),
    );
    expect(market.order).toMatchObject({
      order_state: 'filled',
      filled_amount: 20,
      average_price: DEFAULT_MARK_PRICE,
    });
    expect(market.trades).toEqual([
      expect.objectContaining({ price: DEFAULT_MARK_PRICE, amount: 20, liquidity: 'T' }),
    ]);
    emu.setMarkPrice('ETH-PERPETUAL', 2000);
    ok(await client.call('private/buy', { instrument_name: 'ETH-PERPETUAL', amount: 3, type: 'market' }));
    const btc = ok<Array<Record<string, unknown>>>(
      await client.call('private/get_positions', { currency: 'BTC' }),
    );
    expect(btc).toEqual([expect.objectContaining({ instrument_name: BTC, size: -20, direction: 'sell' })]);
    const all = ok<Array<Record<string, unknown>>>(
      await client.call('private/get_positions', { currency: 'any', kind: 'future' }),
    );
    expect(all.map((p) => [p['instrument_name'], p['average_price']])).toEqual([
      [BTC, DEFAULT_MARK_PRICE],
      ['ETH-PERPETUAL', 2000],
    ]);
    expect(ok(await client.call('private/get_positions', { currency: 'BTC', kind: 'option' }))).toEqual([]);
  });

  it('edit changes amount and price (replaced), publishes, and refuses closed or unknown orders', async () => {
    await fx.start();
    const client = await trader();
    await client.call('private/subscribe', { channels: [`user.orders.${BTC}.raw`] });
    const { order } = ok<Placed>(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 100 }),
    );
    const edited = ok<Placed>(
      await client.call('private/edit', { order_id: order.order_id, amount: 30, price: 99 }),
    );
    expect(edited.order).toMatchObject({ amount: 30, price: 99, replaced: true, order_state: 'open' });
    const note = await client.nextNotification((n) => (n.params.data as Order).replaced === true);
    expect(note.params.data).toEqual(edited.order);
    ok(await client.call('private/cancel', { order_id: order.order_id }));
    fails(
      await client.call('private/edit', { order_id: order.order_id, amount: 1, price: 1 }),
      ErrorCode.notOpenOrder,
    );
    const unknown = fails(
      await client.call('private/edit', { order_id: 'nope', amount: 1, price: 1 }),
      10004,
    );
    expect(unknown.message).toBe('order_not_found');
    fails(await client.call('private/cancel', { order_id: 'nope' }), 10004);
  });

  it('get_order_state, get_open_orders_by_instrument, get_order_state_by_label and labels', async () => {
    await fx.start();
    const client = await trader();
    const buy = (instrument: string, label: string): Promise<Placed> =>
      client
        .call('private/buy', { instrument_name: instrument, amount: 10, price: 1, label })
        .then((e) => ok<Placed>(e));
    const a = await buy(BTC, 'grid-1');
    const b = await buy('BTC-25JUN27', 'grid-1');
    const c = await buy('ETH-PERPETUAL', 'grid-1');
    ok(await client.call('private/cancel', { order_id: a.order.order_id }));
    expect(
      ok<Order>(await client.call('private/get_order_state', { order_id: a.order.order_id })),
    ).toMatchObject({
      order_state: 'cancelled',
      cancel_reason: 'user_request',
      label: 'grid-1',
    });
    const byInstrument = ok<Order[]>(
      await client.call('private/get_open_orders_by_instrument', { instrument_name: 'BTC-25JUN27' }),
    );
    expect(byInstrument.map((o) => o.order_id)).toEqual([b.order.order_id]);
    const byLabel = ok<Order[]>(
      await client.call('private/get_order_state_by_label', { currency: 'BTC', label: 'grid-1' }),
    );
    expect(byLabel.map((o) => o.order_id)).toEqual([a.order.order_id, b.order.order_id]);
    expect(byLabel.map((o) => o.order_id)).not.toContain(c.order.order_id);
    const long = fails(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 1, label: 'x'.repeat(65) }),
      -32602,
    );
    expect(long.data).toMatchObject({ param: 'label' });
    fails(await client.call('private/get_order_state', { order_id: 'EMU-999' }), 10004);
  });

  it('an immediate_or_cancel limit order finds nothing to match and is cancelled at once', async () => {
    await fx.start();
    const client = await trader();
    const ioc = ok<Placed>(
      await client.call('private/buy', {
        instrument_name: BTC,
        amount: 10,
        price: 1,
        time_in_force: 'immediate_or_cancel',
      }),
    );
    expect(ioc).toMatchObject({ order: { order_state: 'cancelled', filled_amount: 0 }, trades: [] });
    fails(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, type: 'stop_limit', price: 1 }),
      -32602,
    );
  });

  it('order queries need trade:read and placing needs trade:read_write', async () => {
    await fx.start();
    const client = await fx.client();
    await login(client, credentials({ scope: 'trade:read' }));
    ok(await client.call('private/get_positions', { currency: 'BTC' }));
    ok(await client.call('private/get_open_orders_by_instrument', { instrument_name: BTC }));
    fails(await client.call('private/edit', { order_id: 'x', amount: 1, price: 1 }), ErrorCode.forbidden);
  });

  it('cancel-on-disconnect cancellations go out on the kind.currency channels too', async () => {
    await fx.start();
    const watcher = await trader();
    await watcher.call('private/subscribe', {
      channels: ['user.orders.any.any.raw', 'user.changes.future.BTC.100ms'],
    });
    const client = await trader();
    ok(await client.call('private/enable_cancel_on_disconnect', { scope: 'account' }));
    const { order } = ok<Placed>(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 1 }),
    );
    await client.close();
    const cancelled = await watcher.nextNotification(
      (n) =>
        n.params.channel === 'user.orders.any.any.raw' &&
        (n.params.data as Order).order_state === 'cancelled',
    );
    expect(cancelled.params.data).toMatchObject({
      order_id: order.order_id,
      cancel_reason: 'cancel_on_disconnect',
    });
    await watcher.nextNotification(
      (n) =>
        n.params.channel === 'user.changes.future.BTC.100ms' &&
        (n.params.data as { orders: Order[] }).orders[0]?.order_state === 'cancelled',
    );
  });
});
