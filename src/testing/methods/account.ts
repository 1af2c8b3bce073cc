/**
 * Account summary and cancel-on-disconnect.
 * @module
 */

import { invalidParams } from '../errors.js';
import { type CallContext, type MethodSpec, requireLevel, requireString } from './types.js';

function accountSummary(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'account', 'read');
  const currency = requireString(ctx.params, 'currency');
  return {
    id: session.subjectId,
    currency,
    equity: 100,
    balance: 100,
    available_funds: 100,
    margin_balance: 100,
    initial_margin: 0,
    maintenance_margin: 0,
    system_name: `emulator_${session.subjectId}`,
    limits: ctx.core.rateLimits.limits,
  };
}

/** `private/enable_cancel_on_disconnect` and `private/disable_…`: `scope` is `connection` (default) or `account`. */
function setCod(ctx: CallContext, enabled: boolean): unknown {
  requireLevel(ctx, 'account', 'read_write');
  const scope = ctx.params['scope'] ?? 'connection';
  if (scope !== 'connection' && scope !== 'account') {
    throw invalidParams('scope', 'scope must be connection or account');
  }
  ctx.connection.cod.enabled = enabled;
  if (enabled) ctx.connection.cod.scope = scope;
  return 'ok';
}

function getCod(ctx: CallContext): unknown {
  requireLevel(ctx, 'account', 'read');
  return { scope: ctx.connection.cod.scope, enabled: ctx.connection.cod.enabled };
}

/** Account methods. */
export const accountMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['private/get_account_summary', { private: true, handler: accountSummary }],
  ['private/enable_cancel_on_disconnect', { private: true, handler: (ctx) => setCod(ctx, true) }],
  ['private/disable_cancel_on_disconnect', { private: true, handler: (ctx) => setCod(ctx, false) }],
  ['private/get_cancel_on_disconnect', { private: true, handler: getCod }],
];
