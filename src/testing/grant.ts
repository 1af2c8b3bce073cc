/**
 * The emulator's scopes: what it grants for a requested scope, and the text it returns, shaped as
 * production returns it (e.g. `account:read_write block_trade:read_write connection custody:read_write
 * mainaccount name:KEYNAME trade:read_write wallet:read_write`).
 * @module
 */

/** An access level of one area. */
export type GrantLevel = 'read' | 'read_write';

/** The areas with `read` / `read_write` levels the emulator knows. */
const AREAS: ReadonlySet<string> = new Set([
  'account',
  'trade',
  'wallet',
  'block_trade',
  'block_rfq',
  'custody',
]);
const RANK: Readonly<Record<GrantLevel | 'none', number>> = { none: 0, read: 1, read_write: 2 };

/** A parsed scope (requested, granted or a key's maximum). */
export interface Grant {
  /** Levels by area (`account`, `trade`, `wallet`, `block_trade`, `block_rfq`, `custody`); `none` is absent. */
  readonly levels: ReadonlyMap<string, GrantLevel | 'none'>;
  /** Tokens tied to the socket that got them (`connection`). */
  readonly connection: boolean;
  /** `session:NAME`. */
  readonly sessionName: string | undefined;
  /** `mainaccount`: a main-account key acting as itself. */
  readonly mainaccount: boolean;
  /** `name:KEYNAME`: the API key's name, which production adds to every grant of a named key. */
  readonly keyName: string | undefined;
  /** `expires:N`, seconds. */
  readonly expires: number | undefined;
  /** `ip:ADDR` or `ip:*`. */
  readonly ip: string | undefined;
}

/** Parse a scope string; parts the emulator does not know are dropped (so a grant may be narrower). */
export function parseGrant(text: string | undefined): Grant {
  const levels = new Map<string, GrantLevel | 'none'>();
  let connection = false;
  let mainaccount = false;
  let sessionName: string | undefined;
  let keyName: string | undefined;
  let expires: number | undefined;
  let ip: string | undefined;
  for (const part of (text ?? '').split(/\s+/)) {
    const colon = part.indexOf(':');
    const prefix = colon < 0 ? part : part.slice(0, colon);
    const value = colon < 0 ? '' : part.slice(colon + 1);
    if (part === 'connection') connection = true;
    else if (part === 'mainaccount') mainaccount = true;
    else if (AREAS.has(prefix) && (value === 'read' || value === 'read_write' || value === 'none'))
      levels.set(prefix, value);
    else if (prefix === 'session' && value !== '') sessionName = value;
    else if (prefix === 'name' && value !== '') keyName = value;
    else if (prefix === 'expires' && /^\d+$/.test(value)) expires = Number(value);
    else if (prefix === 'ip' && value !== '') ip = value;
  }
  return { levels, connection, mainaccount, sessionName, keyName, expires, ip };
}

/**
 * Deribit's text for a grant: every part, in no fixed order. Production has sent sorted scopes (2022) and unsorted
 * ones (`block_trade:read connection trade:read_write account:read wallet:read mainaccount`, 2025), so the emulator
 * starts from the 2025 order and rotates it by `turn` (one more per grant): a client that compares scope strings,
 * or expects an order, fails against it as it would against production.
 */
export function formatGrant(grant: Grant, turn = 0): string {
  const parts: string[] = [];
  for (const [area, level] of grant.levels) if (level !== 'none') parts.push(`${area}:${level}`);
  if (grant.connection) parts.push('connection');
  if (grant.sessionName !== undefined) parts.push(`session:${grant.sessionName}`);
  if (grant.mainaccount) parts.push('mainaccount');
  if (grant.keyName !== undefined) parts.push(`name:${grant.keyName}`);
  if (grant.expires !== undefined) parts.push(`expires:${grant.expires}`);
  if (grant.ip !== undefined) parts.push(`ip:${grant.ip}`);
  const rank = (part: string): number => {
    const index = PRODUCTION_ORDER.indexOf(part.split(':')[0] ?? part);
    return index < 0 ? PRODUCTION_ORDER.length : index;
  };
  parts.sort((a, b) => rank(a) - rank(b));
  const shift = parts.length === 0 ? 0 : turn % parts.length;
  return [...parts.slice(shift), ...parts.slice(0, shift)].join(' ');
}

/** The order of scope parts in a 2025 production `client_credentials` grant. */
const PRODUCTION_ORDER = [
  'block_trade',
  'connection',
  'session',
  'trade',
  'account',
  'wallet',
  'mainaccount',
  'custody',
  'block_rfq',
  'name',
  'expires',
  'ip',
];

/** Who a grant is for. */
export interface GrantFor {
  /** A main-account key acting as its own subject: `mainaccount` is added. */
  readonly mainaccount: boolean;
  /** The key's name, added as `name:KEYNAME`. */
  readonly keyName: string | undefined;
  /**
   * `client_credentials` sends the secret itself, so Deribit narrows `wallet:read_write` to `wallet:read`
   * (as its access-scope docs say); the other grants keep the key's wallet level.
   */
  readonly clientCredentials: boolean;
}

/**
 * The scope granted for `requested`, capped by `max`.
 * - `session:NAME` makes a named session; otherwise the grant is `connection`.
 * - Each level is `min(requested, max)`; a level not requested gets the max; a level absent from the
 *   max is never granted; `none` leaves the area out.
 * - `expires:N` and `ip:` are kept; unknown parts are dropped.
 */
export function grantScope(requested: Grant, max: Grant, to: GrantFor): Grant {
  const levels = new Map<string, GrantLevel | 'none'>();
  for (const [area, cap] of max.levels) {
    const want = requested.levels.get(area);
    let level = want === undefined || RANK[want] > RANK[cap] ? cap : want;
    if (area === 'wallet' && level === 'read_write' && to.clientCredentials) level = 'read';
    if (level !== 'none') levels.set(area, level);
  }
  return {
    levels,
    connection: requested.sessionName === undefined,
    sessionName: requested.sessionName,
    mainaccount: to.mainaccount,
    keyName: to.keyName,
    expires: requested.expires,
    ip: requested.ip,
  };
}

/** `true` when `grant` gives at least `level` in `area`. */
export function hasLevel(grant: Grant, area: string, level: GrantLevel): boolean {
  const got = grant.levels.get(area);
  return got !== undefined && RANK[got] >= RANK[level];
}
