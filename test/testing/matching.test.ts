import { afterEach, describe, expect, it } from 'vitest';
import type { UserTrade } from '../../src/index.js';
import { BATCH_INTERVAL_MS } from '../../src/testing/batcher.js';
import { COUNTERPARTY_ID, DEFAULT_ACCOUNT, type DeribitEmulator } from '../../src/testing/index.js';
import { credentials, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import { Harness } from '../helpers/harness.js';
import type { Notification, RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const BTC = 'BTC-PERPETUAL';

interface Trade {
  readonly trade_id: string;
  readonly trade_seq: number;
  readonly order_id: string;
  readonly amount: number;
  readonly price: number;
  readonly liquidity?: string;
  readonly self_trade?: boolean;
  readonly user_id?: number;
  readonly direction: string;
}

/** Three asks at 50,000, 50,000.5 and 50,001 (10, 20 and 30 USD), from the emulator's counterparty. */
function threeAsks(emu: DeribitEmulator): Array<Record<string, unknown>> {
  return [
    [50_000, 10],
    [50_000.5, 20],
    [50_001, 30],
  ].map(([price, amount]) =>
    emu.addLiquidity({
      instrument_name: BTC,
      direction: 'sell',
      price: price as number,
      amount: amount as number,
    }),
  );
}

async function trader(): Promise<RawClient> {
  const client = await fx.client();
  await login(client);
  return client;
}

describe('one match, several resting orders', () => {
  it('a buy sweeping three asks makes three trades, best price first, all in one user.trades and one trades array', async () => {
    const emu = await fx.start();
    const asks = threeAsks(emu);
    const client = await trader();
    const channels = [`user.trades.${BTC}.raw`, `trades.${BTC}.raw`, `user.orders.${BTC}.raw`];
    await client.call('private/subscribe', { channels });
    const placed = ok<{ order: Record<string, unknown>; trades: Trade[] }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 50, price: 50_001 }),
    );
    expect(placed.order).toMatchObject({ order_state: 'filled', filled_amount: 50 });
    expect(placed.trades.map((t) => [t.price, t.amount, t.liquidity])).toEqual([
      [50_000, 10, 'T'],
      [50_000.5, 20, 'T'],
      [50_001, 20, 'T'],
    ]);
    const mine = await client.nextNotification((n) => n.params.channel === `user.trades.${BTC}.raw`);
    expect(mine.params.data).toEqual(placed.trades);
    const market = await client.nextNotification((n) => n.params.channel === `trades.${BTC}.raw`);
    const publicTrades = market.params.data as Trade[];
    expect(publicTrades).toHaveLength(3);
    expect(publicTrades.map((t) => t.trade_id)).toEqual(placed.trades.map((t) => t.trade_id));
    expect(publicTrades.map((t) => t.trade_seq)).toEqual([1, 2, 3]);
    expect(publicTrades.every((t) => t.direction === 'buy')).toBe(true);
    // The third ask keeps 10 in the book.
    const book = ok<{ asks: Array<[number, number]> }>(
      await client.call('public/get_order_book', { instrument_name: BTC }),
    );
    expect(book.asks).toEqual([[50_001, 10]]);
    expect(emu.openOrders(COUNTERPARTY_ID).map((o) => o['order_id'])).toEqual([asks[2]?.['order_id']]);
  });

  it('a limit buy takes only what crosses and rests the rest; a sell on the other account fills it', async () => {
    const emu = await fx.start({
      accounts: [DEFAULT_ACCOUNT, { clientId: 'other', clientSecret: 's', id: 7 }],
    });
    threeAsks(emu);
    const client = await trader();
    const placed = ok<{ order: Record<string, unknown>; trades: Trade[] }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 50, price: 50_000.5 }),
    );
    expect(placed.order).toMatchObject({ order_state: 'open', filled_amount: 30, price: 50_000.5 });
    const other = await fx.client();
    await login(other, { grant_type: 'client_credentials', client_id: 'other', client_secret: 's' });
    const sold = ok<{ trades: Trade[] }>(
      await other.call('private/sell', { instrument_name: BTC, amount: 20, price: 49_000 }),
    );
    expect(sold.trades).toEqual([
      expect.objectContaining({ price: 50_000.5, amount: 20, user_id: 7, self_trade: false }),
    ]);
    const state = ok<Record<string, unknown>>(
      await client.call('private/get_order_state', { order_id: placed.order['order_id'] }),
    );
    expect(state).toMatchObject({ order_state: 'filled', filled_amount: 50 });
  });

  it('two subaccounts of one account trade with self_trade: true; a subject never matches its own orders', async () => {
    await fx.start();
    const main = await fx.client();
    const tokens = await login(main, credentials({ scope: 'session:m' }));
    const [subA, subB] = DEFAULT_ACCOUNT.subaccounts;
    const onSub = async (subjectId: number): Promise<RawClient> => {
      const exchanged = ok<{ refresh_token: string }>(
        await main.call('public/exchange_token', {
          refresh_token: tokens.refresh_token,
          subject_id: subjectId,
          scope: `session:s${subjectId}`,
        }),
      );
      const client = await fx.client();
      await login(client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
      return client;
    };
    const a = await onSub(subA);
    const b = await onSub(subB);
    ok(await a.call('private/sell', { instrument_name: BTC, amount: 10, price: 50_000 }));
    const own = ok<{ trades: Trade[] }>(
      await a.call('private/buy', { instrument_name: BTC, amount: 10, price: 50_000 }),
    );
    expect(own.trades).toEqual([]);
    const cross = ok<{ trades: Trade[] }>(
      await b.call('private/buy', { instrument_name: BTC, amount: 10, price: 50_000 }),
    );
    expect(cross.trades).toEqual([expect.objectContaining({ self_trade: true, user_id: subB })]);
  });

  it('immediate_or_cancel keeps what filled; fill_or_kill that cannot fill all fills nothing', async () => {
    const emu = await fx.start();
    threeAsks(emu);
    const client = await trader();
    const fok = ok<{ order: Record<string, unknown>; trades: Trade[] }>(
      await client.call('private/buy', {
        instrument_name: BTC,
        amount: 100,
        price: 50_001,
        time_in_force: 'fill_or_kill',
      }),
    );
    expect(fok).toMatchObject({ order: { order_state: 'cancelled', filled_amount: 0 }, trades: [] });
    const ioc = ok<{ order: Record<string, unknown>; trades: Trade[] }>(
      await client.call('private/buy', {
        instrument_name: BTC,
        amount: 100,
        price: 50_000.5,
        time_in_force: 'immediate_or_cancel',
      }),
    );
    expect(ioc.order).toMatchObject({ order_state: 'cancelled', filled_amount: 30 });
    expect(ioc.trades).toHaveLength(2);
  });
});

