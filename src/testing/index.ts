/**
 * `deribit-session/testing`: a Deribit-compatible WebSocket emulator for tests.
 *
 * ```ts
 * import { DeribitEmulator } from 'deribit-session/testing';
 * const emu = await DeribitEmulator.start({ tokenTtl: 900 });
 * // … connect a client to emu.url …
 * await emu.close();
 * ```
 * @module deribit-session/testing
 */

export { DEFAULT_ACCOUNT, DEFAULT_MAX_SCOPE } from './accounts.js';
export { MAX_CHANNELS_PER_REQUEST } from './channels.js';
export { DeribitEmulator, type LiquidityOrder, type MaintenanceOptions } from './emulator.js';
export { type RpcErrorData, type RpcErrorObject, RpcFailure } from './errors.js';
export type { ChannelRefusal, FailNextOptions, InjectedError } from './faults.js';
export { DEFAULT_BALANCES } from './funds.js';
export {
  DEFAULT_INSTRUMENTS,
  type EmulatedInstrument,
  NEVER_EXPIRES,
  type TickSizeStep,
} from './instruments/catalog.js';
export type { InstrumentKind } from './instruments/names.js';
export { DEFAULT_MARK_PRICE } from './market.js';
export type {
  EmulatedBookSummary,
  EmulatedOrderBook,
  EmulatedTicker,
  EmulatedTickerStats,
} from './market-data.js';
export { COUNTERPARTY_ID } from './matching.js';
export { SIGNATURE_WINDOW_MS } from './methods/auth.js';
export type { CallContext, Handler } from './methods/types.js';
export type { FillOptions } from './order-actions.js';
export type { CancelReason, EmulatedOrder, EmulatedTrade } from './orders.js';
export type { PlatformStatus } from './platform.js';
export type { EmulatedPosition } from './positions.js';
export {
  type AccountLimits,
  type CreditPool,
  DERIBIT_MATCHING_POOL,
  DERIBIT_NON_MATCHING_POOL,
  DERIBIT_SUBSCRIBE_POOL,
  MATCHING_ENGINE_METHODS,
  type PoolName,
  type RateLimitOptions,
  SUBSCRIBE_METHODS,
  type SubjectLimits,
  type TierLimit,
} from './rate-limit.js';
export { EmulatorServer, type PublishOptions, WS_PATH } from './server.js';
export type { EmulatedAccountSummary, EmulatedPortfolio } from './summary.js';
export {
  CloseCode,
  type CodScope,
  type EmulatorAccount,
  type EmulatorEvents,
  type EmulatorOptions,
  MAX_FRAME_BYTES,
  type ReceivedMessage,
  type RequestAuth,
} from './types.js';
