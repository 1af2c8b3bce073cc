/**
 * When to refresh a token (pure math), and the one timer that does it.
 * @module
 */
import { monotonic } from '../time/clock.js';

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

/** The largest delay `setTimeout` accepts (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Milliseconds from now until a token that lives `expiresIn` **seconds** should be refreshed:
 * the earlier of `ratio × life` and `life − margin`, minus up to `jitter × delay` at random, but never
 * before `minRatio × life` (so at most one refresh per `minRatio × life`, whatever the server says).
 * Not clamped: see {@link MAX_TIMER_DELAY}.
 */
export function refreshDelay(
  expiresIn: number,
  options: RefreshOptions = {},
  random: () => number = Math.random,
): number {
  const { ratio, margin, minRatio, jitter } = { ...DEFAULT_REFRESH, ...options };
  const life = Math.max(0, expiresIn) * 1000;
  const floor = life * minRatio;
  const planned = Math.max(Math.min(life * ratio, life - margin * 1000), floor);
  return Math.max(0, Math.round(Math.max(floor, planned - planned * jitter * random())));
}

/**
 * One timer that fires `onDue` at an absolute time on the monotonic clock ({@link monotonic}), however far
 * away (it re-arms in {@link MAX_TIMER_DELAY} steps). Scheduling again cancels the previous schedule.
 */
export class DeadlineTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = 0;
  #onDue: (() => void) | undefined;

  /** Fire `onDue` at `at` (monotonic ms, see {@link monotonic}), replacing any earlier schedule. */
  schedule(at: number, onDue: () => void): void {
    this.cancel();
    this.#at = at;
    this.#onDue = onDue;
    this.#arm();
  }

  /** Fire `onDue` in `ms` milliseconds, replacing any earlier schedule. */
  scheduleIn(ms: number, onDue: () => void): void {
    this.schedule(monotonic() + ms, onDue);
  }

  /** The scheduled time (monotonic ms), or undefined when idle. */
  get dueAt(): number | undefined {
    return this.#onDue ? this.#at : undefined;
  }

  /** Forget the schedule. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#onDue = undefined;
  }

  #arm(): void {
    const delay = Math.min(Math.max(0, this.#at - monotonic()), MAX_TIMER_DELAY);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (monotonic() < this.#at) {
        this.#arm();
        return;
      }
      const onDue = this.#onDue;
      this.#onDue = undefined;
      onDue?.();
    }, delay);
  }
}
