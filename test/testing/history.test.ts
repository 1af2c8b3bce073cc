import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const BTC = 'BTC-PERPETUAL';

interface Trade {
  readonly trade_id: string;
  readonly trade_seq: number;
  readonly order_id: string;
  readonly instrument_name: string;
  readonly amount: number;
  readonly timestamp: number;
}
interface TradesPage {
  readonly trades: Trade[];
  readonly has_more: boolean;
}
interface Order {
  readonly order_id: string;
  readonly order_state: string;
  readonly filled_amount: number;
  readonly label: string;
}

async function trader(): Promise<RawClient> {
  const client = await fx.client();
  await login(client);
  return client;
}

/** Five market buys of 10 on BTC-PERPETUAL and one of 1 on ETH-PERPETUAL. */
async function someTrades(client: RawClient): Promise<void> {
  for (let i = 0; i < 5; i++)
    ok(await client.call('private/buy', { instrument_name: BTC, amount: 10, type: 'market' }));
  ok(await client.call('private/buy', { instrument_name: 'ETH-PERPETUAL', amount: 1, type: 'market' }));
}

describe('private/get_user_trades_by_currency and _by_instrument', () => {
  it('{trades, has_more}; count, sorting, start_id/end_id and the currency filter', async () => {
    await fx.start();
    const client = await trader();
    await someTrades(client);
    const page = ok<TradesPage>(
      await client.call('private/get_user_trades_by_currency', { currency: 'BTC', count: 3, sorting: 'asc' }),
    );
    expect(page.has_more).toBe(true);
    expect(page.trades.map((t) => t.trade_id)).toEqual(['1', '2', '3']);
    const rest = ok<TradesPage>(
      await client.call('private/get_user_trades_by_currency', {
        currency: 'BTC',
        start_id: '4',
        count: 10,
        sorting: 'asc',
      }),
    );
    expect(rest).toEqual({
      trades: [expect.objectContaining({ trade_id: '4' }), expect.objectContaining({ trade_id: '5' })],
      has_more: false,
    });
    // Newest first unless asked otherwise; ETH trades are not BTC's.
    const all = ok<TradesPage>(await client.call('private/get_user_trades_by_currency', { currency: 'BTC' }));
    expect(all.trades.map((t) => t.trade_id)).toEqual(['5', '4', '3', '2', '1']);
    const ranged = ok<TradesPage>(
      await client.call('private/get_user_trades_by_currency', {
        currency: 'BTC',
        end_id: '2',
        sorting: 'desc',
      }),
    );
    expect(ranged.trades.map((t) => t.trade_id)).toEqual(['2', '1']);
    const eth = ok<TradesPage>(await client.call('private/get_user_trades_by_currency', { currency: 'ETH' }));
    expect(eth.trades.map((t) => t.instrument_name)).toEqual(['ETH-PERPETUAL']);
    fails(await client.call('private/get_user_trades_by_currency', { currency: 'BTC', count: 1001 }), -32602);
    expect(fails(await client.call('private/get_user_trades_by_currency', {}), -32602).data).toEqual({
      reason: 'value required',
      param: 'currency',
    });
  });

  it('by instrument: start_seq/end_seq on the instrument trade sequence, and time ranges', async () => {
    await fx.start();
    const client = await trader();
    await someTrades(client);
    const bySeq = ok<TradesPage>(
      await client.call('private/get_user_trades_by_instrument', {
        instrument_name: BTC,
        start_seq: 2,
        end_seq: 4,
        sorting: 'asc',
      }),
    );
    expect(bySeq.trades.map((t) => t.trade_seq)).toEqual([2, 3, 4]);
    const [first] = bySeq.trades;
    const byTime = ok<TradesPage>(
      await client.call('private/get_user_trades_by_instrument', {
        instrument_name: BTC,
        start_timestamp: (first?.timestamp ?? 0) + 1e9,
      }),
    );
    expect(byTime).toEqual({ trades: [], has_more: false });
    fails(
      await client.call('private/get_user_trades_by_instrument', { instrument_name: 'NOPE-PERPETUAL' }),
      10020,
    );
  });

  it('a fill while the owner has no socket lands in its trades and order history', async () => {
    const emu = await fx.start();
    const client = await trader();
    const { order } = ok<{ order: Order }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 20, price: 49_000, label: 'gap' }),
    );
    await client.close();
    emu.fill(order.order_id, { amount: 20 });
    const again = await trader();
    const trades = ok<TradesPage>(
      await again.call('private/get_user_trades_by_instrument', { instrument_name: BTC }),
    );
    expect(trades.trades).toEqual([expect.objectContaining({ order_id: order.order_id, amount: 20 })]);
    const history = ok<Order[]>(
      await again.call('private/get_order_history_by_instrument', { instrument_name: BTC }),
    );
    expect(history).toEqual([expect.objectContaining({ order_id: order.order_id, order_state: 'filled' })]);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toEqual([]);
  });
});

