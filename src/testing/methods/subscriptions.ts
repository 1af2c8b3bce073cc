/**
 * `public|private/subscribe`, `…/unsubscribe`, `…/unsubscribe_all`.
 * @module
 */

import { ErrorCode } from '../../errors/codes.js';
import { MAX_CHANNELS_PER_REQUEST } from '../channels.js';
import { invalidParams, RpcFailure } from '../errors.js';
import { hasLevel } from '../grant.js';
import { type CallContext, type MethodSpec, optionalString, requireArray } from './types.js';

const WHITESPACE = /\s/;

/**
 * The read scope a `user.*` channel family needs. Deribit documents scopes per method, not per channel,
 * and the code it answers a private subscribe with too little scope is undocumented: the emulator asks
 * for the scope of the matching methods (`private/get_open_orders…`, `private/get_user_trades…` and
 * `private/get_positions` need `trade:read`; `private/get_account_summary` needs `account:read`) and
 * refuses the whole request with `13021 forbidden` and `data: { reason, channel }`.
 */
const CHANNEL_SCOPES: ReadonlyArray<readonly [string, string]> = [
  ['user.orders.', 'trade'],
  ['user.trades.', 'trade'],
  ['user.changes.', 'trade'],
  ['user.mmp_trigger.', 'trade'],
  ['user.portfolio.', 'account'],
  ['user.access_log', 'account'],
  ['user.lock', 'account'],
];

/** Throw 13021 when the session lacks the read scope of a `user.*` channel it asks for. */
function checkChannelScopes(ctx: CallContext, channels: readonly unknown[]): void {
  const session = ctx.session;
  if (!session) return;
  for (const channel of channels) {
    if (typeof channel !== 'string') continue;
    const area = CHANNEL_SCOPES.find(([prefix]) => channel.startsWith(prefix))?.[1];
    if (area !== undefined && !hasLevel(session.scope, area, 'read')) {
      throw new RpcFailure(ErrorCode.forbidden, { reason: `scope ${area}:read required`, channel });
    }
  }
}

function channelsParam(ctx: CallContext): readonly unknown[] {
  const channels = requireArray(ctx.params, 'channels');
  if (channels.length > MAX_CHANNELS_PER_REQUEST) {
    throw invalidParams('channels', `at most ${MAX_CHANNELS_PER_REQUEST} channels per request`);
  }
  return channels;
}

/**
 * Subscribe; the result lists the channels actually subscribed. Omitted, as Deribit omits them: non-strings,
 * names the emulator's channel rules do not know (`channels.ts`: unknown families, unlisted or malformed
 * instruments, bad intervals), channels refused by `refuseChannels`, and `user.*` channels on `public/subscribe`.
 * An unauthenticated request naming a `.raw` channel fails with 13778; a `user.*` channel beyond the session's
 * scope fails the request with 13021.
 */
function subscribe(ctx: CallContext, privateMethod: boolean): unknown {
  const channels = channelsParam(ctx);
  if (privateMethod) optionalString(ctx.params, 'label');
  if (ctx.session === undefined) {
    for (const channel of channels) {
      if (typeof channel === 'string' && channel.endsWith('.raw')) {
        throw new RpcFailure(ErrorCode.rawSubscriptionsNotAvailable, {
          reason: 'authenticate first',
          channel,
        });
      }
    }
  }
  if (privateMethod) checkChannelScopes(ctx, channels);
  const subscribed = new Set<string>();
  for (const channel of channels) {
    if (typeof channel !== 'string' || channel === '' || WHITESPACE.test(channel)) continue;
    const kind = ctx.core.channels.kindOf(channel);
    if (kind === undefined || (!privateMethod && kind === 'private')) continue;
    if (ctx.core.faults.refuses(channel)) continue;
    ctx.connection.channels.add(channel);
    subscribed.add(channel);
  }
  return [...subscribed];
}

/** Unsubscribe; the result lists the channels that were subscribed and now are not. */
function unsubscribe(ctx: CallContext): unknown {
  const channels = channelsParam(ctx);
  const removed: string[] = [];
  for (const channel of channels) {
    if (typeof channel === 'string' && ctx.connection.channels.delete(channel)) removed.push(channel);
  }
  return removed;
}

function unsubscribeAll(ctx: CallContext): unknown {
  ctx.connection.channels.clear();
  return 'ok';
}

/** Subscription methods. */
export const subscriptionMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['public/subscribe', { private: false, handler: (ctx) => subscribe(ctx, false) }],
  ['private/subscribe', { private: true, handler: (ctx) => subscribe(ctx, true) }],
  ['public/unsubscribe', { private: false, handler: unsubscribe }],
  ['private/unsubscribe', { private: true, handler: unsubscribe }],
  ['public/unsubscribe_all', { private: false, handler: unsubscribeAll }],
  ['private/unsubscribe_all', { private: true, handler: unsubscribeAll }],
];
