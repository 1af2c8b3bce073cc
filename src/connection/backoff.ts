/**
 * Reconnect backoff: the only place p-retry is used. p-retry owns the attempt loop, the retry budget and
 * the abort signal; the wait between attempts is computed here with p-retry's own formula, so the delay
 * is known before waiting and can be reported in the `reconnecting` event.
 * @module
 */
import pRetry from 'p-retry';
import { sleep } from '../time/wait.js';

/** Reconnect policy, with p-retry's option names. All optional; `undefined` means the default. Delays are in ms, at most 2^31 − 1. */
export interface ReconnectOptions {
  /** Attempts after the first failure before giving up: an integer ≥ 0, or `Infinity`. Default `Infinity`. */
  readonly retries?: number;
  /** Exponential factor, finite, ≥ 1. Default `2`. */
  readonly factor?: number;
  /** First delay in ms, ≥ 0 and ≤ `maxTimeout`. Default `500`. */
  readonly minTimeout?: number;
  /** Largest delay in ms, ≥ `minTimeout`. Default `30000`. */
  readonly maxTimeout?: number;
  /** Multiply each delay by a random factor in [1, 2) (jitter); a boolean. Default `true`. */
  readonly randomize?: boolean;
  /** Give up after this many ms of trying: > 0, or `Infinity`. Default `Infinity`. */
  readonly maxRetryTime?: number;
  /**
   * A connection must stay authenticated this long (ms) before the attempt counter resets;
   * a socket that flaps sooner counts as a failed attempt, so backoff keeps growing. ≥ 0 (0: at once). Default `2000`.
   */
  readonly stableAfter?: number;
}

/** Defaults of {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT: Required<ReconnectOptions> = Object.freeze({
  retries: Number.POSITIVE_INFINITY,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 30_000,
  randomize: true,
  maxRetryTime: Number.POSITIVE_INFINITY,
  stableAfter: 2000,
});

/** p-retry's delay formula: `round(r × minTimeout × factor^(n−1))` capped at `maxTimeout`, r ∈ [1, 2) when randomized. */
export function backoffDelay(
  attempt: number,
  options: Pick<Required<ReconnectOptions>, 'factor' | 'minTimeout' | 'maxTimeout' | 'randomize'>,
  random: () => number = Math.random,
): number {
  const r = options.randomize ? 1 + random() : 1;
  const delay = Math.round(r * options.minTimeout * options.factor ** (Math.max(1, attempt) - 1));
  return Math.min(delay, options.maxTimeout);
}

/** Payload of the `reconnecting` event: attempt `attempt` failed with `error`; the next starts in `delay` ms. */
export interface RetryInfo {
  readonly attempt: number;
  readonly delay: number;
  readonly error: Error;
}

/** Hooks for {@link retryWithBackoff}. */
export interface RetryHooks {
  /** Aborting stops the loop at once, even mid-wait. */
  readonly signal: AbortSignal;
  /** False stops the loop and rejects with the error (e.g. bad credentials). */
  readonly shouldRetry: (error: Error) => boolean;
  /** Called before each wait. */
  readonly onRetry: (info: RetryInfo) => void;
  /** The least delay after this error, in ms (e.g. the maximum for a login lockout). Default 0. */
  readonly minDelay?: (error: Error) => number;
}

/** Run `operation` until it succeeds, waiting with exponential backoff and jitter between failures. */
export function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: Required<ReconnectOptions>,
  hooks: RetryHooks,
): Promise<T> {
  return pRetry(operation, {
    retries: options.retries,
    maxRetryTime: options.maxRetryTime,
    signal: hooks.signal,
    minTimeout: 0,
    randomize: false,
    shouldRetry: ({ error }) => !hooks.signal.aborted && hooks.shouldRetry(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft <= 0 || hooks.signal.aborted || !hooks.shouldRetry(error)) return;
      const delay = Math.max(backoffDelay(attemptNumber, options), hooks.minDelay?.(error) ?? 0);
      hooks.onRetry({ attempt: attemptNumber, delay, error });
      await sleep(delay, hooks.signal);
    },
  });
}
