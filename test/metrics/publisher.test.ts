/**
 * The publisher: every metric reaches its own channel with its payload while someone listens, and while nobody
 * listens nothing is built, no clock is read and no notification data is touched.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRIC_CHANNELS, type MetricName, type MetricPayloads } from '../../src/metrics/channels.js';
import type { DiagnosticsChannels, MetricChannel } from '../../src/metrics/diagnostics.js';
import { createMetricsPublisher, type MetricsPublisher } from '../../src/metrics/publisher.js';

const SESSION = 'publisher-test';

/** One call per metric, and the payload it must publish. The mapped type keeps the table complete. */
const CASES: { readonly [K in MetricName]: readonly [(p: MetricsPublisher) => void, MetricPayloads[K]] } = {
  reconnect: [(p) => p.reconnect(3, 1200), { session: SESSION, attempt: 3, delay: 1200 }],
  authentication: [
    (p) => p.authenticated('client_signature'),
    { session: SESSION, grant: 'client_signature' },
  ],
  refresh: [(p) => p.refresh('failed'), { session: SESSION, outcome: 'failed' }],
  call: [
    (p) => p.call('private/buy', 'timeout-sent', 12.5),
    { session: SESSION, method: 'private/buy', outcome: 'timeout-sent', duration: 12.5 },
  ],
  rpcError: [
    (p) => p.rpcError('private/buy', 10009),
    { session: SESSION, method: 'private/buy', code: 10009 },
  ],
  creditWait: [
    (p) => p.creditWait('matching_engine', 40),
    { session: SESSION, pool: 'matching_engine', duration: 40 },
  ],
  notification: [
    (p) => p.notification('user.orders.BTC-PERPETUAL.raw'),
    { session: SESSION, channel: 'user.orders.BTC-PERPETUAL.raw', family: 'user.orders' },
  ],
  streamDrop: [
    (p) => p.streamDrop('book.BTC-PERPETUAL.100ms', 4),
    { session: SESSION, channel: 'book.BTC-PERPETUAL.100ms', family: 'book', dropped: 4 },
  ],
  roundTrip: [(p) => p.roundTrip('probe', 0.8), { session: SESSION, source: 'probe', duration: 0.8 }],
  serverTime: [(p) => p.serverTime(142), { session: SESSION, usDiff: 142 }],
  clockOffset: [(p) => p.clockOffset(-35), { session: SESSION, offset: -35 }],
  inboundLag: [
    (p) => p.inboundLag('ticker.BTC-PERPETUAL.100ms', Date.now() - 5_000),
    { session: SESSION, channel: 'ticker.BTC-PERPETUAL.100ms', family: 'ticker', lag: 5_000 },
  ],
};

const subscriptions: Array<() => void> = [];

/** Record what `name` receives until the test ends. */
function listen(name: string): unknown[] {
  const received: unknown[] = [];
  const listener = (message: unknown) => received.push(message);
  subscribe(name, listener);
  subscriptions.push(() => unsubscribe(name, listener));
  return received;
}

afterEach(() => {
  for (const off of subscriptions.splice(0)) off();
  vi.restoreAllMocks();
});

describe('with a subscriber', () => {
  it.each(Object.keys(CASES) as MetricName[])('%s publishes its payload on its own channel only', (key) => {
    const received = Object.fromEntries(
      (Object.keys(METRIC_CHANNELS) as MetricName[]).map((name) => [name, listen(METRIC_CHANNELS[name])]),
    );
    const [publish, payload] = CASES[key];
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    publish(createMetricsPublisher(SESSION));

    expect(received[key]).toEqual([payload]);
    const others = Object.entries(received).filter(([name]) => name !== key);
    expect(others.flatMap(([, messages]) => messages)).toEqual([]);
  });

  it('labels each payload with its own session', () => {
    const received = listen(METRIC_CHANNELS.refresh);
    createMetricsPublisher('alpha').refresh('ok');
    createMetricsPublisher('beta').refresh('ok');
    expect(received).toEqual([
      { session: 'alpha', outcome: 'ok' },
      { session: 'beta', outcome: 'ok' },
    ]);
  });

  it('turns a notification with a timestamp into an inbound lag, corrected by the last clock offset', () => {
    const lags = listen(METRIC_CHANNELS.inboundLag);
    vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const publisher = createMetricsPublisher(SESSION);
    publisher.notification('ticker.ETH-PERPETUAL.raw', { timestamp: 999_900 });
    publisher.clockOffset(50); // the server runs 50 ms ahead: it saw the same arrival 50 ms later
    publisher.notification('trades.BTC-PERPETUAL.raw', [{ timestamp: 999_000 }, { timestamp: 999_800 }]);
    publisher.notification('user.portfolio.btc', { equity: 1 }); // no timestamp: no lag
    expect(lags).toEqual([
      { session: SESSION, channel: 'ticker.ETH-PERPETUAL.raw', family: 'ticker', lag: 100 },
      { session: SESSION, channel: 'trades.BTC-PERPETUAL.raw', family: 'trades', lag: 250 },
    ]);
  });

  it('drops one item by default', () => {
    const drops = listen(METRIC_CHANNELS.streamDrop);
    createMetricsPublisher(SESSION).streamDrop('ticker.BTC-PERPETUAL.raw');
    expect(drops).toEqual([
      { session: SESSION, channel: 'ticker.BTC-PERPETUAL.raw', family: 'ticker', dropped: 1 },
    ]);
  });
});

describe('with nobody listening', () => {
  /** A stand-in for diagnostics_channel that counts every look at a channel and every publish. */
  function countingSource(): { source: DiagnosticsChannels; reads: () => number; published: unknown[] } {
    let reads = 0;
    const published: unknown[] = [];
    const channel: MetricChannel = {
      get hasSubscribers() {
        reads += 1;
        return false;
      },
      publish: (message) => published.push(message),
    };
    const source: DiagnosticsChannels = {
      channel: () => channel,
      subscribe() {},
      unsubscribe: () => false,
    };
    return { source, reads: () => reads, published };
  }

  it('builds no payload, reads no clock and never touches notification data', () => {
    const { source, reads, published } = countingSource();
    const now = vi.spyOn(Date, 'now');
    let dataReads = 0;
    const data = {
      get timestamp() {
        dataReads += 1;
        return 1;
      },
    };
    const publisher = createMetricsPublisher(SESSION, source);
    for (const [publish] of Object.values(CASES)) publish(publisher);
    now.mockClear(); // the inboundLag case computes its own argument with Date.now(); only the publisher counts
    publisher.notification('ticker.BTC-PERPETUAL.raw', data);
    publisher.notification('trades.BTC-PERPETUAL.raw', [data, data]);
    publisher.inboundLag('ticker.BTC-PERPETUAL.raw', 1);

    expect(published).toEqual([]);
    expect(dataReads).toBe(0);
    expect(now).not.toHaveBeenCalled();
    // Each call looked at its channel (a notification with data looks at two): the checks did run.
    expect(reads()).toBe(Object.keys(CASES).length + 2 * 2 + 1);
  });

  it('publishes nothing on the real channels once the last subscriber left', () => {
    const received: unknown[] = [];
    const listener = (message: unknown) => received.push(message);
    subscribe(METRIC_CHANNELS.call, listener);
    const publisher = createMetricsPublisher(SESSION);
    publisher.call('public/test', 'ok', 1);
    unsubscribe(METRIC_CHANNELS.call, listener);
    publisher.call('public/test', 'ok', 1);
    expect(received).toHaveLength(1);
  });
});
