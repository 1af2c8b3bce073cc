/**
 * How often the session may try to authenticate, whatever the server answers: at most
 * {@link MAX_AUTHS_PER_WINDOW} auth requests per {@link AUTH_WINDOW_MS}, and a growing backoff when `13009`
 * answers to private calls keep coming.
 * @module
 */
import { backoffDelay, DEFAULT_RECONNECT, type ReconnectOptions } from '../connection/backoff.js';
import { monotonic } from '../time/clock.js';
import { sleep } from '../time/wait.js';

/** At most this many auth requests in {@link AUTH_WINDOW_MS}. */
export const MAX_AUTHS_PER_WINDOW = 3;
/** The throttle's window, ms. */
export const AUTH_WINDOW_MS = 1000;
/** A `13009` burst older than this starts the backoff from zero again. */
export const UNAUTHORIZED_STREAK_RESET_MS = 30_000;

/** The delay before the `streak`-th re-authentication of a `13009` burst: none for the first. */
export function backoffAfter(streak: number, policy: Required<ReconnectOptions> | false): number {
  return streak > 1 ? backoffDelay(streak - 1, policy || DEFAULT_RECONNECT) : 0;
}

/** A sliding window of recent auth requests. */
export class AuthThrottle {
  // Created on first use.
  #recent: number[] | undefined;

  /**
   * Resolve when one more auth request may go (at once, usually); rejects when `signal` aborts. `signal` may be
   * a function, called only when the throttle has to wait.
   */
  async wait(
    signal: AbortSignal | (() => AbortSignal),
    onThrottled: (waitMs: number) => void,
  ): Promise<void> {
    this.#recent ??= [];
    const recent = this.#recent;
    const now = monotonic();
    while (recent.length > 0 && (recent[0] ?? 0) <= now - AUTH_WINDOW_MS) recent.shift();
    if (recent.length >= MAX_AUTHS_PER_WINDOW) {
      const waitMs = (recent[0] ?? now) + AUTH_WINDOW_MS - now;
      onThrottled(Math.round(waitMs));
      await sleep(waitMs, typeof signal === 'function' ? signal() : signal);
      recent.shift();
    }
    recent.push(monotonic());
  }
}
