/**
 * The token bucket: its math (pure, on an explicit `now`) and the in-memory bucket built on it. The Redis
 * store's Lua script does the same math on the server (`redis-script.ts`); keep the two alike.
 * @module
 */

/** How a bucket fills: `rate` tokens a second up to `burst`, and `slowRate` a second while slowed down. */
export interface BucketSpec {
  /** Tokens a second. */
  readonly rate: number;
  /** The most tokens the bucket holds. */
  readonly burst: number;
  /** Tokens a second during a cooldown after a `10028` (see {@link CreditBucket.drain}). */
  readonly slowRate: number;
}

/** What a take found. */
export interface TakeResult {
  /** Whether the tokens were taken. */
  readonly ok: boolean;
  /** Tokens left after the take (or found, when it failed). */
  readonly available: number;
  /** When it failed: ms until the tokens asked for will be there (Infinity: never, more than the burst). */
  readonly waitMs: number;
}

/** A bucket's state: `tokens` at monotonic time `at`, slowed down until `slowUntil`. */
export interface BucketState {
  tokens: number;
  at: number;
  slowUntil: number;
}

/** The tokens in `state` at `now` (refilled since `state.at`, at the slow rate before `slowUntil`). Pure. */
export function tokensAt(state: Readonly<BucketState>, spec: BucketSpec, now: number): number {
  if (now <= state.at) return Math.min(spec.burst, state.tokens);
  const slowEnd = Math.min(now, Math.max(state.at, state.slowUntil));
  const gained = ((slowEnd - state.at) * spec.slowRate + (now - slowEnd) * spec.rate) / 1000;
  return Math.min(spec.burst, state.tokens + gained);
}

/** ms from `now` until a bucket holding `tokens` holds `needed` (0 if it does; Infinity past the burst). Pure. */
export function msUntil(
  tokens: number,
  needed: number,
  spec: BucketSpec,
  now: number,
  slowUntil: number,
): number {
  if (tokens >= needed) return 0;
  if (needed > spec.burst) return Number.POSITIVE_INFINITY;
  const deficit = needed - tokens;
  if (slowUntil <= now) return (deficit / spec.rate) * 1000;
  const slowSpan = slowUntil - now;
  const slowGain = (slowSpan * spec.slowRate) / 1000;
  if (slowGain >= deficit) return (deficit / spec.slowRate) * 1000;
  return slowSpan + ((deficit - slowGain) / spec.rate) * 1000;
}

/** A bucket that lives in this process, on a monotonic clock. Starts full unless told otherwise. */
export class TokenBucket {
  readonly #now: () => number;
  readonly #state: BucketState;

  /**
   * @param now - monotonic ms
   * @param tokens - tokens to start with; default: full (clipped to the spec's burst on first use)
   */
  constructor(now: () => number, tokens = Number.POSITIVE_INFINITY) {
    this.#now = now;
    this.#state = { tokens, at: now(), slowUntil: 0 };
  }

  /** Take `count` tokens if `count + floor` are there: `floor` tokens stay for others (a reserve). */
  take(spec: BucketSpec, count: number, floor: number): TakeResult {
    const now = this.#now();
    const state = this.#state;
    const tokens = tokensAt(state, spec, now);
    state.at = Math.max(state.at, now);
    if (tokens >= count + floor) {
      state.tokens = tokens - count;
      return { ok: true, available: state.tokens, waitMs: 0 };
    }
    state.tokens = tokens;
    return {
      ok: false,
      available: tokens,
      waitMs: msUntil(tokens, count + floor, spec, now, state.slowUntil),
    };
  }

  /** Empty the bucket, and refill at `spec.slowRate` for `cooldownMs` from now. */
  drain(spec: BucketSpec, cooldownMs: number): void {
    const now = this.#now();
    const state = this.#state;
    state.tokens = Math.min(0, tokensAt(state, spec, now));
    state.at = Math.max(state.at, now);
    state.slowUntil = Math.max(state.slowUntil, now + cooldownMs);
  }

  /** The tokens there now. */
  peek(spec: BucketSpec): number {
    return tokensAt(this.#state, spec, this.#now());
  }
}
