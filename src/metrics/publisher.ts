/**
 * The session's side of the metrics: one small method per metric. Each checks `hasSubscribers` first, so while
 * nobody listens a call costs one property read: no payload is built, no clock is read, no data is inspected.
 * @module
 */
import {
  type AuthenticationGrant,
  type CallOutcome,
  METRIC_CHANNELS,
  type MetricName,
  type MetricPayloads,
  type RefreshOutcome,
  type RoundTripSource,
} from './channels.js';
import { type DiagnosticsChannels, diagnostics } from './diagnostics.js';
import { channelFamily, notificationTimestamp } from './family.js';

/** Publishes one session's metrics on {@link METRIC_CHANNELS}. Every method is safe on the hot path. */
export interface MetricsPublisher {
  /** The label every payload carries. */
  readonly session: string;
  /**
   * Whether anyone listens to what a call tells (its outcome, errors, round trip, the server's clock): the call
   * path times calls only then, so an unobserved call costs nothing more.
   */
  readonly observesCalls: boolean;
  /** A reconnect attempt starts: the `attempt`th of its run, after a backoff of `delay` ms. */
  reconnect(attempt: number, delay: number): void;
  /** The session authenticated with `grant`. */
  authenticated(grant: AuthenticationGrant): void;
  /** A scheduled token refresh ended. */
  refresh(outcome: RefreshOutcome): void;
  /** A call of `method` ended with `outcome` after `duration` ms. */
  call(method: string, outcome: CallOutcome, duration: number): void;
  /** The server answered `method` with JSON-RPC error `code`. */
  rpcError(method: string, code: number): void;
  /** A call waited `duration` ms for credits of `pool`. */
  creditWait(pool: string, duration: number): void;
  /**
   * A notification arrived on `channel`. With `data`, its Deribit `timestamp` (if any) also feeds
   * {@link MetricsPublisher.inboundLag}, read only while someone listens to that channel.
   */
  notification(channel: string, data?: unknown): void;
  /** A `drop-oldest` stream on `channel` discarded `dropped` unread items (default 1). */
  streamDrop(channel: string, dropped?: number): void;
  /** A round trip from `source` took `duration` ms. */
  roundTrip(source: RoundTripSource, duration: number): void;
  /** A response carried Deribit's `usDiff` (µs). */
  serverTime(usDiff: number): void;
  /** The server clock runs `offset` ms ahead of the local one (negative: behind). Also corrects later lags. */
  clockOffset(offset: number): void;
  /** A notification on `channel` stamped `timestamp` (ms epoch, server clock) arrived now. */
  inboundLag(channel: string, timestamp: number): void;
}

/** The channels, each typed with its payload, so a payload that drifts from its type is a compile error. */
type Channels = {
  readonly [K in MetricName]: { readonly hasSubscribers: boolean; publish(message: MetricPayloads[K]): void };
};

/** The channels of each source, looked up once: every session of a process shares them (not 13 lookups each). */
const channelsBySource = new WeakMap<DiagnosticsChannels, Channels>();

function channelsOf(source: DiagnosticsChannels): Channels {
  let channels = channelsBySource.get(source);
  if (channels === undefined) {
    const entries = Object.entries(METRIC_CHANNELS).map(([key, name]) => [key, source.channel(name)]);
    channels = Object.freeze(Object.fromEntries(entries)) as Channels;
    channelsBySource.set(source, channels);
  }
  return channels;
}

/** A publisher for one session, and the channels it writes to. */
class ChannelPublisher implements MetricsPublisher {
  readonly session: string;
  readonly #channels: Channels;
  /** Last measured server − local clock offset, ms: corrects {@link inboundLag}. */
  #offset = 0;

  constructor(session: string, channels: Channels) {
    this.session = session;
    this.#channels = channels;
  }

  get observesCalls(): boolean {
    const c = this.#channels;
    return (
      c.call.hasSubscribers ||
      c.rpcError.hasSubscribers ||
      c.roundTrip.hasSubscribers ||
      c.serverTime.hasSubscribers ||
      c.clockOffset.hasSubscribers
    );
  }

  reconnect(attempt: number, delay: number): void {
    const channel = this.#channels.reconnect;
    if (channel.hasSubscribers) channel.publish({ session: this.session, attempt, delay });
  }

  authenticated(grant: AuthenticationGrant): void {
    const channel = this.#channels.authentication;
    if (channel.hasSubscribers) channel.publish({ session: this.session, grant });
  }

  refresh(outcome: RefreshOutcome): void {
    const channel = this.#channels.refresh;
    if (channel.hasSubscribers) channel.publish({ session: this.session, outcome });
  }

  call(method: string, outcome: CallOutcome, duration: number): void {
    const channel = this.#channels.call;
    if (channel.hasSubscribers) channel.publish({ session: this.session, method, outcome, duration });
  }

  rpcError(method: string, code: number): void {
    const channel = this.#channels.rpcError;
    if (channel.hasSubscribers) channel.publish({ session: this.session, method, code });
  }

  creditWait(pool: string, duration: number): void {
    const channel = this.#channels.creditWait;
    if (channel.hasSubscribers) channel.publish({ session: this.session, pool, duration });
  }

  notification(channel: string, data?: unknown): void {
    const notifications = this.#channels.notification;
    if (notifications.hasSubscribers)
      notifications.publish({ session: this.session, channel, family: channelFamily(channel) });
    if (data === undefined || !this.#channels.inboundLag.hasSubscribers) return;
    const timestamp = notificationTimestamp(data);
    if (timestamp !== undefined) this.inboundLag(channel, timestamp);
  }

  streamDrop(channel: string, dropped = 1): void {
    const drops = this.#channels.streamDrop;
    if (drops.hasSubscribers)
      drops.publish({ session: this.session, channel, family: channelFamily(channel), dropped });
  }

  roundTrip(source: RoundTripSource, duration: number): void {
    const channel = this.#channels.roundTrip;
    if (channel.hasSubscribers) channel.publish({ session: this.session, source, duration });
  }

  serverTime(usDiff: number): void {
    const channel = this.#channels.serverTime;
    if (channel.hasSubscribers) channel.publish({ session: this.session, usDiff });
  }

  clockOffset(offset: number): void {
    this.#offset = offset;
    const channel = this.#channels.clockOffset;
    if (channel.hasSubscribers) channel.publish({ session: this.session, offset });
  }

  inboundLag(channel: string, timestamp: number): void {
    const lags = this.#channels.inboundLag;
    if (!lags.hasSubscribers) return;
    const lag = Date.now() + this.#offset - timestamp;
    lags.publish({ session: this.session, channel, family: channelFamily(channel), lag });
  }
}

/**
 * A publisher for the session labelled `session`. Channels are looked up once a source; pass `source` only to
 * publish somewhere other than this runtime's `diagnostics_channel` (tests do).
 */
export function createMetricsPublisher(
  session: string,
  source: DiagnosticsChannels = diagnostics(),
): MetricsPublisher {
  return new ChannelPublisher(session, channelsOf(source));
}
