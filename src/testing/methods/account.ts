/**
 * Account summary and cancel-on-disconnect.
 * @module
 */

import { invalidParams } from '../errors.js';
import { accountSummaryOf } from '../summary.js';
import { type CallContext, type MethodSpec, optionalBoolean, requireLevel, requireString } from './types.js';

/** `private/get_account_summary {currency, extended?}`: production's field set, `limits` in its nested shape. */
function accountSummary(ctx: CallContext): unknown {
  const session = requireLevel(ctx, 'account', 'read');
  const currency = requireString(ctx.params, 'currency');
  const extended = optionalBoolean(ctx.params, 'extended') ?? false;
  return accountSummaryOf(ctx.core, session.subjectId, currency, extended);
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
