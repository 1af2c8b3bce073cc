/**
 * The emulator's token store: auth sessions (named or connection-bound), access and refresh tokens,
 * refresh, invalidation, expiry and the per-key named-session budget.
 *
 * Expiry is computed from timestamps on use; the store owns no timers.
 * @module
 */

import { randomBytes } from 'node:crypto';
import { TOKEN_EXPIRED } from './errors.js';
import { formatGrant, type Grant } from './grant.js';

/** One auth session: what a socket or a token refers to. */
export interface AuthSession {
  /** Opaque id, returned as `sid`. */
  readonly sid: string;
  /** The key that created it. */
  readonly clientId: string;
  /** The subject (user id) it acts as. */
  readonly subjectId: number;
  /** Granted scope (replaced when a named session is re-authenticated). */
  scope: Grant;
  /** `formatGrant(scope)`: the `scope` text of auth results. */
  scopeText: string;
  /** The session name for `session:NAME` scopes; `undefined` for connection-scoped ones. */
  readonly name: string | undefined;
  /**
   * For connection-scoped sessions: the socket the tokens were granted on (by `public/auth` or
   * `public/exchange_token`); they work on no other. `undefined` for named sessions.
   */
  readonly boundConnection: number | undefined;
  /** `false` once invalidated (logout, eviction, socket closed for connection scope). */
  alive: boolean;
  /** The newest access token: a socket authenticated with this session uses it. */
  current: AccessToken | undefined;
  /** Access tokens still stored (pruned when expired). */
  readonly accessTokens: Set<AccessToken>;
  /** Refresh tokens still stored. */
  readonly refreshTokens: Set<RefreshToken>;
}

/** An access token. */
export interface AccessToken {
  /** The token string. */
  readonly value: string;
  /** Its session. */
  readonly session: AuthSession;
  /** Expiry, ms since the epoch (real clock). */
  expiresAt: number;
}

/** A refresh token: single use. */
export interface RefreshToken {
  /** The token string. */
  readonly value: string;
  /** Its session. */
  readonly session: AuthSession;
  /** Expiry, ms since the epoch (real clock). */
  readonly expiresAt: number;
}

/** A new token pair. */
export interface IssuedTokens {
  /** The session the pair belongs to. */
  readonly session: AuthSession;
  /** The access token. */
  readonly access: AccessToken;
  /** The refresh token. */
  readonly refresh: RefreshToken;
  /** `expires_in`, seconds. */
  readonly expiresIn: number;
}

/** Outcome of checking a token or session: usable, or why not. */
export type TokenCheck =
  | { readonly ok: true; readonly session: AuthSession }
  | { readonly ok: false; readonly state: 'expired' | 'invalid'; readonly reason: string };

/** What {@link TokenStore.issue} needs. */
export interface IssueInput {
  readonly clientId: string;
  readonly subjectId: number;
  readonly scope: Grant;
  /** The socket the tokens are granted on: a connection-scoped session is bound to it. */
  readonly connectionId: number;
}

/** Tunables read on every issue, so runtime setters take effect for new tokens. */
export interface TokenSettings {
  /** Access token lifetime, seconds (unless the scope has `expires:N`). */
  tokenTtl: number;
  /** Refresh token lifetime, seconds. */
  refreshTokenTtl: number;
  /** Named sessions per `client_id`. */
  maxSessionsPerKey: number;
}

function randomToken(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url');
}

/** Tokens and sessions of one emulator. */
export class TokenStore {
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();
  /** clientId → (subjectId:name → session), in creation order (oldest first). */
  readonly #named = new Map<string, Map<string, AuthSession>>();
  /** connectionId → connection-scoped sessions bound to it. */
  readonly #byConnection = new Map<number, Set<AuthSession>>();
  readonly #settings: TokenSettings;
  #sidCounter = 0;
  /** Grants issued: each one's scope text is ordered differently (see `formatGrant`). */
  #grants = 0;

