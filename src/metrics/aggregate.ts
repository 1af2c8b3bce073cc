/**
 * One session's aggregated metrics: counters by label and fixed-bucket histograms, turned into plain JSON on
 * demand. Labels are kept in `Map`s, so any string (even `__proto__`) is only a key.
 * @module
 */
import type {
  AuthenticationMetric,
  CallMetric,
  CallOutcome,
  CreditWaitMetric,
  InboundLagMetric,
  RefreshOutcome,
  RoundTripMetric,
  RoundTripSource,
  RpcErrorMetric,
  StreamDropMetric,
} from './channels.js';
import {
  DURATION_BUCKETS_MS,
  Histogram,
  type HistogramSnapshot,
  SERVER_TIME_BUCKETS_US,
} from './histogram.js';

/** The latest value of each gauge-like metric, `null` until one is seen. */
export interface LatestMetrics {
  /** ms of the last timed round trip, from either source. */
  readonly roundTrip: number | null;
  /** The last `usDiff`, µs. */
  readonly usDiff: number | null;
  /** The last server − local clock offset, ms. */
  readonly clockOffset: number | null;
  /** ms of the last inbound lag. */
  readonly inboundLag: number | null;
}

/** One session's metrics, as plain JSON. Counters only grow; label keys appear once seen. */
export interface SessionMetricsSnapshot {
  /** Reconnect attempts scheduled. */
  readonly reconnects: number;
  /** Authentications by grant. */
  readonly authentications: Readonly<Record<string, number>>;
  /** Scheduled refreshes by outcome. */
  readonly refreshes: Readonly<Record<RefreshOutcome, number>>;
  /** Calls by method, then by outcome. */
  readonly calls: Readonly<Record<string, Readonly<Partial<Record<CallOutcome, number>>>>>;
  /** Call durations (ms) by method, every outcome included. */
  readonly callDuration: Readonly<Record<string, HistogramSnapshot>>;
  /** JSON-RPC errors by code (the code as a string key, such as `"10028"`). */
  readonly rpcErrors: Readonly<Record<string, number>>;
  /** Credit waits (ms) by pool; a histogram's `count` is the number of waits. */
  readonly creditWaits: Readonly<Record<string, HistogramSnapshot>>;
  /** Notifications by channel family. */
  readonly notifications: Readonly<Record<string, number>>;
  /** Items dropped by `drop-oldest` streams, by channel family. */
  readonly streamDrops: Readonly<Record<string, number>>;
  /** Round-trip times (ms) by source. */
  readonly roundTrip: Readonly<Record<RoundTripSource, HistogramSnapshot>>;
  /** Deribit's `usDiff` (µs). */
  readonly serverTime: HistogramSnapshot;
  /** Inbound lag (ms) by channel family. */
  readonly inboundLag: Readonly<Record<string, HistogramSnapshot>>;
  readonly latest: LatestMetrics;
}

function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function histogramOf(histograms: Map<string, Histogram>, key: string, bounds: readonly number[]): Histogram {
  let histogram = histograms.get(key);
  if (histogram === undefined) {
    histogram = new Histogram(bounds);
    histograms.set(key, histogram);
  }
  return histogram;
}

function snapshotsOf(histograms: Map<string, Histogram>): Record<string, HistogramSnapshot> {
  return Object.fromEntries([...histograms].map(([key, histogram]) => [key, histogram.snapshot()]));
}

/** The running totals of one session. */
export class SessionAggregate {
  #reconnects = 0;
  readonly #authentications = new Map<string, number>();
  readonly #refreshes = { ok: 0, failed: 0 };
  readonly #calls = new Map<string, Map<string, number>>();
  readonly #callDuration = new Map<string, Histogram>();
  readonly #rpcErrors = new Map<string, number>();
  readonly #creditWaits = new Map<string, Histogram>();
  readonly #notifications = new Map<string, number>();
  readonly #streamDrops = new Map<string, number>();
  readonly #roundTrip = {
    probe: new Histogram(DURATION_BUCKETS_MS),
    call: new Histogram(DURATION_BUCKETS_MS),
  };
  readonly #serverTime = new Histogram(SERVER_TIME_BUCKETS_US);
  readonly #inboundLag = new Map<string, Histogram>();
  #latest: { -readonly [K in keyof LatestMetrics]: LatestMetrics[K] } = {
    roundTrip: null,
    usDiff: null,
    clockOffset: null,
    inboundLag: null,
  };

  reconnect(): void {
    this.#reconnects += 1;
  }

  authentication(metric: AuthenticationMetric): void {
    bump(this.#authentications, metric.grant);
  }

  refresh(outcome: RefreshOutcome): void {
    this.#refreshes[outcome] += 1;
  }

  call(metric: CallMetric): void {
    let outcomes = this.#calls.get(metric.method);
    if (outcomes === undefined) {
      outcomes = new Map();
      this.#calls.set(metric.method, outcomes);
    }
    bump(outcomes, metric.outcome);
    histogramOf(this.#callDuration, metric.method, DURATION_BUCKETS_MS).observe(metric.duration);
  }

  rpcError(metric: RpcErrorMetric): void {
    bump(this.#rpcErrors, String(metric.code));
  }

  creditWait(metric: CreditWaitMetric): void {
    histogramOf(this.#creditWaits, metric.pool, DURATION_BUCKETS_MS).observe(metric.duration);
  }

  notification(family: string): void {
    bump(this.#notifications, family);
  }

  streamDrop(metric: StreamDropMetric): void {
    bump(this.#streamDrops, metric.family, metric.dropped);
  }

  roundTrip(metric: RoundTripMetric): void {
    this.#roundTrip[metric.source].observe(metric.duration);
    this.#latest.roundTrip = metric.duration;
  }

  serverTime(usDiff: number): void {
    this.#serverTime.observe(usDiff);
    this.#latest.usDiff = usDiff;
  }

  clockOffset(offset: number): void {
    this.#latest.clockOffset = offset;
  }

  inboundLag(metric: InboundLagMetric): void {
    histogramOf(this.#inboundLag, metric.family, DURATION_BUCKETS_MS).observe(metric.lag);
    this.#latest.inboundLag = metric.lag;
  }

  snapshot(): SessionMetricsSnapshot {
    return {
      reconnects: this.#reconnects,
      authentications: Object.fromEntries(this.#authentications),
      refreshes: { ...this.#refreshes },
      calls: Object.fromEntries(
        [...this.#calls].map(([method, outcomes]) => [method, Object.fromEntries(outcomes)]),
      ),
      callDuration: snapshotsOf(this.#callDuration),
      rpcErrors: Object.fromEntries(this.#rpcErrors),
      creditWaits: snapshotsOf(this.#creditWaits),
      notifications: Object.fromEntries(this.#notifications),
      streamDrops: Object.fromEntries(this.#streamDrops),
      roundTrip: { probe: this.#roundTrip.probe.snapshot(), call: this.#roundTrip.call.snapshot() },
      serverTime: this.#serverTime.snapshot(),
      inboundLag: snapshotsOf(this.#inboundLag),
      latest: { ...this.#latest },
    };
  }
}
