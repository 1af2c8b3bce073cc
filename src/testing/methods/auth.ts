/**
 * `public/auth`, `public/exchange_token`, `public/fork_token` and `private/logout`.
 * @module
 */

import { signAuthRequest } from '../../auth/signature.js';
import { ErrorCode } from '../../errors/codes.js';
import { AccountRegistry, type ResolvedAccount } from '../accounts.js';
import { forbidden, invalidParams, RpcFailure, unauthorized } from '../errors.js';
import { type Grant, grantScope, parseGrant } from '../grant.js';
import type { IssuedTokens } from '../tokens.js';
import {
  type CallContext,
  type MethodSpec,
  NO_RESPONSE,
  optionalString,
  requireNumber,
  requireString,
} from './types.js';

/** How far (ms) a `client_signature` timestamp may be from the server clock. */
export const SIGNATURE_WINDOW_MS = 60_000;

const GRANTS = new Set(['client_credentials', 'client_signature', 'refresh_token']);

/**
 * The result object of `public/auth` (and of exchange/fork, which share its shape). Deribit documents
 * `sid` as an optional session id, and production's connection-scoped results carry none: the emulator
 * returns it for `session:NAME` grants only.
 */
function authResult(tokens: IssuedTokens, state: string | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {
    access_token: tokens.access.value,
    refresh_token: tokens.refresh.value,
    expires_in: tokens.expiresIn,
    scope: tokens.session.scopeText,
    token_type: 'bearer',
    enabled_features: [],
  };
  if (tokens.session.name !== undefined) result['sid'] = tokens.session.sid;
  if (state !== undefined) result['state'] = state;
  return result;
}

function knownAccount(ctx: CallContext, clientId: string): ResolvedAccount {
  const account = ctx.core.accounts.get(clientId);
  // Production's 13004 is `{"code":13004,"message":"invalid_credentials"}`: no data, whatever was wrong.
  if (!account) throw new RpcFailure(ErrorCode.invalidCredentials);
  return account;
}

function issueForAccount(
  ctx: CallContext,
  account: ResolvedAccount,
  scopeText: string | undefined,
  clientCredentials: boolean,
): IssuedTokens {
  const granted = grantScope(parseGrant(scopeText), account.maxScope, {
    mainaccount: account.maxScope.mainaccount,
    keyName: account.keyName,
    clientCredentials,
  });
  const tokens = ctx.core.tokens.issue({
    clientId: account.clientId,
    subjectId: account.id,
    scope: granted,
    connectionId: ctx.connection.id,
  });
  ctx.connection.auth = tokens.session;
  return tokens;
}

async function verifySignature(ctx: CallContext, account: ResolvedAccount): Promise<void> {
  const { params, core } = ctx;
  const timestamp = requireNumber(params, 'timestamp');
  if (!Number.isInteger(timestamp)) throw invalidParams('timestamp', 'timestamp must be an integer (ms)');
  const signature = requireString(params, 'signature');
  const nonce = requireString(params, 'nonce');
  const data = optionalString(params, 'data');
  if (Math.abs(core.now() - timestamp) > SIGNATURE_WINDOW_MS) throw unauthorized('invalid timestamp');
  if (core.nonces.has(account.clientId, nonce)) throw unauthorized('nonce already used');
  const expected = await signAuthRequest(
    account.clientSecret,
    data === undefined ? { timestamp, nonce } : { timestamp, nonce, data },
  );
  if (expected !== signature.toLowerCase()) throw unauthorized('invalid signature');
  // Checked again: another request may have used the nonce while the HMAC was computed.
  if (core.nonces.has(account.clientId, nonce)) throw unauthorized('nonce already used');
  core.nonces.add(account.clientId, nonce);
}

async function auth(ctx: CallContext): Promise<unknown> {
  const { params, core, connection } = ctx;
  const grantType = params['grant_type'];
  if (typeof grantType !== 'string' || !GRANTS.has(grantType)) {
    throw invalidParams(
      'grant_type',
      'grant_type must be client_credentials, client_signature or refresh_token',
    );
  }
  const scope = optionalString(params, 'scope');
  const state = optionalString(params, 'state');
  let tokens: IssuedTokens;
  if (grantType === 'refresh_token') {
    const outcome = core.tokens.refresh(requireString(params, 'refresh_token'), connection.id);
    if (!outcome.ok) throw unauthorized(outcome.reason);
    tokens = outcome.tokens;
    connection.auth = tokens.session;
  } else {
    const clientId = requireString(params, 'client_id');
    if (grantType === 'client_credentials') {
      const secret = requireString(params, 'client_secret');
      const account = knownAccount(ctx, clientId);
      if (account.clientSecret !== secret) {
        throw new RpcFailure(ErrorCode.invalidCredentials);
      }
      tokens = issueForAccount(ctx, account, scope, true);
    } else {
      const account = knownAccount(ctx, clientId);
      await verifySignature(ctx, account);
      tokens = issueForAccount(ctx, account, scope, false);
    }
  }
  if (core.hasListeners('auth')) {
    core.emitEvent('auth', {
      connectionId: connection.id,
      grantType,
      clientId: tokens.session.clientId,
      subjectId: tokens.session.subjectId,
      scope: tokens.session.scopeText,
    });
  }
  return authResult(tokens, state);
}

