/**
 * The metric channels: their names (stable, part of the public API) and the payload each one carries.
 * Every payload names the `session` that published it, so several sessions in one process can be told apart.
 * Durations are milliseconds from the monotonic clock; `usDiff` is Deribit's microseconds.
 * @module
 */
import type { Grant } from '../auth/grants.js';

// `satisfies` keeps the names and the payload types complete both ways: a missing or extra key is a compile error.
/**
 * The `node:diagnostics_channel` names the session publishes on, one per metric. Subscribe with
 * `diagnostics_channel.subscribe(METRIC_CHANNELS.call, (payload) => …)`, or use {@link createMetricsCollector}.
 */
export const METRIC_CHANNELS = {
  /** {@link ReconnectMetric}: a reconnect attempt starts (after the socket was lost, or after a backoff). */
  reconnect: 'deribit-session:reconnect',
  /** {@link AuthenticationMetric}: the session authenticated, by grant. */
  authentication: 'deribit-session:authentication',
  /** {@link RefreshMetric}: a scheduled token refresh ended, `ok` or `failed`. */
  refresh: 'deribit-session:refresh',
  /** {@link CallMetric}: a call ended, by method and outcome, with its duration. */
  call: 'deribit-session:call',
  /** {@link RpcErrorMetric}: the server answered a call with a JSON-RPC error, by code. */
  rpcError: 'deribit-session:rpc-error',
  /** {@link CreditWaitMetric}: a call waited for rate-limit credits, by pool. */
  creditWait: 'deribit-session:credit-wait',
  /** {@link NotificationMetric}: a subscription notification arrived, by channel family. */
  notification: 'deribit-session:notification',
  /** {@link StreamDropMetric}: a `drop-oldest` stream discarded unread items. */
  streamDrop: 'deribit-session:stream-drop',
  /** {@link RoundTripMetric}: a round trip was timed, from a liveness probe or a call. */
  roundTrip: 'deribit-session:round-trip',
  /** {@link ServerTimeMetric}: a response carried Deribit's `usDiff` (server processing time). */
  serverTime: 'deribit-session:server-time',
  /** {@link ClockOffsetMetric}: the server clock was measured against the local clock. */
  clockOffset: 'deribit-session:clock-offset',
  /** {@link InboundLagMetric}: a notification's `timestamp` was compared with the local clock. */
  inboundLag: 'deribit-session:inbound-lag',
} as const satisfies { readonly [K in keyof MetricPayloads]: `deribit-session:${string}` };

/** The key of one metric channel, such as `'call'`. */
export type MetricName = keyof typeof METRIC_CHANNELS;

/** What every metric payload carries. */
export interface MetricBase {
  /** The label the session was given, to tell sessions apart in one process. */
  readonly session: string;
}

/** A reconnect attempt that starts. */
export interface ReconnectMetric extends MetricBase {
  /** Which attempt of this reconnect run it is (1: the first, right after the socket was lost). */
  readonly attempt: number;
  /** The backoff it waited, in ms (0 for the first). */
  readonly delay: number;
}

/**
 * How a session authenticated: its `public/auth` grant. A fork or exchange child authenticates its own socket
 * with `refresh_token` (the forked or exchanged pair), so it reports that.
 */
export type AuthenticationGrant = Grant;

/** A successful authentication. */
export interface AuthenticationMetric extends MetricBase {
  readonly grant: AuthenticationGrant;
}

/** How a scheduled refresh ended. */
export type RefreshOutcome = 'ok' | 'failed';

/** A scheduled token refresh that ended. */
export interface RefreshMetric extends MetricBase {
  readonly outcome: RefreshOutcome;
}

/**
 * How a call ended: `ok`; `rpc-error` (the server answered with an error); `timeout-sent` (sent, no answer in
 * time: outcome unknown); `timeout-unsent` (never sent: the session was not ready in time); `closed` (the socket
 * or the session went while it was in flight); `aborted` (its signal aborted).
 */
export type CallOutcome = 'ok' | 'rpc-error' | 'timeout-sent' | 'timeout-unsent' | 'closed' | 'aborted';

/** The outcomes of {@link CallOutcome}, in a fixed order (for exporters that pre-register labels). */
export const CALL_OUTCOMES: readonly CallOutcome[] = [
  'ok',
  'rpc-error',
  'timeout-sent',
  'timeout-unsent',
  'closed',
  'aborted',
];

/** A call that ended. */
export interface CallMetric extends MetricBase {
  /** The JSON-RPC method, such as `private/buy`. */
  readonly method: string;
  readonly outcome: CallOutcome;
  /** ms from the call to its end, waiting for readiness included. */
  readonly duration: number;
}

/** A JSON-RPC error answered by the server. */
export interface RpcErrorMetric extends MetricBase {
  readonly method: string;
  /** Deribit's error code, such as `10028`. */
  readonly code: number;
}

/** A wait for rate-limit credits before a call was sent. */
export interface CreditWaitMetric extends MetricBase {
  /** The credit pool, such as `non_matching_engine` or `matching_engine`. */
  readonly pool: string;
  /** ms waited. */
  readonly duration: number;
}

/** A subscription notification. */
export interface NotificationMetric extends MetricBase {
  /** The full channel name, such as `ticker.BTC-PERPETUAL.100ms` (high cardinality: aggregate by `family`). */
  readonly channel: string;
  /** The channel family, such as `ticker` or `user.orders` (see {@link channelFamily}). */
  readonly family: string;
}

/** Items a `drop-oldest` stream discarded because its consumer was too slow. */
export interface StreamDropMetric extends MetricBase {
  readonly channel: string;
  readonly family: string;
  /** How many items were dropped at once (usually 1). */
  readonly dropped: number;
}

/** Where a round-trip time came from. */
export type RoundTripSource = 'probe' | 'call';

/** One timed round trip. */
export interface RoundTripMetric extends MetricBase {
  readonly source: RoundTripSource;
  /** ms from sending to the answer. */
  readonly duration: number;
}

/** Deribit's `usDiff` of one response: µs the server spent between receiving and answering. */
export interface ServerTimeMetric extends MetricBase {
  readonly usDiff: number;
}

/** A measurement of the server clock. */
export interface ClockOffsetMetric extends MetricBase {
  /** Server time − local wall time, in ms. */
  readonly offset: number;
}

/** How late a notification arrived, by Deribit's own `timestamp`. */
export interface InboundLagMetric extends MetricBase {
  readonly channel: string;
  readonly family: string;
  /**
   * ms from the notification's `timestamp` to its arrival, on the server's clock: local time plus the last
   * {@link ClockOffsetMetric} offset (0 until one is measured). A small negative value is clock noise.
   */
  readonly lag: number;
}

/** The payload type of each metric channel. */
export interface MetricPayloads {
  readonly reconnect: ReconnectMetric;
  readonly authentication: AuthenticationMetric;
  readonly refresh: RefreshMetric;
  readonly call: CallMetric;
  readonly rpcError: RpcErrorMetric;
  readonly creditWait: CreditWaitMetric;
  readonly notification: NotificationMetric;
  readonly streamDrop: StreamDropMetric;
  readonly roundTrip: RoundTripMetric;
  readonly serverTime: ServerTimeMetric;
  readonly clockOffset: ClockOffsetMetric;
  readonly inboundLag: InboundLagMetric;
}
