import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

async function trader(): Promise<RawClient> {
  await fx.start();
  const client = await fx.client();
  await login(client);
  return client;
}

const buy = (client: RawClient, params: Record<string, unknown>) =>
  client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 50_000, ...params });

describe('instruments of an order', () => {
  it('unknown → 10020; malformed → -32602 wrong format; missing → -32602 value required', async () => {
    const client = await trader();
    expect(fails(await buy(client, { instrument_name: 'NOPE-PERPETUAL' }), 10020)).toMatchObject({
      message: 'invalid_or_unsupported_instrument',
    });
    // Production, 2025: {"code":-32602,"data":{"reason":"wrong format","param":"instrument_name"}}
    expect(fails(await buy(client, { instrument_name: 'btc-perpetual' }), -32602).data).toEqual({
      reason: 'wrong format',
      param: 'instrument_name',
    });
    expect(fails(await buy(client, { instrument_name: undefined }), -32602).data).toEqual({
      reason: 'value required',
      param: 'instrument_name',
    });
  });

  it('an instrument that is not active (expired) → 10020', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    const perpetual = emu.instrument('BTC-PERPETUAL');
    if (!perpetual) throw new Error('no BTC-PERPETUAL');
    emu.addInstrument({ ...perpetual, instrument_name: 'BTC-27DEC24', is_active: false });
    fails(await buy(client, { instrument_name: 'BTC-27DEC24' }), ErrorCode.invalidOrUnsupportedInstrument);
  });
});

describe('amounts', () => {
  it('BTC-PERPETUAL: USD multiples of 10; 1 → 10002, 15 → 10027, 0 → 10021', async () => {
    const client = await trader();
    expect(fails(await buy(client, { amount: 1 }), 10002).message).toBe('qty_too_low');
    expect(fails(await buy(client, { amount: 15 }), 10027).message).toBe('non_integer_contract_amount');
    expect(fails(await buy(client, { amount: 0 }), 10021).message).toBe('invalid_amount');
    expect(fails(await buy(client, { amount: -10 }), 10021).message).toBe('invalid_amount');
    expect(ok<{ order: { contracts: number } }>(await buy(client, { amount: 30 })).order.contracts).toBe(3);
  });

  it('contracts may replace amount, and must agree with it', async () => {
    const client = await trader();
    const placed = ok<{ order: { amount: number; contracts: number } }>(
      await buy(client, { amount: undefined, contracts: 4 }),
    );
    expect(placed.order).toMatchObject({ amount: 40, contracts: 4 });
    expect(fails(await buy(client, { amount: 40, contracts: 3 }), -32602).data).toMatchObject({
      param: 'contracts',
    });
    expect(fails(await buy(client, { amount: undefined }), -32602).data).toEqual({
      reason: 'value required',
      param: 'amount',
    });
  });

  it('options, linear futures and spot trade in the coin, in multiples of min_trade_amount', async () => {
    const client = await trader();
    const option = 'BTC-25JUN27-100000-C';
    fails(await buy(client, { instrument_name: option, amount: 0.05, price: 0.05 }), ErrorCode.qtyTooLow);
    fails(await buy(client, { instrument_name: option, amount: 0.15, price: 0.05 }), ErrorCode.invalidAmount);
    ok(await buy(client, { instrument_name: option, amount: 0.3, price: 0.05 }));
    const linear = 'BTC_USDC-PERPETUAL';
    fails(await buy(client, { instrument_name: linear, amount: 0.0015, price: 50_000 }), 10027);
    ok(await buy(client, { instrument_name: linear, amount: 0.002, price: 50_000 }));
    fails(await buy(client, { instrument_name: 'BTC_USDC', amount: 0.00005, price: 50_000 }), 10002);
    ok(await buy(client, { instrument_name: 'BTC_USDC', amount: 0.0002, price: 50_000.01 }));
  });
});

