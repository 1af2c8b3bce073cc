import { describe, expect, it } from 'vitest';
import { fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
const BTC = 'BTC-PERPETUAL';

describe('market data built from the emulator’s book and prices', () => {
  it('public/ticker: null stats before the first trade, best bid/ask from the book, perpetual fields', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const fresh = ok<Record<string, unknown>>(await client.call('public/ticker', { instrument_name: BTC }));
    expect(fresh).toMatchObject({
      instrument_name: BTC,
      state: 'open',
      stats: { volume: null, high: null, low: null, volume_notional: null, price_change: null },
      best_bid_price: null,
      best_ask_price: null,
      last_price: null,
      mark_price: 50_000,
      index_price: 50_000,
      current_funding: 0,
      funding_8h: 0,
    });
    emu.addLiquidity({ instrument_name: BTC, direction: 'sell', price: 50_010, amount: 100 });
    emu.addLiquidity({ instrument_name: BTC, direction: 'buy', price: 49_990, amount: 30 });
    await login(client);
    ok(await client.call('private/buy', { instrument_name: BTC, amount: 20, type: 'market' }));
    const traded = ok<Record<string, unknown>>(await client.call('public/ticker', { instrument_name: BTC }));
    expect(traded).toMatchObject({
      best_bid_price: 49_990,
      best_bid_amount: 30,
      best_ask_price: 50_010,
      best_ask_amount: 80,
      last_price: 50_010,
      stats: { volume: 20, high: 50_010, low: 50_010 },
    });
    fails(await client.call('public/ticker', { instrument_name: 'NOPE-PERPETUAL' }), 10020);
  });

  it('an inactive option reports state "closed" and estimated_delivery_price "expired"', async () => {
    const emu = await fx.start();
    const option = emu.instrument('BTC-25JUN27-100000-C');
    if (!option) throw new Error('no option');
    emu.addInstrument({ ...option, instrument_name: 'BTC-27DEC24-100000-C', is_active: false });
    const client = await fx.client();
    expect(ok(await client.call('public/ticker', { instrument_name: 'BTC-27DEC24-100000-C' }))).toMatchObject(
      {
        state: 'closed',
        estimated_delivery_price: 'expired',
        greeks: expect.any(Object),
      },
    );
  });

  it('public/get_order_book levels by price; get_index_price; get_book_summary_by_currency', async () => {
    const emu = await fx.start();
    for (const [price, amount] of [
      [50_010, 10],
      [50_010, 20],
      [50_020, 30],
    ]) {
      emu.addLiquidity({
        instrument_name: BTC,
        direction: 'sell',
        price: price as number,
        amount: amount as number,
      });
    }
    const client = await fx.client();
    const book = ok<Record<string, unknown>>(
      await client.call('public/get_order_book', { instrument_name: BTC, depth: 1 }),
    );
    expect(book).toMatchObject({ asks: [[50_010, 30]], bids: [], change_id: expect.any(Number) });
    emu.setIndexPrice('btc_usd', 60_000);
    expect(ok(await client.call('public/get_index_price', { index_name: 'btc_usd' }))).toEqual({
      index_price: 60_000,
      estimated_delivery_price: 60_000,
    });
    fails(await client.call('public/get_index_price', { index_name: 'xyz_usd' }), -32602);
    const summary = ok<Array<Record<string, unknown>>>(
      await client.call('public/get_book_summary_by_currency', { currency: 'BTC', kind: 'future' }),
    );
    expect(summary.map((row) => row['instrument_name'])).toEqual([
      'BTC-PERPETUAL',
      'BTC-25JUN27',
      'BTC_USDC-PERPETUAL',
    ]);
    expect(summary[0]).toMatchObject({
      ask_price: 50_010,
      bid_price: null,
      mid_price: null,
      mark_price: 60_000,
    });
  });
});

describe('errors as production sends them', () => {
  it('13004 and -32601 carry no data; a missing param is -32602 value required', async () => {
    await fx.start();
    const client = await fx.client();
    const wrong = await client.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    expect(wrong.error).toEqual({ code: 13004, message: 'invalid_credentials' });
    expect((await client.call('public/no_such_method')).error).toEqual({
      code: -32601,
      message: 'Method not found',
    });
    expect((await client.call('public/get_instrument', {})).error).toEqual({
      code: -32602,
      message: 'Invalid params',
      data: { reason: 'value required', param: 'instrument_name' },
    });
  });
});
