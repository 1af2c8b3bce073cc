/**
 * A real third-party client against the emulator: ccxt's pro (WebSocket) `deribit` class.
 *
 * How it is pointed at the emulator: `urls.api.ws` is set to the emulator's `ws://` URL. In Node, ccxt
 * refuses a plain `ws://` URL until `await exchange.loadHttpProxyAgent()` has loaded an HTTP agent for it
 * (ccxt's own message says so), so the test calls that first. ccxt loads markets over Deribit's REST API (`public/get_currencies`,
 * `public/get_instruments` over HTTPS), which the emulator does not serve and the test machine cannot
 * reach, so the test preloads the one market it trades with `setMarkets` (ccxt's own way to skip
 * `loadMarkets`). Everything else is ccxt's code as shipped: its `client_signature` auth, and
 * `watchOrders`, which subscribes to `user.orders.any.any.raw` (read from ccxt's `pro/deribit.js`).
 */
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { login, ok, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
let exchange: InstanceType<typeof ccxt.pro.deribit> | undefined;

afterEach(async () => {
  await exchange?.close();
  exchange = undefined;
});

/** BTC-PERPETUAL as ccxt's `fetchMarkets` would build it from `public/get_instruments`. */
const BTC_PERPETUAL = {
  id: 'BTC-PERPETUAL',
  symbol: 'BTC/USD:BTC',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  baseId: 'BTC',
  quoteId: 'USD',
  settleId: 'BTC',
  type: 'swap',
  spot: false,
  margin: false,
  swap: true,
  future: false,
  option: false,
  active: true,
  contract: true,
  linear: false,
  inverse: true,
  contractSize: 10,
  precision: { amount: 10, price: 0.5 },
  limits: { amount: { min: 10 }, price: {}, cost: {}, leverage: {} },
  info: { instrument_name: 'BTC-PERPETUAL', kind: 'future', settlement_period: 'perpetual' },
};

describe('ccxt.pro deribit against the emulator', () => {
  it('authenticates with client_signature and sees emulator orders on watchOrders', async () => {
    const emu = await fx.start();
    const auths: Array<{ grantType: string; scope: string }> = [];
    emu.on('auth', (event) => auths.push(event));
    const subscribed = new Promise<Readonly<Record<string, unknown>>>((resolve) => {
      emu.on('request', (event) => {
        if (event.method === 'private/subscribe') resolve(event.params);
      });
    });

    exchange = new ccxt.pro.deribit({
      apiKey: DEFAULT_ACCOUNT.clientId,
      secret: DEFAULT_ACCOUNT.clientSecret,
    });
    exchange.urls['api'] = { ...exchange.urls['api'], ws: emu.url };
    exchange.setMarkets([BTC_PERPETUAL]);
    await exchange.loadHttpProxyAgent();
    const watched = exchange.watchOrders();

    // ccxt's default channel for watchOrders.
    expect(await subscribed).toEqual({ channels: ['user.orders.any.any.raw'] });
    expect(auths).toEqual([expect.objectContaining({ grantType: 'client_signature' })]);

    // Another socket of the same account places an order: the emulator publishes it to ccxt's socket.
    const trader = await fx.client();
    await login(trader);
    const placed = ok<{ order: { order_id: string } }>(
      await trader.call('private/buy', {
        instrument_name: 'BTC-PERPETUAL',
        amount: 10,
        price: 42_000,
        label: 'ccxt',
      }),
    );
    const orders = await watched;
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      id: placed.order.order_id,
      symbol: 'BTC/USD:BTC',
      side: 'buy',
      type: 'limit',
      price: 42_000,
      amount: 10,
      filled: 0,
      status: 'open',
      info: expect.objectContaining({ label: 'ccxt', order_state: 'open' }),
    });

    // A fill is an order event too: ccxt sees the order filled.
    const next = exchange.watchOrders();
    emu.fill(placed.order.order_id);
    const [filled] = await next;
    expect(filled).toMatchObject({
      id: placed.order.order_id,
      status: 'closed',
      filled: 10,
      average: 42_000,
    });
  });
});
