/**
 * The family part of a session: forks (`public/fork_token`) and subaccount sessions
 * (`public/exchange_token`), each on its own socket with its own lifecycle; the lineage of named sessions
 * against Deribit's budget of 16 per key; and the token source a child falls back on when its own refresh
 * token is no longer accepted.
 * @module
 */
import type { TokenSet } from '../auth/grants.js';
import type { TokenKeeper, TokenSource } from '../auth/keeper.js';
import { InvalidArgumentError, SessionBudgetError, SessionClosedError } from '../errors/errors.js';
import type { ChildFixedKey, SessionOptions } from '../options/options.js';
import type { SessionContext } from '../session/context.js';
import { Lineage, NAMED_SESSION_BUDGET } from './lineage.js';

/** Options of {@link DeribitSession.fork} and {@link DeribitSession.exchange} for the child: the parent's, overridden. */
export type ChildSessionOptions = Omit<SessionOptions, ChildFixedKey | 'url'> & {
  /** Default: the parent's. */
  readonly url?: string;
};

/** Options of {@link DeribitSession.fork}. */
export interface ForkOptions extends ChildSessionOptions {
  /**
   * Abort: `fork()`/`exchange()` rejects with the signal's reason at once. Already aborted, nothing is asked
   * of the server; aborted while the token is requested, its late answer is ignored; aborted while the child
   * connects, the child is closed with its socket.
   */
  readonly signal?: AbortSignal;
  /**
   * Deribit keeps 16 named sessions per key and silently drops the oldest (usually this family's root). A new
   * named session beyond that is refused with {@link SessionBudgetError} unless this is `true`. Default `false`.
   */
  readonly evictOldest?: boolean;
}

/** Options of {@link DeribitSession.exchange}. */
export interface ExchangeOptions extends ForkOptions {
  /**
   * Name of the subaccount session (`session:NAME` scope). Required when this session is connection-scoped:
   * connection-scoped tokens are bound to the socket that got them and cannot open the child's own socket.
   */
  readonly sessionName?: string;
}

/** What a child is created with (passed privately from parent to child). */
export interface ChildLink {
  readonly source: TokenSource;
  readonly lineage: Lineage;
  /** The credit key of the child's subaccount (a fork shares its parent's pools). */
  readonly creditKey: string | undefined;
}