/**
 * `public/exchange_token`. The refresh token is not used up. Deribit: tokens of `connection` scope are
 * strictly tied to the connection where they were granted, so a connection-scoped exchanged pair works
 * only on the calling socket (another socket gets 13009), and a connection-scoped refresh token from
 * another socket is refused. Ask for `session:NAME` to get a pair usable from any socket. The call does
 * not change the calling socket's auth state ([unknown] in Deribit's docs): use the new access token
 * explicitly, or `public/auth grant_type=refresh_token` with the new refresh token to switch the socket.
 */
function exchangeToken(ctx: CallContext): unknown {
  const { params, core } = ctx;
  const refreshToken = requireString(params, 'refresh_token');
  const subjectId = params['subject_id'];
  if (typeof subjectId !== 'number' || !Number.isInteger(subjectId)) {
    throw invalidParams('subject_id', 'subject_id must be an integer');
  }
  const scopeText = optionalString(params, 'scope');
  const check = core.tokens.peekRefresh(refreshToken, ctx.connection.id);
  if (!check.ok) throw unauthorized(check.reason);
  const original = check.session;
  const account = core.accounts.get(original.clientId);
  if (!account || !AccountRegistry.canActAs(account, subjectId)) {
    throw forbidden('subject_id is neither the account nor one of its subaccounts');
  }
  const requested: Grant = scopeText === undefined ? original.scope : parseGrant(scopeText);
  const granted = grantScope(requested, original.scope, {
    mainaccount: account.maxScope.mainaccount && subjectId === account.id,
    keyName: account.keyName,
    clientCredentials: false,
  });
  const tokens = core.tokens.issue({
    clientId: original.clientId,
    subjectId,
    scope: granted,
    connectionId: ctx.connection.id,
  });
  return authResult(tokens, undefined);
}

/**
 * `public/fork_token`: a new named session with the same levels. Only for session-scoped refresh
 * tokens; the original session lives on, its refresh token is not used up, and the calling socket's
 * auth state is unchanged.
 */
function forkToken(ctx: CallContext): unknown {
  const { params, core } = ctx;
  const refreshToken = requireString(params, 'refresh_token');
  const sessionName = requireString(params, 'session_name');
  if (/\s/.test(sessionName)) throw invalidParams('session_name', 'session_name must not contain whitespace');
  const check = core.tokens.peekRefresh(refreshToken, ctx.connection.id);
  if (!check.ok) throw unauthorized(check.reason);
  const original = check.session;
  if (original.name === undefined) {
    throw unauthorized('fork_token needs a session-scoped refresh token; this one is connection-scoped');
  }
  const requested: Grant = { ...original.scope, connection: false, sessionName };
  const granted = grantScope(requested, original.scope, {
    mainaccount: original.scope.mainaccount,
    keyName: original.scope.keyName,
    clientCredentials: false,
  });
  const tokens = core.tokens.issue({
    clientId: original.clientId,
    subjectId: original.subjectId,
    scope: granted,
    connectionId: ctx.connection.id,
  });
  return authResult(tokens, undefined);
}

/**
 * `private/logout`: no response; the socket is closed with code 1000. With `invalidate_token`
 * (default `true`) every token of the authorizing session dies. Cancel-on-disconnect does not fire.
 */
function logout(ctx: CallContext): unknown {
  const { params, core, connection, session } = ctx;
  const invalidate = params['invalidate_token'] ?? true;
  if (typeof invalidate !== 'boolean')
    throw invalidParams('invalidate_token', 'invalidate_token must be a boolean');
  connection.loggedOut = true;
  if (invalidate && session) core.tokens.invalidate(session);
  core.emitEvent('logout', { connectionId: connection.id, invalidateToken: invalidate });
  connection.close(1000, 'logout');
  return NO_RESPONSE;
}

/** Auth-related methods. */
export const authMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['public/auth', { private: false, handler: auth }],
  ['public/exchange_token', { private: false, handler: exchangeToken }],
  ['public/fork_token', { private: false, handler: forkToken }],
  ['private/logout', { private: true, handler: logout }],
];
