/**
 * Type-level tests of `session.call()` and `session.subscribe()`. Never run: `npm run typecheck` compiles
 * this file (tsconfig includes `test/`), so a wrong type fails `expectTypeOf`, and a line marked
 * `@ts-expect-error` that compiles fails the build.
 */
import { expectTypeOf } from 'vitest';
import type {
  AccountSummary,
  AuthResult,
  BookChange,
  BookSummary,
  DeribitSession,
  GroupedBook,
  IndexPrice,
  Instrument,
  Order,
  OrderBook,
  OrderState,
  PlaceOrderResult,
  Portfolio,
  Position,
  PublicTrade,
  Ticker,
  UserChanges,
  UserTrade,
  UserTradesResult,
} from '../../src/index.js';

export async function typedResults(session: DeribitSession): Promise<void> {
  expectTypeOf(await session.call('public/get_time')).toEqualTypeOf<number>();
  expectTypeOf(await session.call('public/test')).toEqualTypeOf<{ readonly version: string }>();
  const buy = await session.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 });
  expectTypeOf(buy).toEqualTypeOf<PlaceOrderResult>();
  expectTypeOf(buy.order.order_state).toEqualTypeOf<OrderState>();
  expectTypeOf(buy.order.price).toEqualTypeOf<number | 'market_price'>();
  expectTypeOf(buy.trades).toEqualTypeOf<readonly UserTrade[]>();
  expectTypeOf(
    await session.call('private/sell', { instrument_name: 'BTC-PERPETUAL', contracts: 1, type: 'market' }),
  ).toEqualTypeOf<PlaceOrderResult>();
  expectTypeOf(
    await session.call('private/edit', { order_id: 'a', amount: 20, price: 2, post_only: true }),
  ).toEqualTypeOf<PlaceOrderResult>();
  expectTypeOf(await session.call('private/cancel', { order_id: 'a' })).toEqualTypeOf<Order>();
  expectTypeOf(await session.call('private/cancel_all')).toEqualTypeOf<number>();
  expectTypeOf(
    await session.call('private/cancel_all_by_instrument', {
      instrument_name: 'BTC-PERPETUAL',
      type: 'limit',
    }),
  ).toEqualTypeOf<number>();
  expectTypeOf(
    await session.call('private/cancel_all_by_currency', { currency: 'BTC', kind: 'future', type: 'all' }),
  ).toEqualTypeOf<number>();
  expectTypeOf(await session.call('private/cancel_by_label', { label: 'mm-1' })).toEqualTypeOf<number>();
  expectTypeOf(await session.call('private/get_open_orders')).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(
    await session.call('private/get_open_orders_by_currency', { currency: 'ETH', type: 'trigger_all' }),
  ).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(
    await session.call('private/get_open_orders_by_instrument', { instrument_name: 'BTC-PERPETUAL' }),
  ).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(await session.call('private/get_order_state', { order_id: 'a' })).toEqualTypeOf<Order>();
  expectTypeOf(await session.call('private/get_positions', { currency: 'any' })).toEqualTypeOf<
    readonly Position[]
  >();
  const summary = await session.call('private/get_account_summary', { currency: 'BTC', extended: true });
  expectTypeOf(summary).toEqualTypeOf<AccountSummary>();
  expectTypeOf(summary.equity).toEqualTypeOf<number>();
  const channels = { channels: ['ticker.BTC-PERPETUAL.100ms'] };
  expectTypeOf(await session.call('public/subscribe', channels)).toEqualTypeOf<readonly string[]>();
  expectTypeOf(await session.call('private/subscribe', { ...channels, label: 'x' })).toEqualTypeOf<
    readonly string[]
  >();
  expectTypeOf(await session.call('public/unsubscribe', channels)).toEqualTypeOf<readonly string[]>();
  expectTypeOf(await session.call('private/unsubscribe', channels)).toEqualTypeOf<readonly string[]>();
}

export async function authFamily(session: DeribitSession): Promise<void> {
  const grants = [
    { grant_type: 'client_credentials', client_id: 'id', client_secret: 's' },
    { grant_type: 'client_signature', client_id: 'id', timestamp: 1, signature: 'ab', nonce: 'n', data: '' },
    { grant_type: 'refresh_token', refresh_token: 'r', scope: 'session:a' },
  ] as const;
  for (const grant of grants)
    expectTypeOf(await session.call('public/auth', grant)).toEqualTypeOf<AuthResult>();
  expectTypeOf(
    await session.call('public/fork_token', { refresh_token: 'r', session_name: 'b' }),
  ).toEqualTypeOf<AuthResult>();
  expectTypeOf(
    await session.call('public/exchange_token', { refresh_token: 'r', subject_id: 7 }),
  ).toEqualTypeOf<AuthResult>();
  // The server answers a logout by closing the socket: the call never resolves with a value.
  expectTypeOf(session.call('private/logout', { invalidate_token: false })).toEqualTypeOf<Promise<never>>();
}