  /** @param settings Live settings object (mutations apply to tokens issued later). */
  constructor(settings: TokenSettings) {
    this.#settings = settings;
  }

  /**
   * Issue a pair in a new session, or in the existing named session of the same name and subject
   * (re-authenticating a named session keeps its slot and its older tokens until they expire).
   * Creating a named session beyond the budget evicts the key's oldest one silently.
   */
  issue(input: IssueInput): IssuedTokens {
    this.#grants += 1;
    const scopeText = formatGrant(input.scope, this.#grants);
    let session: AuthSession | undefined;
    const name = input.scope.sessionName;
    if (name !== undefined) {
      let named = this.#named.get(input.clientId);
      if (!named) {
        named = new Map();
        this.#named.set(input.clientId, named);
      }
      const key = `${input.subjectId}:${name}`;
      session = named.get(key);
      if (session?.alive) {
        session.scope = input.scope;
        session.scopeText = scopeText;
      } else {
        while (named.size >= this.#settings.maxSessionsPerKey) {
          const oldest = named.values().next().value;
          if (!oldest) break;
          this.invalidate(oldest);
        }
        session = this.#newSession(input, scopeText, name);
        named.set(key, session);
      }
    } else {
      session = this.#newSession(input, scopeText, undefined);
      this.#bind(session);
    }
    return this.#issuePair(session);
  }

  #newSession(input: IssueInput, scopeText: string, name: string | undefined): AuthSession {
    this.#sidCounter += 1;
    return {
      sid: `${input.subjectId}.${this.#sidCounter}.${randomBytes(4).toString('hex')}`,
      clientId: input.clientId,
      subjectId: input.subjectId,
      scope: input.scope,
      scopeText,
      name,
      boundConnection: name === undefined ? input.connectionId : undefined,
      alive: true,
      current: undefined,
      accessTokens: new Set(),
      refreshTokens: new Set(),
    };
  }