/** A child session, as its parent's family sees it (the facade, without importing it). */
export interface ChildSession {
  readonly state: string;
  /** The child's own children, and theirs. */
  readonly children: ChildSession[];
  connect(options?: { readonly signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
  once(event: 'closed', listener: () => void): unknown;
}

/** What the family needs from its session. */
export interface FamilyLink<Child extends ChildSession = ChildSession> {
  readonly keeper: TokenKeeper;
  /** Wait for the session to be ready, at most `timeout` ms. */
  waitReady(what: string, timeout: number, signal: AbortSignal | undefined): Promise<void>;
  /** The child's options: the parent's without how it authenticates, overridden; validated (throws). */
  childOptions(overrides: ChildSessionOptions): ChildSessionOptions;
  /** Construct a child session bound to `link`. */
  createChild(options: SessionOptions, link: ChildLink): Child;
  /** This session's credit key (undefined without pacing). */
  readonly creditKey: string | undefined;
}

const SESSION_NAME = /^\S+$/;

/** Forks, subaccount sessions and the lineage of one session. */
export class Family<Child extends ChildSession = ChildSession> {
  /** Shared by every session descended from one root. */
  readonly lineage: Lineage;
  readonly #ctx: SessionContext;
  readonly #link: FamilyLink<Child>;
  #children: Set<Child> | undefined;
  /** Children still connecting: closed with the parent. */
  #spawning: Set<Child> | undefined;

  /**
   * @param ctx - the session's context (its core)
   * @param link - readiness, tokens and child construction
   */
  constructor(ctx: SessionContext, link: FamilyLink<Child>, lineage = new Lineage()) {
    this.#ctx = ctx;
    this.#link = link;
    this.lineage = lineage;
  }

  /** Open children, and theirs. */
  get children(): Child[] {
    return [...(this.#children ?? [])].flatMap((child) => [child, ...(child.children as Child[])]);
  }

  /** Fork a named session; see {@link DeribitSession.fork}. */
  async fork(name: string, options: ForkOptions = {}): Promise<Child> {
    if (typeof name !== 'string' || !SESSION_NAME.test(name)) {
      throw new InvalidArgumentError('name', 'fork() needs a session name without whitespace');
    }
    const { signal, evictOldest, ...overrides } = options;
    const childOptions = this.#link.childOptions(overrides); // before the server is asked for anything
    this.#checkBudget(name, evictOldest);
    if (signal?.aborted) throw signal.reason;
    await this.#link.waitReady('public/fork_token', this.#ctx.options.requestTimeout, signal);
    if (this.#link.keeper.scope?.sessionName === undefined) {
      throw new InvalidArgumentError(
        'name',
        "fork() needs a session-scoped parent: create it with scope 'session:NAME' (this session's token is connection-scoped)",
      );
    }
    const source = this.#source('public/fork_token', (refreshToken) => ({
      refresh_token: refreshToken,
      session_name: name,
    }));
    const child = await this.#spawn(await source(signal), source, childOptions, signal, this.#link.creditKey);
    this.#ctx.emit('forked', { name });
    return child;
  }

  /** Open a subaccount session; see {@link DeribitSession.exchange}. */
  async exchange(subjectId: number, options: ExchangeOptions = {}): Promise<Child> {
    if (!Number.isInteger(subjectId) || subjectId <= 0) {
      throw new InvalidArgumentError('subjectId', 'exchange() needs a positive integer subject id');
    }
    const { sessionName, signal, evictOldest, ...overrides } = options;
    const childOptions = this.#link.childOptions(overrides); // before the server is asked for anything
    if (sessionName !== undefined && (typeof sessionName !== 'string' || !SESSION_NAME.test(sessionName))) {
      throw new InvalidArgumentError('sessionName', 'sessionName must be non-empty and without whitespace');
    }
    if (sessionName !== undefined) this.#checkBudget(sessionName, evictOldest);
    if (signal?.aborted) throw signal.reason;
    await this.#link.waitReady('public/exchange_token', this.#ctx.options.requestTimeout, signal);
    if (sessionName === undefined && this.#link.keeper.scope?.sessionName === undefined) {
      throw new InvalidArgumentError(
        'sessionName',
        'exchange() from a connection-scoped session needs options.sessionName: connection-scoped tokens are bound ' +
          "to this session's socket and cannot open the subaccount session's own socket",
      );
    }
    const source = this.#source('public/exchange_token', (refreshToken) => ({
      refresh_token: refreshToken,
      subject_id: subjectId,
      ...(sessionName === undefined ? {} : { scope: `session:${sessionName}` }),
    }));
    const key = this.#link.creditKey;
    const child = await this.#spawn(
      await source(signal),
      source,
      childOptions,
      signal,
      key === undefined ? undefined : `${key}:${subjectId}`,
    );
    this.#ctx.emit('exchanged', { subjectId });
    return child;
  }

  /** A token source for a child: waits for this session to be ready, then asks the server with its refresh token. */
  #source(method: string, params: (refreshToken: string) => Record<string, unknown>): TokenSource {
    return async (signal) => {
      if (this.#ctx.state === 'closed')
        throw new SessionClosedError(`the parent session is closed: cannot ${method}`);
      await this.#link.waitReady(method, this.#ctx.options.requestTimeout, signal);
      return this.#link.keeper.issue(method, params, signal);
    };
  }

  async #spawn(
    tokens: TokenSet,
    source: TokenSource,
    childOptions: ChildSessionOptions,
    signal: AbortSignal | undefined,
    creditKey: string | undefined,
  ): Promise<Child> {
    const child = this.#link.createChild(
      { ...childOptions, url: childOptions.url ?? this.#ctx.options.url, refreshToken: tokens.refreshToken },
      { source, lineage: this.lineage, creditKey },
    );
    this.#children ??= new Set();
    const children = this.#children;
    children.add(child);
    child.once('closed', () => this.#children?.delete(child));
    const name = tokens.scope.sessionName;
    if (name !== undefined) this.noteNamedSession(name);
    this.#spawning ??= new Set();
    const spawning = this.#spawning;
    spawning.add(child);
    try {
      await child.connect(signal === undefined ? undefined : { signal });
      if (this.#ctx.state === 'closed') {
        throw new SessionClosedError('the parent session closed while the child session was connecting');
      }
    } catch (error) {
      children.delete(child);
      await child.close();
      throw error;
    } finally {
      spawning.delete(child);
    }
    return child;
  }

  /** A new named session past Deribit's budget would evict the family's oldest: refuse it unless asked. */
  #checkBudget(name: string, evictOldest: unknown): void {
    if (evictOldest !== undefined && typeof evictOldest !== 'boolean') {
      throw new InvalidArgumentError('evictOldest', 'evictOldest must be a boolean');
    }
    const names = this.lineage.names;
    if (evictOldest === true || names.includes(name) || names.length < NAMED_SESSION_BUDGET) return;
    throw new SessionBudgetError(name, names);
  }

  /** Record a named session of this family; warn as the key nears Deribit's budget. */
  noteNamedSession(name: string): void {
    if (this.lineage.names.includes(name)) return;
    const warning = this.lineage.add(name);
    if (warning !== undefined) {
      this.#ctx.warn({ code: 'session-budget', message: warning, items: this.lineage.names });
    }
  }

  /** The parent is closing: children still connecting are closed too (they are never returned). */
  closeSpawning(): void {
    for (const child of this.#spawning ?? []) void child.close();
  }
}