export async function marketDataAndHistory(session: DeribitSession): Promise<void> {
  expectTypeOf(await session.call('public/get_instruments', { currency: 'BTC' })).toEqualTypeOf<
    readonly Instrument[]
  >();
  expectTypeOf(
    await session.call('public/get_instrument', { instrument_name: 'BTC-PERPETUAL' }),
  ).toEqualTypeOf<Instrument>();
  const ticker = await session.call('public/ticker', { instrument_name: 'BTC-PERPETUAL' });
  expectTypeOf(ticker.stats.volume).toEqualTypeOf<number | null>();
  expectTypeOf(ticker.estimated_delivery_price).toEqualTypeOf<number | 'expired'>();
  expectTypeOf(
    await session.call('public/get_order_book', { instrument_name: 'BTC-PERPETUAL', depth: 10 }),
  ).toEqualTypeOf<OrderBook>();
  expectTypeOf(
    await session.call('public/get_index_price', { index_name: 'btc_usd' }),
  ).toEqualTypeOf<IndexPrice>();
  expectTypeOf(await session.call('public/get_book_summary_by_currency', { currency: 'BTC' })).toEqualTypeOf<
    readonly BookSummary[]
  >();
  expectTypeOf(await session.call('public/hello', { client_name: 'a', client_version: '1' })).toEqualTypeOf<{
    readonly version: string;
  }>();
  const trades = await session.call('private/get_user_trades_by_instrument', {
    instrument_name: 'BTC-PERPETUAL',
    start_seq: 10,
    sorting: 'asc',
  });
  expectTypeOf(trades).toEqualTypeOf<UserTradesResult>();
  expectTypeOf(trades.trades[0]?.self_trade).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(
    await session.call('private/get_user_trades_by_currency', {
      currency: 'BTC',
      start_timestamp: 1,
      count: 1000,
    }),
  ).toEqualTypeOf<UserTradesResult>();
  expectTypeOf(
    await session.call('private/get_order_history_by_currency', { currency: 'BTC', include_unfilled: true }),
  ).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(
    await session.call('private/get_order_history_by_instrument', {
      instrument_name: 'BTC-PERPETUAL',
      offset: 20,
    }),
  ).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(
    await session.call('private/get_order_state_by_label', { currency: 'BTC', label: 'mm' }),
  ).toEqualTypeOf<readonly Order[]>();
  // @ts-expect-error start_seq is a number
  await session.call('private/get_user_trades_by_instrument', { instrument_name: 'X', start_seq: '1' });
}

export async function untypedMethodsStayOpen(session: DeribitSession, method: string): Promise<void> {
  expectTypeOf(await session.call('public/get_currencies')).toBeUnknown();
  expectTypeOf(
    await session.call('public/get_last_trades_by_instrument', { instrument_name: 'X' }),
  ).toBeUnknown();
  expectTypeOf(await session.call(method, { anything: [1, 2] })).toBeUnknown();
  // Widening a typed name is the escape hatch for params the map does not describe.
  expectTypeOf(await session.call('private/cancel_all' as string, { detailed: true })).toBeUnknown();
  // Private methods take an explicit token too; options stay the last argument.
  await session.call('private/get_positions', { access_token: 't' }, { timeout: 100 });
  await session.call('public/get_time', undefined, { signal: AbortSignal.timeout(100) });
}

