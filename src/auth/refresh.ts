/**
 * When to refresh a token: pure math on the token's life and the refresh options.
 * @module
 */
/** Tuning of scheduled token renewal. All optional; `undefined` means the default. */
export interface RefreshOptions {
  /** Refresh after this fraction of the token's life at the latest, in (0, 1]. Default `0.8`. */
  readonly ratio?: number;
  /** …or this many seconds before expiry, whichever comes first; finite, ≥ 0. Default `60`. */
  readonly margin?: number;
  /** Never refresh before this fraction of the life has passed (keeps short tokens from looping), in (0, `ratio`]. Default `0.5`. */
  readonly minRatio?: number;
  /** Fraction of the delay taken off at random, so many sessions don't refresh in lock-step, in [0, 1). Default `0.05`. */
  readonly jitter?: number;
}

/** Defaults of {@link RefreshOptions}. */
export const DEFAULT_REFRESH: Required<RefreshOptions> = Object.freeze({
  ratio: 0.8,
  margin: 60,
  minRatio: 0.5,
  jitter: 0.05,
});

/**
 * Milliseconds from now until a token that lives `expiresIn` **seconds** should be refreshed:
 * the earlier of `ratio × life` and `life − margin`, minus up to `jitter × delay` at random, but never
 * before `minRatio × life` (so at most one refresh per `minRatio × life`, whatever the server says).
 * Not clamped: the timer that waits for it re-arms past `setTimeout`'s range (`DeadlineTimer`).
 */
export function refreshDelay(
  expiresIn: number,
  options: Required<RefreshOptions> = DEFAULT_REFRESH,
  random: () => number = Math.random,
): number {
  const { ratio, margin, minRatio, jitter } = options;
  const life = Math.max(0, expiresIn) * 1000;
  const floor = life * minRatio;
  const planned = Math.max(Math.min(life * ratio, life - margin * 1000), floor);
  return Math.max(0, Math.round(Math.max(floor, planned - planned * jitter * random())));
}
