/**
 * Connection housekeeping: heartbeats, `public/test`, time, hello, status.
 * @module
 */

import { ErrorCode } from '../../errors/codes.js';
import { invalidParams, RpcFailure } from '../errors.js';
import { type CallContext, type MethodSpec, optionalString, requireNumber } from './types.js';

function setHeartbeat(ctx: CallContext): unknown {
  const interval = requireNumber(ctx.params, 'interval');
  const min = ctx.core.settings.minHeartbeatInterval;
  if (interval < min) throw invalidParams('interval', `interval must be at least ${min}`);
  ctx.connection.setHeartbeat(interval);
  return 'ok';
}

function disableHeartbeat(ctx: CallContext): unknown {
  ctx.connection.disableHeartbeat();
  return 'ok';
}

/** `public/test`; `expected_result: "exception"` answers `11094 internal_server_error`. */
function test(ctx: CallContext): unknown {
  if (optionalString(ctx.params, 'expected_result') === 'exception') {
    throw new RpcFailure(ErrorCode.internalServerError, { reason: 'expected_result: exception' });
  }
  return { version: ctx.core.settings.version };
}

/** Housekeeping methods. */
export const publicMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['public/set_heartbeat', { private: false, handler: setHeartbeat }],
  ['public/disable_heartbeat', { private: false, handler: disableHeartbeat }],
  ['public/test', { private: false, handler: test }],
  ['public/get_time', { private: false, handler: (ctx) => ctx.core.now() }],
  ['public/hello', { private: false, handler: (ctx) => ({ version: ctx.core.settings.version }) }],
  [
    'public/status',
    { private: false, handler: (ctx) => ctx.core.platform.status(ctx.core.instruments.indices()) },
  ],
];
