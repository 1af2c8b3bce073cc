/**
 * Building `public/auth` requests for the three grants, and parsing their results.
 * Signing uses Web Crypto (see `signature.ts`), so this runs unchanged in browsers.
 * @module
 */
import { MalformedResponseError } from '../errors/errors.js';
import { parseScope, type Scope } from './scope.js';
import { randomNonce, signAuthRequest } from './signature.js';

/** API key credentials. */
export interface Credentials {
  /** The API key's client id. */
  readonly clientId: string;
  /** The API key's client secret. Never sent with `client_signature`; never logged. */
  readonly clientSecret: string;
}

/** The grant used to authenticate with credentials. */
export type CredentialGrant = 'client_signature' | 'client_credentials';

/** Any `public/auth` grant. */
export type Grant = CredentialGrant | 'refresh_token';

/** The token pair and what it allows, as returned by `public/auth`, `fork_token` or `exchange_token`. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Local ms epoch at which the access token expires. */
  readonly expiresAt: number;
  /** Lifetime in seconds, as the server said. */
  readonly expiresIn: number;
  /** The granted scope, parsed. */
  readonly scope: Scope;
  /** The granted scope as the server wrote it. */
  readonly scopeText: string;
}

/** Optional extras for a credentials grant. */
export interface AuthRequestOptions {
  /** Requested scope string, e.g. `session:mm trade:read_write`. */
  readonly scope?: string | undefined;
  /** Signed `data` for `client_signature`. */
  readonly data?: string | undefined;
  /** Milliseconds to add to the local clock (server time − local time). */
  readonly clockOffset?: number | undefined;
}

/** `public/auth` params for a credentials grant (signing when the grant is `client_signature`). */
export async function credentialParams(
  grant: CredentialGrant,
  credentials: Credentials,
  options: AuthRequestOptions = {},
): Promise<Record<string, string | number>> {
  const params: Record<string, string | number> = { grant_type: grant, client_id: credentials.clientId };
  if (grant === 'client_credentials') {
    params['client_secret'] = credentials.clientSecret;
  } else {
    const timestamp = Math.round(Date.now() + (options.clockOffset ?? 0));
    const nonce = randomNonce();
    const data = options.data ?? '';
    params['timestamp'] = timestamp;
    params['nonce'] = nonce;
    params['data'] = data;
    params['signature'] = await signAuthRequest(credentials.clientSecret, { timestamp, nonce, data });
  }
  if (options.scope) params['scope'] = options.scope;
  return params;
}

/** `public/auth` params for a `refresh_token` grant. */
export function refreshParams(refreshToken: string): Record<string, string> {
  return { grant_type: 'refresh_token', refresh_token: refreshToken };
}

/** The longest token life believed, in seconds (10 years): beyond it, timers and dates stop making sense. */
export const MAX_TOKEN_LIFE_SECONDS = 10 * 365 * 24 * 3600;
/** The shortest token life accepted, in seconds: shorter is a malformed result, not a reason to loop. */
export const MIN_TOKEN_LIFE_SECONDS = 1;

/**
 * Parse an auth-shaped result (`public/auth`, `public/fork_token`, `public/exchange_token`).
 * Throws {@link MalformedResponseError} (transient) for a result without tokens or with a lifetime that is not
 * a number of at least {@link MIN_TOKEN_LIFE_SECONDS}; a lifetime beyond {@link MAX_TOKEN_LIFE_SECONDS} is clamped.
 */
export function parseTokenResult(result: unknown, receivedAt = Date.now()): TokenSet {
  if (typeof result !== 'object' || result === null)
    throw new MalformedResponseError('the auth result is not an object');
  const { access_token, refresh_token, expires_in, scope } = result as Record<string, unknown>;
  if (typeof access_token !== 'string' || access_token === '') {
    throw new MalformedResponseError('the auth result has no access_token');
  }
  if (typeof refresh_token !== 'string' || refresh_token === '') {
    throw new MalformedResponseError('the auth result has no refresh_token');
  }
  // A numeric string is tolerated (Deribit sends some numbers as strings); anything else is refused.
  const seconds =
    typeof expires_in === 'number'
      ? expires_in
      : typeof expires_in === 'string' && expires_in.trim() !== ''
        ? Number(expires_in)
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < MIN_TOKEN_LIFE_SECONDS) {
    throw new MalformedResponseError(
      `the auth result has no usable expires_in (a number of seconds ≥ ${MIN_TOKEN_LIFE_SECONDS} is needed)`,
    );
  }
  const expiresIn = Math.min(seconds, MAX_TOKEN_LIFE_SECONDS);
  const scopeText = typeof scope === 'string' ? scope : '';
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    expiresIn,
    expiresAt: receivedAt + expiresIn * 1000,
    scope: parseScope(scopeText),
    scopeText,
  };
}

/**
 * Estimate server time − local time from one `public/get_time` round trip,
 * assuming the server read its clock halfway through.
 */
export function clockOffsetFrom(serverTimeMs: number, sentAt: number, receivedAt: number): number {
  return serverTimeMs - (sentAt + receivedAt) / 2;
}
