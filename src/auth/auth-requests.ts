/**
 * The `public/auth` requests themselves: signed or plain credentials, a refresh token, each throttled (see
 * `throttle.ts`) and carrying a fresh `state` the answer must echo; and, when a signature is refused with
 * `13009`, one `public/get_time` round trip to learn the server's clock before signing once more.
 * @module
 */
import type { SocketLifetime } from '../connection/lifetime.js';

/** What an auth request uses of a socket. */
type AuthSocket = Pick<SocketLifetime, 'request'>;

import { isTokenRejection, sessionAction } from '../errors/classify.js';
import {
  AuthenticationError,
  MalformedResponseError,
  type RpcError,
  SessionClosedError,
} from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import type { LazyAbort } from '../time/lazy-abort.js';
import { clockOffsetFrom, credentialParams, parseTokenResult, type TokenSet } from './grants.js';
import { randomNonce } from './signature.js';
import { AuthThrottle } from './throttle.js';

/** Auth requests of one session. */
export class AuthRequests {
  readonly #ctx: SessionContext;
  readonly #disposed: Pick<LazyAbort, 'aborted' | 'signal'>;
  readonly #throttle = new AuthThrottle();
  /** Server time − local time, ms: learnt when a signature is refused. */
  #clockOffset = 0;

  /**
   * @param ctx - the session's context
   * @param disposed - aborts when the session closes: throttle waits end, no more requests
   */
  constructor(ctx: SessionContext, disposed: Pick<LazyAbort, 'aborted' | 'signal'>) {
    this.#ctx = ctx;
    this.#disposed = disposed;
  }

  /** Credentials; a `13009` is retried once after learning the server's clock, then it is fatal. */
  async withCredentials(life: AuthSocket, signal: AbortSignal): Promise<TokenSet> {
    const { credentials, grant, scope, signatureData } = this.#ctx.options;
    if (credentials === undefined) throw new AuthenticationError('no credentials to authenticate with');
    const attempt = async (): Promise<TokenSet> => {
      const params = await credentialParams(grant, credentials, {
        scope,
        data: signatureData,
        clockOffset: this.#clockOffset,
      });
      return this.auth(life, params, signal);
    };
    const refused = (error: RpcError): AuthenticationError =>
      new AuthenticationError(`authentication with ${grant} failed: ${error.code} ${error.deribitMessage}`, {
        cause: error,
      });
    try {
      return await attempt();
    } catch (error) {
      if (!isTokenRejection(error)) throw error;
      if (sessionAction(error) === 'fatal') throw refused(error);
    }
    // 13009: most often a signature timestamp outside the server's window. Learn its clock and sign once more.
    this.#clockOffset = await this.#serverClockOffset(life, signal);
    try {
      return await attempt();
    } catch (error) {
      if (isTokenRejection(error)) throw refused(error);
      throw error;
    }
  }

  /** Server time − local wall time, in ms, from one `public/get_time` round trip (0 when the answer is not a time). */
  async #serverClockOffset(life: AuthSocket, signal: AbortSignal): Promise<number> {
    const sentAt = Date.now();
    const serverTime = await life.request('public/get_time', undefined, {
      timeout: this.#ctx.options.requestTimeout,
      signal,
    });
    if (typeof serverTime !== 'number' || !Number.isFinite(serverTime)) return 0;
    const offset = clockOffsetFrom(serverTime, sentAt, Date.now());
    this.#ctx.log('info', 'clock offset measured', { offsetMs: Math.round(offset) });
    return offset;
  }

  /**
   * One `public/auth`, throttled, with a fresh `state` the answer must echo: a result without it answers some
   * other request, and its tokens are never adopted.
   */
  async auth(
    life: AuthSocket,
    params: Record<string, unknown>,
    signal: AbortSignal,
    timeout = this.#ctx.options.requestTimeout,
  ): Promise<TokenSet> {
    // The signal only when the throttle waits: an idle session never makes it.
    await this.#throttle.wait(
      () => this.#disposed.signal,
      (waitMs) => this.#ctx.log('debug', 'auth throttled', { waitMs }),
    );
    if (this.#disposed.aborted || this.#ctx.state === 'closed') throw new SessionClosedError();
    const state = randomNonce(16);
    const result = await life.request(
      'public/auth',
      { ...params, state },
      { timeout, signal, priority: 'critical' },
    );
    const tokens = parseTokenResult(result);
    if ((result as { state?: unknown }).state !== state) {
      const error = new MalformedResponseError(
        'the public/auth answer does not carry the state this request sent: it is not the answer to it (its tokens are ignored)',
      );
      this.#ctx.report(error);
      throw error;
    }
    return tokens;
  }
}