describe('prices', () => {
  it('off the 0.5 tick → 10043; more decimals than the tick → 10026; a limit without price → -32602', async () => {
    const client = await trader();
    expect(fails(await buy(client, { price: 50_000.3 }), 10043).message).toBe('price_wrong_tick');
    expect(fails(await buy(client, { price: 50_000.25 }), 10026).message).toBe('price_precision_exceeded');
    expect(fails(await buy(client, { price: undefined }), -32602).data).toEqual({
      reason: 'value required',
      param: 'price',
    });
    ok(await buy(client, { price: 50_000.5 }));
  });

  it('options follow tick_size_steps: 0.0001 below 0.005, 0.0005 above', async () => {
    const client = await trader();
    const option = { instrument_name: 'BTC-25JUN27-100000-P', amount: 1 };
    ok(await buy(client, { ...option, price: 0.0043 }));
    fails(await buy(client, { ...option, price: 0.0052 }), ErrorCode.priceWrongTick);
    ok(await buy(client, { ...option, price: 0.0055 }));
    fails(await buy(client, { ...option, price: 0.00015 }), ErrorCode.pricePrecisionExceeded);
  });
});

describe('labels, funds, post-only and reduce-only', () => {
  it('a label of 65 characters → -32602 naming label; 64 pass', async () => {
    const client = await trader();
    expect(fails(await buy(client, { label: 'x'.repeat(65) }), -32602).data).toMatchObject({
      param: 'label',
    });
    ok(await buy(client, { label: 'x'.repeat(64) }));
  });

  it('a market buy of 1e12 USD → 10009 not_enough_funds; setBalance decides what fits', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    const huge = await client.call('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 1e12,
      type: 'market',
    });
    expect(fails(huge, 10009).message).toBe('not_enough_funds');
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toEqual([]);
    // 2% of 100,000 USD at 50,000 is 0.04 BTC.
    emu.setBalance(DEFAULT_ACCOUNT.id, 'BTC', 0.039);
    fails(await buy(client, { amount: 100_000 }), ErrorCode.notEnoughFunds);
    emu.setBalance(DEFAULT_ACCOUNT.id, 'BTC', 0.041);
    ok(await buy(client, { amount: 100_000 }));
    // The open order holds the margin: a second one no longer fits.
    fails(await buy(client, { amount: 100_000 }), ErrorCode.notEnoughFunds);
  });

  it('reduce-only that would open or grow a position → 11030 other_reject; one that reduces passes', async () => {
    const client = await trader();
    const opening = fails(await buy(client, { reduce_only: true }), ErrorCode.otherReject);
    expect(opening).toEqual({ code: 11030, message: 'other_reject', data: { reason: 'reduce_only' } });
    ok(await client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 20, type: 'market' }));
    fails(await buy(client, { reduce_only: true }), ErrorCode.otherReject);
    const sell = (amount: number) =>
      client.call('private/sell', {
        instrument_name: 'BTC-PERPETUAL',
        amount,
        price: 60_000,
        reduce_only: true,
      });
    fails(await sell(30), ErrorCode.otherReject);
    ok(await sell(20));
  });

  it('post-only that would cross: 11054 with reject_post_only, else repriced one tick inside', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    emu.addLiquidity({ instrument_name: 'BTC-PERPETUAL', direction: 'sell', price: 50_000, amount: 100 });
    const rejected = fails(
      await buy(client, { price: 50_010, post_only: true, reject_post_only: true }),
      ErrorCode.postOnlyReject,
    );
    expect(rejected.message).toBe('post_only_reject');
    const repriced = ok<{ order: Record<string, unknown>; trades: unknown[] }>(
      await buy(client, { price: 50_010, post_only: true }),
    );
    expect(repriced.order).toMatchObject({ price: 49_999.5, order_state: 'open', post_only: true });
    expect(repriced.trades).toEqual([]);
    // A post-only order that does not cross rests as asked.
    expect(
      ok<{ order: { price: number } }>(await buy(client, { price: 49_000, post_only: true })).order.price,
    ).toBe(49_000);
  });
});
