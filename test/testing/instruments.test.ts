import { describe, expect, it } from 'vitest';
import { currenciesOf, kindOf, userChannels } from '../../src/testing/instruments/names.js';

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