export async function wrongParamsAreRejected(session: DeribitSession): Promise<void> {
  // @ts-expect-error instrument_name is required
  await session.call('private/buy', { amount: 10 });
  // @ts-expect-error buy needs params
  await session.call('private/buy');
  // @ts-expect-error amount is a number
  await session.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: '10' });
  // @ts-expect-error a misspelt field is not silently dropped
  await session.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, postOnly: true });
  // @ts-expect-error not an order type
  await session.call('private/sell', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limt' });
  // @ts-expect-error not a time in force
  await session.call('private/sell', { instrument_name: 'X', amount: 1, time_in_force: 'gtc' });
  // @ts-expect-error edit needs the order id
  await session.call('private/edit', { amount: 10, price: 1 });
  // @ts-expect-error cancel needs the order id
  await session.call('private/cancel', {});
  // @ts-expect-error not a currency
  await session.call('private/cancel_all_by_currency', { currency: 'DOGE' });
  // @ts-expect-error not a cancel type filter
  await session.call('private/cancel_all_by_instrument', { instrument_name: 'X', type: 'stop_all' });
  // @ts-expect-error detailed results are not typed: widen the method name for them
  await session.call('private/cancel_all', { detailed: true });
  // @ts-expect-error not an instrument kind
  await session.call('private/get_positions', { kind: 'perpetual' });
  // @ts-expect-error get_time takes no params
  await session.call('public/get_time', { currency: 'BTC' });
  // @ts-expect-error channels is a list
  await session.call('public/subscribe', { channels: 'ticker.BTC-PERPETUAL.100ms' });
  // @ts-expect-error label is only for private/subscribe
  await session.call('public/subscribe', { channels: [], label: 'x' });
  // @ts-expect-error a refresh grant takes no client secret
  await session.call('public/auth', { grant_type: 'refresh_token', refresh_token: 'r', client_secret: 's' });
  // @ts-expect-error a signature grant needs its signature
  await session.call('public/auth', { grant_type: 'client_signature', client_id: 'id', timestamp: 1 });
  // @ts-expect-error subject_id is a number
  await session.call('public/exchange_token', { refresh_token: 'r', subject_id: '7' });
  // @ts-expect-error the options object is not the params
  await session.call('private/cancel_all', undefined, { timeout: '1s' });
  // @ts-expect-error the result is a number, not a string
  const time: string = await session.call('public/get_time');
  // @ts-expect-error the result is a list
  (await session.call('private/get_open_orders')).order_id;
  void time;
}

export async function typedNotifications(session: DeribitSession, channel: string): Promise<void> {
  await session.subscribe('ticker.BTC-PERPETUAL.100ms', (ticker, name) => {
    expectTypeOf(ticker).toEqualTypeOf<Ticker>();
    expectTypeOf(ticker.mark_price).toEqualTypeOf<number>();
    expectTypeOf(ticker.best_bid_price).toEqualTypeOf<number | null>();
    expectTypeOf(name).toEqualTypeOf<string>();
  });
  await session.subscribe('book.BTC-PERPETUAL.100ms', (book) =>
    expectTypeOf(book).toEqualTypeOf<BookChange>(),
  );
  await session.subscribe('book.BTC-PERPETUAL.none.10.100ms', (book) =>
    expectTypeOf(book).toEqualTypeOf<GroupedBook>(),
  );
  await session.subscribe('trades.BTC-PERPETUAL.raw', (trades) =>
    expectTypeOf(trades).toEqualTypeOf<readonly PublicTrade[]>(),
  );
  await session.subscribe('trades.future.BTC.100ms', (trades) =>
    expectTypeOf(trades).toEqualTypeOf<readonly PublicTrade[]>(),
  );
  await session.subscribe('user.orders.BTC-PERPETUAL.raw', (order) =>
    expectTypeOf(order).toEqualTypeOf<Order>(),
  );
  await session.subscribe('user.orders.future.BTC.100ms', (orders) =>
    expectTypeOf(orders).toEqualTypeOf<readonly Order[]>(),
  );
  await session.subscribe('user.trades.BTC-PERPETUAL.raw', (trades) =>
    expectTypeOf(trades).toEqualTypeOf<readonly UserTrade[]>(),
  );
  await session.subscribe('user.portfolio.btc', (portfolio) =>
    expectTypeOf(portfolio).toEqualTypeOf<Portfolio>(),
  );
  await session.subscribe('user.changes.option.ETH.100ms', (changes) =>
    expectTypeOf(changes).toEqualTypeOf<UserChanges>(),
  );
  await session.subscribe(['ticker.BTC-PERPETUAL.100ms', 'user.orders.BTC-PERPETUAL.raw'], (data) =>
    expectTypeOf(data).toEqualTypeOf<Ticker | Order>(),
  );
  await session.subscribe('deribit_price_index.btc_usd', (data) => expectTypeOf(data).toBeUnknown());
  await session.subscribe(channel, (data) => expectTypeOf(data).toBeUnknown());
  // @ts-expect-error a ticker has no such field
  await session.subscribe('ticker.BTC-PERPETUAL.100ms', (ticker) => ticker.markPrice);
  // @ts-expect-error the handler's type must fit the channel's data
  await session.subscribe('user.orders.BTC-PERPETUAL.raw', (order: Ticker) => order);
}