  #issuePair(session: AuthSession): IssuedTokens {
    const now = Date.now();
    const expiresIn = session.scope.expires ?? this.#settings.tokenTtl;
    for (const old of session.accessTokens) {
      if (old.expiresAt <= now) {
        session.accessTokens.delete(old);
        this.#access.delete(old.value);
      }
    }
    const access: AccessToken = { value: randomToken('at.'), session, expiresAt: now + expiresIn * 1000 };
    const refresh: RefreshToken = {
      value: randomToken('rt.'),
      session,
      expiresAt: now + this.#settings.refreshTokenTtl * 1000,
    };
    this.#access.set(access.value, access);
    this.#refresh.set(refresh.value, refresh);
    session.accessTokens.add(access);
    session.refreshTokens.add(refresh);
    session.current = access;
    return { session, access, refresh, expiresIn };
  }

  /** A connection-scoped session dies when the socket it is bound to closes. */
  #bind(session: AuthSession): void {
    const connectionId = session.boundConnection;
    if (connectionId === undefined) return;
    let set = this.#byConnection.get(connectionId);
    if (!set) {
      set = new Set();
      this.#byConnection.set(connectionId, set);
    }
    set.add(session);
  }

  /**
   * Look up a refresh token sent on socket `connectionId` without using it (for exchange and fork). A
   * connection-scoped token sent on another socket is refused, as Deribit refuses it.
   */
  peekRefresh(value: string, connectionId: number): TokenCheck {
    const token = this.#refresh.get(value);
    if (!token) return { ok: false, state: 'invalid', reason: 'invalid refresh token' };
    if (!token.session.alive)
      return { ok: false, state: 'invalid', reason: 'refresh token has been invalidated' };
    if (token.expiresAt <= Date.now())
      return { ok: false, state: 'invalid', reason: 'refresh token has expired' };
    return TokenStore.#onItsConnection(token.session, connectionId);
  }

  /** A connection-scoped session is usable only on the socket it was granted on. */
  static #onItsConnection(session: AuthSession, connectionId: number): TokenCheck {
    if (session.boundConnection === undefined || session.boundConnection === connectionId) {
      return { ok: true, session };
    }
    return { ok: false, state: 'invalid', reason: 'connection-scoped token used on another connection' };
  }

  /**
   * Use a refresh token (single use) on socket `connectionId` and issue a new pair in the same session.
   * A connection-scoped session must be bound to this socket, and its previous tokens are invalidated.
   * A named session keeps older access tokens until they expire.
   */
  refresh(
    value: string,
    connectionId: number,
  ): { ok: true; tokens: IssuedTokens } | Extract<TokenCheck, { ok: false }> {
    const check = this.peekRefresh(value, connectionId);
    if (!check.ok) return check;
    const session = check.session;
    if (session.name === undefined) {
      for (const old of session.accessTokens) this.#access.delete(old.value);
      session.accessTokens.clear();
      for (const old of session.refreshTokens) this.#refresh.delete(old.value);
      session.refreshTokens.clear();
    } else {
      this.#refresh.delete(value);
      for (const token of session.refreshTokens) {
        if (token.value === value) session.refreshTokens.delete(token);
      }
    }
    return { ok: true, tokens: this.#issuePair(session) };
  }

  /** Check an explicit `access_token` sent on socket `connectionId`. */
  checkAccess(value: string, connectionId: number): TokenCheck {
    const token = this.#access.get(value);
    if (!token) return { ok: false, state: 'invalid', reason: 'invalid token' };
    const session = token.session;
    if (!session.alive) return { ok: false, state: 'invalid', reason: 'token has been invalidated' };
    const bound = TokenStore.#onItsConnection(session, connectionId);
    if (!bound.ok) return bound;
    if (token.expiresAt <= Date.now()) return { ok: false, state: 'expired', reason: TOKEN_EXPIRED };
    return { ok: true, session };
  }

  /** Check the session a socket authenticated with: its current access token must be alive. */
  static checkSession(session: AuthSession): TokenCheck {
    if (!session.alive || !session.current)
      return { ok: false, state: 'invalid', reason: 'token has been invalidated' };
    if (session.current.expiresAt <= Date.now())
      return { ok: false, state: 'expired', reason: TOKEN_EXPIRED };
    return { ok: true, session };
  }

  /** Kill a session: all its tokens stop working and it leaves the named-session budget. */
  invalidate(session: AuthSession): void {
    session.alive = false;
    for (const token of session.accessTokens) this.#access.delete(token.value);
    session.accessTokens.clear();
    for (const token of session.refreshTokens) this.#refresh.delete(token.value);
    session.refreshTokens.clear();
    if (session.name !== undefined) {
      const named = this.#named.get(session.clientId);
      const key = `${session.subjectId}:${session.name}`;
      if (named?.get(key) === session) named.delete(key);
    }
    if (session.boundConnection !== undefined)
      this.#byConnection.get(session.boundConnection)?.delete(session);
  }

  /** A socket closed: its connection-scoped sessions die. */
  connectionClosed(connectionId: number): void {
    const set = this.#byConnection.get(connectionId);
    if (!set) return;
    this.#byConnection.delete(connectionId);
    for (const session of set) this.invalidate(session);
  }

  /** Every access token expires now (sessions and refresh tokens stay usable). */
  expireAll(): void {
    const now = Date.now();
    for (const token of this.#access.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /** Every outstanding refresh token stops working (access tokens keep working until they expire). */
  revokeRefreshTokens(): void {
    for (const token of this.#refresh.values()) token.session.refreshTokens.delete(token);
    this.#refresh.clear();
  }

  /** Names of the named sessions a key holds, oldest first. */
  sessionsOf(clientId: string): string[] {
    const named = this.#named.get(clientId);
    return named ? [...named.values()].map((session) => session.name ?? '') : [];
  }
}
