/**
 * The emulator's answers satisfy the library's payload types. Never run: `npm run typecheck` compiles this file, so
 * an emulator field the library types differently (a missing `null`, a wider string, a number where the type says
 * boolean) fails the build. The emulator declares its payloads in its own types (it imports nothing from the
 * client); this file is where the two meet.
 */
import { expectTypeOf } from 'vitest';
import type {
  AccountLimits,
  AccountSummary,
  BookSummary,
  Instrument,
  Order,
  OrderBook,
  PlatformStatus,
  Portfolio,
  Position,
  PublicTrade,
  Ticker,
  UserTrade,
} from '../../src/index.js';
import type {
  EmulatedAccountSummary,
  EmulatedBookSummary,
  EmulatedInstrument,
  AccountLimits as EmulatedLimits,
  EmulatedOrder,
  EmulatedOrderBook,
  EmulatedPortfolio,
  EmulatedPosition,
  PlatformStatus as EmulatedStatus,
  EmulatedTicker,
  EmulatedTrade,
} from '../../src/testing/index.js';
import type { PublicTradeData } from '../../src/testing/order-events.js';

expectTypeOf<EmulatedOrder>().toExtend<Order>();
expectTypeOf<EmulatedTrade>().toExtend<UserTrade>();
expectTypeOf<EmulatedPosition>().toExtend<Position>();
expectTypeOf<EmulatedAccountSummary>().toExtend<AccountSummary>();
expectTypeOf<EmulatedLimits>().toExtend<AccountLimits>();
expectTypeOf<EmulatedPortfolio>().toExtend<Portfolio>();
expectTypeOf<EmulatedInstrument>().toExtend<Instrument>();
expectTypeOf<EmulatedTicker>().toExtend<Ticker>();
expectTypeOf<EmulatedOrderBook>().toExtend<OrderBook>();
expectTypeOf<EmulatedBookSummary>().toExtend<BookSummary>();
expectTypeOf<EmulatedStatus>().toExtend<PlatformStatus>();
expectTypeOf<PublicTradeData>().toExtend<PublicTrade>();
