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
export { DeribitEmulator, type PublishOptions, WS_PATH } from './emulator.js';
export { type RpcErrorData, type RpcErrorObject, RpcFailure } from './errors.js';
export type { ChannelRefusal, FailNextOptions, InjectedError } from './faults.js';
export type { InstrumentKind } from './instruments.js';
export { SIGNATURE_WINDOW_MS } from './methods/auth.js';
export { DEFAULT_MARK_PRICE } from './methods/orders.js';
export { MAX_CHANNELS_PER_REQUEST } from './methods/subscriptions.js';
export type { CallContext, Handler } from './methods/types.js';
export type { FillOptions } from './order-events.js';
export type { EmulatedOrder, EmulatedTrade } from './orders.js';
export type { EmulatedPosition } from './positions.js';
export {
  type CreditPool,
  DERIBIT_MATCHING_POOL,
  DERIBIT_NON_MATCHING_POOL,
  MATCHING_ENGINE_METHODS,
  type PoolName,
  type RateLimitOptions,
} from './rate-limit.js';
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
