/**
 * Metrics through `node:diagnostics_channel`: the channel names and payload types, and a collector that
 * aggregates them into a JSON snapshot. See `README.md` beside this file.
 * @module
 */
export type { LatestMetrics, SessionMetricsSnapshot } from './aggregate.js';
export {
  type AuthenticationGrant,
  type AuthenticationMetric,
  CALL_OUTCOMES,
  type CallMetric,
  type CallOutcome,
  type ClockOffsetMetric,
  type CreditWaitMetric,
  type InboundLagMetric,
  METRIC_CHANNELS,
  type MetricBase,
  type MetricName,
  type MetricPayloads,
  type NotificationMetric,
  type ReconnectMetric,
  type RefreshMetric,
  type RefreshOutcome,
  type RoundTripMetric,
  type RoundTripSource,
  type RpcErrorMetric,
  type ServerTimeMetric,
  type StreamDropMetric,
} from './channels.js';
export {
  createMetricsCollector,
  type MetricsCollector,
  type MetricsCollectorOptions,
  type MetricsSnapshot,
} from './collector.js';
export { channelFamily } from './family.js';
export { DURATION_BUCKETS_MS, type HistogramSnapshot, SERVER_TIME_BUCKETS_US } from './histogram.js';
