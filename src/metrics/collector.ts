/**
 * The snapshot side: a collector subscribes to every metric channel and aggregates what the sessions publish,
 * per session label, into counters and fixed-bucket histograms that {@link MetricsCollector.snapshot} returns
 * as plain JSON. Payloads are checked before they count: anyone may publish on a channel name, and a
 * subscriber that threw would surface as an uncaught exception.
 * @module
 */

import { SessionAggregate, type SessionMetricsSnapshot } from './aggregate.js';
import {
  CALL_OUTCOMES,
  type CallOutcome,
  METRIC_CHANNELS,
  type MetricName,
  type MetricPayloads,
} from './channels.js';
import { type ChannelListener, diagnostics, NO_DIAGNOSTICS } from './diagnostics.js';

/** Options of {@link createMetricsCollector}. */
export interface MetricsCollectorOptions {
  /** Only count the session with this label. Default: every session in the process, each on its own. */
  readonly session?: string;
}

/** Every session's metrics, keyed by session label. */
export interface MetricsSnapshot {
  readonly sessions: Readonly<Record<string, SessionMetricsSnapshot>>;
}

/** Aggregates the metric channels until closed. */
export interface MetricsCollector {
  /**
   * `false` when this runtime has no `diagnostics_channel` (a browser: the collector stays empty), and after
   * {@link MetricsCollector.close}.
   */
  readonly active: boolean;
  /** The totals so far, as a fresh plain object (`JSON.stringify` works on it). Still works after close. */
  snapshot(): MetricsSnapshot;
  /** Unsubscribe from every channel. Idempotent; the totals stay readable. */
  close(): void;
}

type Fields = { readonly [key: string]: unknown };

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * How each channel's payload counts, after the check that it has the fields its type promises. The mapped
 * type makes a channel without a recorder a compile error.
 */
const RECORDERS: { readonly [K in MetricName]: (fields: Fields, into: SessionAggregate) => void } = {
  reconnect(fields, into) {
    if (isNumber(fields['attempt'])) into.reconnect();
  },
  authentication(fields, into) {
    if (isString(fields['grant'])) into.authentication(fields as unknown as MetricPayloads['authentication']);
  },
  refresh(fields, into) {
    const outcome = fields['outcome'];
    if (outcome === 'ok' || outcome === 'failed') into.refresh(outcome);
  },
  call(fields, into) {
    if (
      isString(fields['method']) &&
      CALL_OUTCOMES.includes(fields['outcome'] as CallOutcome) &&
      isNumber(fields['duration'])
    )
      into.call(fields as unknown as MetricPayloads['call']);
  },
  rpcError(fields, into) {
    if (isString(fields['method']) && isNumber(fields['code']))
      into.rpcError(fields as unknown as MetricPayloads['rpcError']);
  },
  creditWait(fields, into) {
    if (isString(fields['pool']) && isNumber(fields['duration']))
      into.creditWait(fields as unknown as MetricPayloads['creditWait']);
  },
  notification(fields, into) {
    const family = fields['family'];
    if (isString(family)) into.notification(family);
  },
  streamDrop(fields, into) {
    if (isString(fields['family']) && isNumber(fields['dropped']))
      into.streamDrop(fields as unknown as MetricPayloads['streamDrop']);
  },
  roundTrip(fields, into) {
    const source = fields['source'];
    if ((source === 'probe' || source === 'call') && isNumber(fields['duration']))
      into.roundTrip(fields as unknown as MetricPayloads['roundTrip']);
  },
  serverTime(fields, into) {
    const usDiff = fields['usDiff'];
    if (isNumber(usDiff)) into.serverTime(usDiff);
  },
  clockOffset(fields, into) {
    const offset = fields['offset'];
    if (isNumber(offset)) into.clockOffset(offset);
  },
  inboundLag(fields, into) {
    if (isString(fields['family']) && isNumber(fields['lag']))
      into.inboundLag(fields as unknown as MetricPayloads['inboundLag']);
  },
};

/**
 * Start aggregating the metrics every session publishes (or only `options.session`'s). Close it when done:
 * while open it holds one subscription per channel, which also turns publishing on.
 */
export function createMetricsCollector(options: MetricsCollectorOptions = {}): MetricsCollector {
  const only = options.session;
  const source = diagnostics();
  const sessions = new Map<string, SessionAggregate>();
  const listeners: Array<readonly [string, ChannelListener]> = [];

  for (const [key, name] of Object.entries(METRIC_CHANNELS) as Array<[MetricName, string]>) {
    const record = RECORDERS[key];
    const listener: ChannelListener = (message) => {
      if (typeof message !== 'object' || message === null) return;
      const fields = message as Fields;
      const session = fields['session'];
      if (!isString(session) || (only !== undefined && session !== only)) return;
      let aggregate = sessions.get(session);
      if (aggregate === undefined) {
        aggregate = new SessionAggregate();
        sessions.set(session, aggregate);
      }
      record(fields, aggregate);
    };
    source.subscribe(name, listener);
    listeners.push([name, listener]);
  }

  let active = source !== NO_DIAGNOSTICS;
  return {
    get active() {
      return active;
    },
    snapshot() {
      return {
        sessions: Object.fromEntries(
          [...sessions].map(([label, aggregate]) => [label, aggregate.snapshot()]),
        ),
      };
    },
    close() {
      active = false;
      for (const [name, listener] of listeners.splice(0)) source.unsubscribe(name, listener);
    },
  };
}
