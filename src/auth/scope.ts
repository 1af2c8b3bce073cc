/**
 * Parse and format Deribit access-scope strings such as
 * `session:mm mainaccount trade:read_write expires:3600`.
 * @module
 */

/** Access level of one scope area (`trade`, `account`, `wallet`, …). */
export type AccessLevel = 'read' | 'read_write' | 'none';

/** A scope string, parsed. Unknown parts are kept in `unknown` so formatting round-trips. */
export interface Scope {
  /** `true` when the token is tied to the socket that obtained it (`connection`). */
  readonly connection: boolean;
  /** The session name for `session:NAME` scopes. */
  readonly sessionName?: string;
  /** `true` when the key belongs to the main account. */
  readonly mainaccount: boolean;
  /** `account:` level. */
  readonly account?: AccessLevel;
  /** `trade:` level. */
  readonly trade?: AccessLevel;
  /** `wallet:` level. */
  readonly wallet?: AccessLevel;
  /** `block_trade:` level. */
  readonly blockTrade?: AccessLevel;
  /** `block_rfq:` level. */
  readonly blockRfq?: AccessLevel;
  /** `expires:N`, in seconds. */
  readonly expires?: number;
  /** `ip:ADDR` or `ip:*`. */
  readonly ip?: string;
  /** Parts this parser does not know, in their original order. */
  readonly unknown: readonly string[];
}

type LevelKey = 'account' | 'trade' | 'wallet' | 'blockTrade' | 'blockRfq';

const LEVEL_PREFIXES: ReadonlyArray<readonly [string, LevelKey]> = [
  ['account', 'account'],
  ['trade', 'trade'],
  ['wallet', 'wallet'],
  ['block_trade', 'blockTrade'],
  ['block_rfq', 'blockRfq'],
];
const LEVEL_BY_PREFIX = new Map(LEVEL_PREFIXES);
const LEVELS: ReadonlySet<string> = new Set(['read', 'read_write', 'none']);
const RANK: Readonly<Record<AccessLevel, number>> = { none: 0, read: 1, read_write: 2 };

/** Parse a space-separated scope string. Never throws: parts it does not understand go to `unknown`. */
export function parseScope(text: string | undefined): Scope {
  const scope: { -readonly [K in keyof Scope]: Scope[K] } = {
    connection: false,
    mainaccount: false,
    unknown: [],
  };
  const unknown: string[] = [];
  for (const part of (text ?? '').split(/\s+/)) {
    if (part === '') continue;
    if (part === 'connection') scope.connection = true;
    else if (part === 'mainaccount') scope.mainaccount = true;
    else {
      const colon = part.indexOf(':');
      const prefix = colon < 0 ? part : part.slice(0, colon);
      const value = colon < 0 ? '' : part.slice(colon + 1);
      const levelKey = LEVEL_BY_PREFIX.get(prefix);
      if (levelKey && LEVELS.has(value)) scope[levelKey] = value as AccessLevel;
      else if (prefix === 'session' && value !== '') scope.sessionName = value;
      else if (prefix === 'expires' && /^\d+$/.test(value)) scope.expires = Number(value);
      else if (prefix === 'ip' && value !== '') scope.ip = value;
      else unknown.push(part);
    }
  }
  scope.unknown = unknown;
  return scope;
}

/** Format a scope back into Deribit's string form (session/connection first, as Deribit does). */
export function formatScope(scope: Scope): string {
  const parts: string[] = [];
  if (scope.sessionName !== undefined) parts.push(`session:${scope.sessionName}`);
  if (scope.connection) parts.push('connection');
  if (scope.mainaccount) parts.push('mainaccount');
  for (const [prefix, key] of LEVEL_PREFIXES) {
    const level = scope[key];
    if (level !== undefined) parts.push(`${prefix}:${level}`);
  }
  if (scope.expires !== undefined) parts.push(`expires:${scope.expires}`);
  if (scope.ip !== undefined) parts.push(`ip:${scope.ip}`);
  parts.push(...scope.unknown);
  return parts.join(' ');
}

/**
 * What was requested but not granted: the parts of `requested` that `granted` does not cover.
 * An empty list means the grant is at least as wide as the request.
 */
export function missingScope(requested: Scope, granted: Scope): string[] {
  const missing: string[] = [];
  if (requested.sessionName !== undefined && requested.sessionName !== granted.sessionName) {
    missing.push(`session:${requested.sessionName}`);
  }
  for (const [prefix, key] of LEVEL_PREFIXES) {
    const want = requested[key];
    if (want === undefined) continue;
    const got = granted[key];
    if (got === undefined || RANK[got] < RANK[want]) missing.push(`${prefix}:${want}`);
  }
  if (
    requested.expires !== undefined &&
    granted.expires !== undefined &&
    granted.expires < requested.expires
  ) {
    missing.push(`expires:${requested.expires}`);
  }
  return missing;
}
