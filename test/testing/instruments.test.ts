import { describe, expect, it } from 'vitest';
import { type EmulatedInstrument, NEVER_EXPIRES } from '../../src/testing/index.js';
import { currenciesOf, kindOf, userChannels } from '../../src/testing/instruments/names.js';
import { fails, ok, useEmulator } from '../helpers/emulator-fixture.js';

describe('instrument names', () => {
  it.each([
    ['BTC-PERPETUAL', 'future', ['BTC']],
    ['BTC-27DEC24', 'future', ['BTC']],
    ['BTC_USDC-PERPETUAL', 'future', ['BTC', 'USDC']],
    ['ETH-27DEC24-4000-C', 'option', ['ETH']],
    ['BTC_USDC', 'spot', ['BTC', 'USDC']],
    ['BTC-FS-27DEC24_PERP', 'future_combo', ['BTC']],
    ['BTC-CS-27DEC24-60000_70000', 'option_combo', ['BTC']],
  ])('%s is a %s listed under %j', (name, kind, currencies) => {
    expect(kindOf(name)).toBe(kind);
    expect(currenciesOf(name)).toEqual(currencies);
  });

  it('userChannels lists the instrument channel and every kind/currency combination with any', () => {
    expect(userChannels('orders', 'BTC_USDC', 'raw')).toEqual([
      'user.orders.BTC_USDC.raw',
      'user.orders.spot.BTC.raw',
      'user.orders.spot.USDC.raw',
      'user.orders.spot.any.raw',
      'user.orders.any.BTC.raw',
      'user.orders.any.USDC.raw',
      'user.orders.any.any.raw',
    ]);
  });
});

describe('the instrument registry over the API', () => {
  const fx = useEmulator();

  it('public/get_instruments lists by currency and kind with Deribit metadata; linear pairs under both currencies', async () => {
    await fx.start();
    const client = await fx.client();
    const btcFutures = ok<Array<Record<string, unknown>>>(
      await client.call('public/get_instruments', { currency: 'BTC', kind: 'future' }),
    );
    expect(btcFutures.map((i) => i['instrument_name'])).toEqual([
      'BTC-PERPETUAL',
      'BTC-25JUN27',
      'BTC_USDC-PERPETUAL',
    ]);
    expect(btcFutures[0]).toMatchObject({
      instrument_id: 124_972,
      kind: 'future',
      instrument_type: 'reversed',
      contract_size: 10,
      tick_size: 0.5,
      tick_size_steps: [],
      min_trade_amount: 10,
      settlement_currency: 'BTC',
      settlement_period: 'perpetual',
      quote_currency: 'USD',
      base_currency: 'BTC',
      price_index: 'btc_usd',
      is_active: true,
      expiration_timestamp: NEVER_EXPIRES,
    });
    const options = ok<Array<Record<string, unknown>>>(
      await client.call('public/get_instruments', { currency: 'BTC', kind: 'option' }),
    );
    expect(options.map((i) => [i['option_type'], i['strike']])).toEqual([
      ['call', 100_000],
      ['put', 100_000],
      ['call', 120_000],
    ]);
    expect(options[0]).toMatchObject({
      tick_size: 0.0001,
      tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
    });
    const usdc = ok<Array<Record<string, unknown>>>(
      await client.call('public/get_instruments', { currency: 'USDC' }),
    );
    expect(usdc.map((i) => [i['instrument_name'], i['kind']])).toEqual([
      ['BTC_USDC-PERPETUAL', 'future'],
      ['BTC_USDC', 'spot'],
    ]);
    expect(ok(await client.call('public/get_instruments', { currency: 'BTC', expired: true }))).toEqual([]);
    fails(await client.call('public/get_instruments', { currency: 'XYZ' }), -32602);
    expect(fails(await client.call('public/get_instruments', {}), -32602).data).toEqual({
      reason: 'value required',
      param: 'currency',
    });
  });

  it('public/get_instrument: one instrument; unknown → 10020, malformed → -32602 wrong format', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    expect(
      ok(await client.call('public/get_instrument', { instrument_name: 'BTC_USDC-PERPETUAL' })),
    ).toMatchObject({
      instrument_id: 211_704,
      instrument_type: 'linear',
      contract_size: 0.001,
      tick_size: 1,
      settlement_currency: 'USDC',
    });
    fails(await client.call('public/get_instrument', { instrument_name: 'NOPE-PERPETUAL' }), 10020);
    expect(
      fails(await client.call('public/get_instrument', { instrument_name: 'btc-perpetual' }), -32602).data,
    ).toEqual({
      reason: 'wrong format',
      param: 'instrument_name',
    });
    // Added instruments are listed; inactive ones only with expired: true.
    const perpetual = emu.instrument('BTC-PERPETUAL') as EmulatedInstrument;
    emu.addInstrument({ ...perpetual, instrument_name: 'BTC-27DEC24', is_active: false });
    expect(ok(await client.call('public/get_instrument', { instrument_name: 'BTC-27DEC24' }))).toMatchObject({
      is_active: false,
    });
    const expired = ok<Array<Record<string, unknown>>>(
      await client.call('public/get_instruments', { currency: 'BTC', expired: true }),
    );
    expect(expired.map((i) => i['instrument_name'])).toEqual(['BTC-27DEC24']);
    expect(() => emu.addInstrument({ ...perpetual, instrument_name: 'bad name' })).toThrow(
      'not a Deribit instrument name',
    );
  });
});
