/**
 * The collector: what publishers send, aggregated per session into counters and fixed-bucket histograms, as
 * plain JSON; malformed payloads ignored; close() detaches.
 */
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_CHANNELS, type MetricName } from '../../src/metrics/channels.js';
import { createMetricsCollector, type MetricsCollector } from '../../src/metrics/collector.js';
import { DURATION_BUCKETS_MS, Histogram, SERVER_TIME_BUCKETS_US } from '../../src/metrics/histogram.js';
import { createMetricsPublisher } from '../../src/metrics/publisher.js';

const open: MetricsCollector[] = [];

function collector(options?: Parameters<typeof createMetricsCollector>[0]): MetricsCollector {
  const created = createMetricsCollector(options);
  open.push(created);
  return created;
}

afterEach(() => {
  for (const each of open.splice(0)) each.close();
});

/** Counts per bucket of `values` over `bounds`, the way the snapshot reports them. */
function bucketsOf(bounds: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const value of values) {
    const index = bounds.findIndex((bound) => value <= bound);
    const at = index < 0 ? bounds.length : index;
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}

describe('the snapshot', () => {
  it('aggregates every metric of a session', () => {
    const metrics = collector();
    expect(metrics.active).toBe(true);
    const p = createMetricsPublisher('desk-1');
    p.reconnect(1, 500);
    p.reconnect(2, 1000);
    p.authenticated('client_signature');
    p.authenticated('refresh_token');
    p.authenticated('refresh_token');
    p.refresh('ok');
    p.refresh('failed');
    p.call('private/buy', 'ok', 3);
    p.call('private/buy', 'rpc-error', 7);
    p.call('private/buy', 'ok', 700);
    p.call('public/test', 'timeout-unsent', 5000);
    p.rpcError('private/buy', 10009);
    p.rpcError('private/sell', 10009);
    p.creditWait('matching_engine', 60);
    p.notification('ticker.BTC-PERPETUAL.100ms');
    p.notification('ticker.ETH-PERPETUAL.100ms');
    p.notification('user.orders.BTC-PERPETUAL.raw');
    p.streamDrop('book.BTC-PERPETUAL.100ms', 3);
    p.streamDrop('book.ETH-PERPETUAL.100ms');
    p.roundTrip('probe', 0.7);
    p.roundTrip('call', 2);
    p.serverTime(120);
    p.serverTime(60_000);
    p.clockOffset(-12);
    p.inboundLag('ticker.BTC-PERPETUAL.100ms', Date.now() - 1_000_000); // far above every bound

    const snapshot = metrics.snapshot().sessions['desk-1'];
    expect(snapshot).toMatchObject({
      reconnects: 2,
      authentications: { client_signature: 1, refresh_token: 2 },
      refreshes: { ok: 1, failed: 1 },
      calls: { 'private/buy': { ok: 2, 'rpc-error': 1 }, 'public/test': { 'timeout-unsent': 1 } },
      rpcErrors: { '10009': 2 },
      notifications: { ticker: 2, 'user.orders': 1 },
      streamDrops: { book: 4 },
      latest: { roundTrip: 2, usDiff: 60_000, clockOffset: -12 },
    });
    expect(snapshot?.callDuration['private/buy']).toEqual({
      bounds: DURATION_BUCKETS_MS,
      counts: bucketsOf(DURATION_BUCKETS_MS, [3, 7, 700]),
      count: 3,
      sum: 710,
    });
    expect(snapshot?.creditWaits['matching_engine']).toMatchObject({ count: 1, sum: 60 });
    expect(snapshot?.roundTrip.probe.counts).toEqual(bucketsOf(DURATION_BUCKETS_MS, [0.7]));
    expect(snapshot?.roundTrip.call.counts).toEqual(bucketsOf(DURATION_BUCKETS_MS, [2]));
    expect(snapshot?.serverTime).toEqual({
      bounds: SERVER_TIME_BUCKETS_US,
      counts: bucketsOf(SERVER_TIME_BUCKETS_US, [120, 60_000]),
      count: 2,
      sum: 60_120,
    });
    const lag = snapshot?.inboundLag['ticker'];
    expect(lag?.count).toBe(1);
    expect(lag?.counts.at(-1)).toBe(1); // the overflow bucket
    expect(snapshot?.latest.inboundLag).toBeGreaterThanOrEqual(1_000_000 - 12); // corrected by the -12 ms offset
  });

  it('is plain JSON: it survives a round trip through JSON unchanged', () => {
    const metrics = collector();
    const p = createMetricsPublisher('json');
    p.call('public/get_time', 'ok', 1);
    p.notification('ticker.BTC-PERPETUAL.raw');
    const snapshot = metrics.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('starts empty, with null gauges, for a session seen once', () => {
    const metrics = collector();
    createMetricsPublisher('quiet').refresh('ok');
    expect(metrics.snapshot().sessions['quiet']).toMatchObject({
      reconnects: 0,
      calls: {},
      latest: { roundTrip: null, usDiff: null, clockOffset: null, inboundLag: null },
    });
  });

  it('keeps sessions apart, and counts only the one asked for', () => {
    const all = collector();
    const onlyB = collector({ session: 'b' });
    createMetricsPublisher('a').call('public/test', 'ok', 1);
    createMetricsPublisher('b').call('public/test', 'closed', 1);
    createMetricsPublisher('b').call('public/test', 'closed', 1);

    expect(all.snapshot().sessions['a']?.calls).toEqual({ 'public/test': { ok: 1 } });
    expect(all.snapshot().sessions['b']?.calls).toEqual({ 'public/test': { closed: 2 } });
    expect(Object.keys(onlyB.snapshot().sessions)).toEqual(['b']);
  });

  it('takes any label string as a plain key, __proto__ included', () => {
    const metrics = collector();
    createMetricsPublisher('__proto__').call('__proto__', 'ok', 1);
    const sessions = metrics.snapshot().sessions;
    expect(Object.keys(sessions)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(sessions)).toBe(Object.prototype);
    const [[, only] = []] = Object.entries(sessions);
    expect(Object.keys(only?.calls ?? {})).toEqual(['__proto__']);
  });

  it('is a fresh copy each time: later metrics do not change an earlier snapshot', () => {
    const metrics = collector();
    const p = createMetricsPublisher('copy');
    p.call('public/test', 'ok', 1);
    const before = metrics.snapshot();
    p.call('public/test', 'ok', 1);
    expect(before.sessions['copy']?.calls).toEqual({ 'public/test': { ok: 1 } });
    expect(metrics.snapshot().sessions['copy']?.calls).toEqual({ 'public/test': { ok: 2 } });
  });
});

describe('robustness', () => {
  it('ignores payloads of the wrong shape, without throwing in the publisher', () => {
    const metrics = collector();
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'text',
      {},
      { session: 7 },
      { session: 'x', method: 'public/test', outcome: 'maybe', duration: 1 },
      { session: 'x', method: 'public/test', outcome: 'rpc-error', duration: Number.NaN },
      { session: 'x', outcome: 'sideways' },
      { session: 'x', source: 'guess', duration: 1 },
    ];
    for (const name of Object.values(METRIC_CHANNELS))
      for (const message of garbage) expect(() => channel(name).publish(message)).not.toThrow();
    const session = metrics.snapshot().sessions['x'];
    // Sessions with a label appear, but no malformed payload counted.
    expect(session).toMatchObject({ reconnects: 0, calls: {}, refreshes: { ok: 0, failed: 0 } });
    expect(session?.roundTrip.probe.count).toBe(0);
    expect(session?.latest).toEqual({ roundTrip: null, usDiff: null, clockOffset: null, inboundLag: null });
  });

  it('a histogram ignores non-finite values', () => {
    const histogram = new Histogram([1, 2]);
    histogram.observe(Number.POSITIVE_INFINITY);
    histogram.observe(Number.NaN);
    histogram.observe(2);
    histogram.observe(2.5);
    expect(histogram.snapshot()).toEqual({ bounds: [1, 2], counts: [0, 1, 1], count: 2, sum: 4.5 });
  });
});

describe('close()', () => {
  it('detaches from every channel, keeps the totals and is idempotent', () => {
    const metrics = createMetricsCollector();
    const names = Object.values(METRIC_CHANNELS);
    expect(names.every((name) => channel(name).hasSubscribers)).toBe(true);
    const p = createMetricsPublisher('closing');
    p.call('public/test', 'ok', 1);
    metrics.close();
    metrics.close();
    p.call('public/test', 'ok', 1);
    expect(metrics.active).toBe(false);
    expect(names.filter((name) => channel(name).hasSubscribers)).toEqual([]);
    expect(metrics.snapshot().sessions['closing']?.calls).toEqual({ 'public/test': { ok: 1 } });
  });

  it('leaves other subscribers of the same channels alone', () => {
    const received: unknown[] = [];
    const listener = (message: unknown) => received.push(message);
    subscribe(METRIC_CHANNELS.refresh, listener);
    createMetricsCollector().close();
    createMetricsPublisher('neighbour').refresh('ok');
    unsubscribe(METRIC_CHANNELS.refresh, listener);
    expect(received).toEqual([{ session: 'neighbour', outcome: 'ok' }]);
  });

  it('covers every channel (each key of METRIC_CHANNELS)', () => {
    const metrics = collector();
    const keys = Object.keys(METRIC_CHANNELS) as MetricName[];
    expect(keys.filter((key) => !channel(METRIC_CHANNELS[key]).hasSubscribers)).toEqual([]);
    metrics.close();
  });
});