describe('private/get_order_history_by_currency and _by_instrument', () => {
  it('closed orders, newest first; unfilled cancels only with include_unfilled; count, offset, continuation', async () => {
    await fx.start();
    const client = await trader();
    await someTrades(client);
    const { order: resting } = ok<{ order: Order }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 1 }),
    );
    const { order: cancelled } = ok<{ order: Order }>(
      await client.call('private/buy', { instrument_name: BTC, amount: 10, price: 2 }),
    );
    ok(await client.call('private/cancel', { order_id: cancelled.order_id }));
    const history = ok<Order[]>(
      await client.call('private/get_order_history_by_currency', { currency: 'BTC' }),
    );
    expect(history).toHaveLength(5);
    expect(history.every((o) => o.order_state === 'filled')).toBe(true);
    expect(history.map((o) => o.order_id)).not.toContain(resting.order_id);
    const withUnfilled = ok<Order[]>(
      await client.call('private/get_order_history_by_currency', { currency: 'BTC', include_unfilled: true }),
    );
    expect(withUnfilled[0]).toMatchObject({ order_id: cancelled.order_id, order_state: 'cancelled' });
    const paged = ok<Order[]>(
      await client.call('private/get_order_history_by_currency', { currency: 'BTC', count: 2, offset: 1 }),
    );
    expect(paged.map((o) => o.order_id)).toEqual(history.slice(1, 3).map((o) => o.order_id));
    const first = ok<{ orders: Order[]; continuation: string | null }>(
      await client.call('private/get_order_history_by_instrument', {
        instrument_name: BTC,
        count: 3,
        with_continuation: true,
      }),
    );
    expect(first.orders).toHaveLength(3);
    const next = ok<{ orders: Order[]; continuation: string | null }>(
      await client.call('private/get_order_history_by_instrument', {
        instrument_name: BTC,
        count: 3,
        with_continuation: true,
        continuation: first.continuation,
      }),
    );
    expect(next).toMatchObject({ continuation: null });
    expect([...first.orders, ...next.orders].map((o) => o.order_id)).toEqual(history.map((o) => o.order_id));
  });

  it('private/get_order_state_by_label lists open and closed orders with the label, in that currency', async () => {
    await fx.start();
    const client = await trader();
    const place = (instrument_name: string, label: string) =>
      client.call('private/buy', {
        instrument_name,
        amount: instrument_name === BTC ? 10 : 1,
        price: 1,
        label,
      });
    const a = ok<{ order: Order }>(await place(BTC, 'q1')).order;
    const b = ok<{ order: Order }>(await place(BTC, 'q1')).order;
    ok(await place('ETH-PERPETUAL', 'q1'));
    ok(await place(BTC, 'q2'));
    ok(await client.call('private/cancel', { order_id: a.order_id }));
    const found = ok<Order[]>(
      await client.call('private/get_order_state_by_label', { currency: 'BTC', label: 'q1' }),
    );
    expect(found.map((o) => [o.order_id, o.order_state])).toEqual([
      [a.order_id, 'cancelled'],
      [b.order_id, 'open'],
    ]);
  });
});
