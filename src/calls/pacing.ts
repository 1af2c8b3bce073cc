/**
 * The session's share of its subaccount's credit governor: which governor (one per store and subaccount key,
 * shared by the root, its forks and the exchange children of the same subject), the account's limits read after
 * authenticating and then hourly, and the governor's notices turned into `warning` events.
 * @module
 */
import type { SocketLifetime } from '../connection/lifetime.js';
import type { SessionContext } from '../session/context.js';
import type { CreditGovernor } from './credits/governor.js';
import type { CreditStatus, GovernorNotice } from './credits/governor-types.js';
import { parseAccountLimits } from './credits/limits.js';
import { type GovernorLease, governors } from './credits/registry.js';
import { defaultCreditStore } from './credits/store.js';

/** Deribit updates tiers hourly: the account's limits are read again this often. */
export const LIMITS_REFRESH_MS = 60 * 60_000;

/** The default key of a subaccount: the endpoint's host and the API key (a child of another subject adds its id). */
export function defaultCreditKey(url: string, clientId: string | undefined): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // Validated already; keep the text.
  }
  return `${host}:${clientId ?? 'token'}`;
}

/** One session's pacing. */
export class Pacing {
  readonly key: string;
  readonly #ctx: SessionContext;
  readonly #lease: GovernorLease;
  readonly #undoNotices: () => void;
  #readAt = Number.NEGATIVE_INFINITY;

  /**
   * @param ctx - the session's context (its options name the store, key and pool overrides)
   * @param key - the subaccount's key (a child's, from its parent)
   */
  constructor(ctx: SessionContext, key: string) {
    const credits = ctx.options.credits;
    const store = (credits === false ? undefined : credits.store) ?? defaultCreditStore();
    this.key = key;
    this.#ctx = ctx;
    this.#lease = governors.lease(store, key, { limits: credits === false ? {} : credits.pools });
    this.#undoNotices = this.#lease.governor.onNotice((notice) => this.#warn(notice));
  }

  /** The governor the session's requests go through. */
  get governor(): CreditGovernor {
    return this.#lease.governor;
  }

  /** For `status()`. */
  status(): CreditStatus {
    return this.#lease.governor.status();
  }

  /**
   * Read the account's limits (its matching-engine tier) if the last read is an hour old, in the background:
   * called when an order call goes out, the one kind of call the tier paces (calls before the answer use
   * Deribit's defaults, the lowest tier). Only an order-placing session spends the request.
   */
  readLimits(life: SocketLifetime): void {
    if (performance.now() - this.#readAt < LIMITS_REFRESH_MS) return;
    this.#readAt = performance.now();
    life
      .request(
        'private/get_account_summary',
        { currency: 'BTC' },
        { timeout: this.#ctx.options.requestTimeout },
      )
      .then(
        (summary) => this.#lease.governor.setLimits(parseAccountLimits(summary)),
        (error: unknown) =>
          this.#ctx.log('info', "the account's rate limits could not be read; Deribit's defaults apply", {
            error: error instanceof Error ? error.message : 'unknown',
          }),
      );
  }

  #warn(notice: GovernorNotice): void {
    if (notice.type === 'held') {
      this.#ctx.warn({
        code: 'credits-held',
        message: `${notice.waiting} calls have waited ${Math.round(notice.heldMs)} ms for credits of the ${notice.pool} pool`,
        items: [notice.pool],
      });
    } else if (notice.type === 'slowed') {
      this.#ctx.warn({
        code: 'rate-limited',
        message: `Deribit answered 10028 too_many_requests (another process on this subaccount?): the ${notice.pool} pool is treated as empty and slowed for ${Math.round(notice.cooldownMs / 1000)} s`,
        items: [notice.pool],
      });
    } else if (notice.type === 'store-failed') {
      this.#ctx.warn({
        code: 'credit-store-failed',
        message: 'the credit store does not answer: this process paces its own calls alone until it does',
      });
    } else this.#ctx.warn({ code: 'credit-store-recovered', message: 'the credit store answers again' });
  }

  /** The session closed: let go of the governor (the last session of the subaccount disposes of it). */
  dispose(): void {
    this.#undoNotices();
    this.#lease.release();
  }
}
