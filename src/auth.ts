/**
 * Building `public/auth` requests for the three grants, and parsing their results.
 * Signing uses Web Crypto (see `signature.ts`), so this runs unchanged in browsers.
 * @module
 */
import { parseScope, type Scope } from './scope.js';
import { randomNonce, signAuthRequest } from './signature.js';

export {
  hmacSha256Hex,
  randomNonce,
  type SignatureInput,
  signAuthRequest,
  stringToSign,
} from './signature.js';

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

/** Parse an auth-shaped result (`public/auth`, `public/fork_token`, `public/exchange_token`). */
export function parseTokenResult(result: unknown, receivedAt = Date.now()): TokenSet {
  if (typeof result !== 'object' || result === null) throw new TypeError('auth result is not an object');
  const { access_token, refresh_token, expires_in, scope } = result as Record<string, unknown>;
  if (typeof access_token !== 'string' || typeof refresh_token !== 'string') {
    throw new TypeError('auth result lacks access_token or refresh_token');
  }
  const expiresIn = typeof expires_in === 'number' ? expires_in : Number(expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0)
    throw new TypeError('auth result has no valid expires_in');
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
