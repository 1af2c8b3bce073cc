/**
 * Fixed-bucket histograms for the collector: the bounds never change, so snapshots from different processes and
 * times add up bucket by bucket, as Prometheus histograms do.
 * @module
 */

/** Upper bounds (ms) for durations and lags: calls, round trips, credit waits, inbound lag. */
export const DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
];

/** Upper bounds (µs) for Deribit's `usDiff`, the server's own processing time. */
export const SERVER_TIME_BUCKETS_US: readonly number[] = [
  50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000,
];

/** A histogram as JSON: `counts[i]` observations fell in `(bounds[i-1], bounds[i]]`; the last, above every bound. */
export interface HistogramSnapshot {
  /** Upper bounds, ascending. */
  readonly bounds: readonly number[];
  /** One count per bound, plus one for values above the last bound: `bounds.length + 1` entries. */
  readonly counts: readonly number[];
  /** Observations in all. */
  readonly count: number;
  /** Sum of all observations. */
  readonly sum: number;
}

/** A histogram with fixed bounds. */
export class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #count = 0;
  #sum = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Count `value` in its bucket. Non-finite values are ignored: they would poison `sum`. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.#counts[index] = (this.#counts[index] as number) + 1;
    this.#count += 1;
    this.#sum += value;
  }

  /** A copy, safe to keep and to `JSON.stringify`. */
  snapshot(): HistogramSnapshot {
    return { bounds: [...this.#bounds], counts: [...this.#counts], count: this.#count, sum: this.#sum };
  }
}
