/**
 * Learning the server's clock: `client_signature` timestamps must be within 60 s of Deribit's time, so a
 * signature refused with `13009` is retried once after one `public/get_time` round trip.
 * @module
 */

import type { RpcConnection } from '../connection/rpc.js';
import type { SessionContext } from '../session/context.js';
import { clockOffsetFrom } from './grants.js';

/** Server time − local wall time, in ms, from one round trip (0 when the answer is not a time). */
export async function syncClock(rpc: RpcConnection, ctx: SessionContext): Promise<number> {
  const sentAt = Date.now();
  const serverTime = await rpc.call('public/get_time', undefined, ctx.options.requestTimeout);
  if (typeof serverTime !== 'number' || !Number.isFinite(serverTime)) return 0;
  const offset = clockOffsetFrom(serverTime, sentAt, Date.now());
  ctx.log('info', 'clock offset measured', { offsetMs: Math.round(offset) });
  return offset;
}