describe('100ms channels aggregate the interval', () => {
  it('changes within one interval arrive as one notification per channel, each order in its newest state', async () => {
    const emu = await fx.start();
    const client = await trader();
    const channels = [`user.orders.${BTC}.100ms`, `user.trades.${BTC}.100ms`, `trades.${BTC}.100ms`];
    await client.call('private/subscribe', { channels });
    const started = performance.now();
    const { order } = ok<{ order: { order_id: string } }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 30, price: 50_000 }),
    );
    emu.fill(order.order_id, { amount: 10 });
    emu.fill(order.order_id, { amount: 20 });
    const orders = await client.nextNotification((n) => n.params.channel === `user.orders.${BTC}.100ms`);
    // A real timer: nothing before the interval is over.
    expect(performance.now() - started).toBeGreaterThanOrEqual(BATCH_INTERVAL_MS - 5);
    expect(orders.params.data).toEqual([
      expect.objectContaining({ order_id: order.order_id, order_state: 'filled' }),
    ]);
    const trades = await client.nextNotification((n) => n.params.channel === `user.trades.${BTC}.100ms`);
    expect((trades.params.data as Trade[]).map((t) => t.amount)).toEqual([10, 20]);
    const market = await client.nextNotification((n) => n.params.channel === `trades.${BTC}.100ms`);
    expect((market.params.data as Trade[]).map((t) => t.amount)).toEqual([10, 20]);
    ok(await client.call('public/test'));
    expect(client.notifications.filter((n: Notification) => n.params.channel?.endsWith('.100ms'))).toEqual(
      [],
    );
  });

  it('closing the emulator clears pending batch timers', async () => {
    const emu = await fx.start();
    const client = await trader();
    await client.call('private/subscribe', { channels: [`user.orders.${BTC}.100ms`] });
    ok(await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 1 }));
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const pending = timers();
    expect(pending).toBeGreaterThan(0);
    await emu.close();
    expect(timers()).toBeLessThan(pending);
  });
});

describe('a handler that reads only data[0]', () => {
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('misses fills: one notification carries every trade of the match', async () => {
    const emu = await h.start();
    threeAsks(emu);
    const session = h.session();
    await session.connect();
    let firstOnly = 0;
    let all = 0;
    let resolveDelivered: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      resolveDelivered = resolve;
    });
    await session.subscribe(`user.trades.${BTC}.raw`, (trades: readonly UserTrade[]) => {
      firstOnly += trades[0]?.amount ?? 0;
      for (const trade of trades) all += trade.amount;
      resolveDelivered();
    });
    await session.call('private/buy', { instrument_name: BTC, amount: 60, type: 'market' });
    await delivered;
    expect(all).toBe(60);
    expect(firstOnly).toBe(10);
  });
});
