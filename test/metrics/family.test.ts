/** Channel families (metric labels of bounded cardinality) and Deribit timestamps drawn from notifications. */
import { describe, expect, it } from 'vitest';
import { channelFamily, notificationTimestamp } from '../../src/metrics/family.js';

describe('channelFamily', () => {
  it.each([
    ['ticker.BTC-PERPETUAL.100ms', 'ticker'],
    ['book.BTC-PERPETUAL.none.10.100ms', 'book'],
    ['trades.future.BTC.raw', 'trades'],
    ['user.orders.BTC-PERPETUAL.raw', 'user.orders'],
    ['user.trades.future.BTC.100ms', 'user.trades'],
    ['user.portfolio.btc', 'user.portfolio'],
    ['user.changes.BTC-PERPETUAL.raw', 'user.changes'],
    ['user.lock', 'user.lock'],
    ['chart.trades.BTC-PERPETUAL.1', 'chart.trades'],
    ['instrument.state.future.BTC', 'instrument.state'],
    ['markprice.options.btc_usd', 'markprice.options'],
    ['deribit_price_index.btc_usd', 'deribit_price_index'],
    ['platform_state', 'platform_state'],
    ['platform_state.public_methods_state', 'platform_state'],
    ['announcements', 'announcements'],
    ['', ''],
  ])('%s → %s', (channel, family) => {
    expect(channelFamily(channel)).toBe(family);
  });

  it('never lets an instrument name into the family', () => {
    const families = ['BTC-PERPETUAL', 'ETH-27DEC24-4000-C'].flatMap((instrument) => [
      channelFamily(`ticker.${instrument}.raw`),
      channelFamily(`user.orders.${instrument}.raw`),
    ]);
    expect(new Set(families)).toEqual(new Set(['ticker', 'user.orders']));
  });
});

describe('notificationTimestamp', () => {
  it.each([
    ['an object with a timestamp', { timestamp: 5 }, 5],
    ['a batch: the newest of first and last', [{ timestamp: 3 }, { timestamp: 4 }, { timestamp: 9 }], 9],
    ['a batch in descending order', [{ timestamp: 9 }, { timestamp: 3 }], 9],
    ['a batch whose last item has none', [{ timestamp: 2 }, {}], 2],
    ['an empty batch', [], undefined],
    ['no timestamp', { equity: 1 }, undefined],
    ['a non-numeric timestamp', { timestamp: '5' }, undefined],
    ['a non-finite timestamp', { timestamp: Number.NaN }, undefined],
    ['null', null, undefined],
    ['a number', 42, undefined],
  ])('%s', (_name, data, expected) => {
    expect(notificationTimestamp(data)).toBe(expected);
  });
});
