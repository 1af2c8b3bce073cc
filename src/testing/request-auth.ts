/**
 * The auth a request arrives with: an explicit `access_token` param wins over the socket's session.
 * @module
 */

import { type AuthSession, TokenStore } from './tokens.js';
import type { RequestAuth } from './types.js';

/** What {@link resolveAuth} found. */
export interface ResolvedAuth {
  /** The params without `access_token`. */
  readonly params: Record<string, unknown>;
  /** How the request arrived, for the `received` log. */
  readonly state: RequestAuth;
  /** The valid session the request acts as, if any. */
  readonly session: AuthSession | undefined;
  /** Why there is no valid session (for the `unauthorized` event). */
  readonly failure: string | undefined;
}

/** Work out the auth of a request with `rawParams` on socket `connection`. */
export function resolveAuth(
  tokens: TokenStore,
  connection: { readonly id: number; readonly auth: AuthSession | undefined },
  rawParams: Record<string, unknown>,
): ResolvedAuth {
  const explicit = rawParams['access_token'];
  let params = rawParams;
  if (explicit !== undefined) {
    const { access_token: _dropped, ...rest } = rawParams;
    params = rest;
  }
  const check =
    typeof explicit === 'string'
      ? tokens.checkAccess(explicit, connection.id)
      : connection.auth
        ? TokenStore.checkSession(connection.auth)
        : undefined;
  if (check?.ok) {
    return {
      params,
      state: typeof explicit === 'string' ? 'token' : 'socket',
      session: check.session,
      failure: undefined,
    };
  }
  if (check) return { params, state: check.state, session: undefined, failure: check.reason };
  const failure = explicit === undefined ? 'authorization required' : 'access_token must be a string';
  return { params, state: 'none', session: undefined, failure };
}
