/**
 * What scope the emulator grants for a requested one: levels capped at the key's maximum.
 * @module
 */

import type { AccessLevel, Scope } from '../scope.js';

const RANK: Readonly<Record<AccessLevel, number>> = { none: 0, read: 1, read_write: 2 };
const LEVEL_KEYS = ['account', 'trade', 'wallet', 'blockTrade', 'blockRfq'] as const;

/** Mutable view of {@link Scope}, used while building a grant. */
type Draft = { -readonly [K in keyof Scope]: Scope[K] };

/**
 * The scope granted for `requested`.
 * - `session:NAME` makes a named session; otherwise the grant is `connection`.
 * - Each level is `min(requested, max)`; a level not requested gets the max; a level absent from the
 *   max is never granted.
 * - `mainaccount` is added when the key is a main-account key acting as its own subject.
 * - `expires:N` and `ip:` are kept; unknown parts are dropped (so the grant may be narrower).
 */
export function grantScope(requested: Scope, max: Scope, mainaccount: boolean): Scope {
  const granted: Draft = { connection: requested.sessionName === undefined, mainaccount, unknown: [] };
  if (requested.sessionName !== undefined) granted.sessionName = requested.sessionName;
  for (const key of LEVEL_KEYS) {
    const cap = max[key];
    if (cap === undefined) continue;
    const want = requested[key];
    granted[key] = want === undefined || RANK[want] > RANK[cap] ? cap : want;
  }
  if (requested.expires !== undefined) granted.expires = requested.expires;
  if (requested.ip !== undefined) granted.ip = requested.ip;
  return granted;
}

/** `true` when `scope` grants at least `level` in `area`. */
export function hasLevel(
  scope: Scope,
  area: (typeof LEVEL_KEYS)[number],
  level: 'read' | 'read_write',
): boolean {
  const got = scope[area];
  return got !== undefined && RANK[got] >= RANK[level];
}
