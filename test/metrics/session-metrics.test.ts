/**
 * The session publishes its metrics: a collector attached to `node:diagnostics_channel` sees reconnects,
 * authentications by grant, refreshes, calls by method and outcome, RPC errors by code, notifications by family,
 * `drop-oldest` stream drops, round trips, the server's `usDiff` and the inbound lag; `status()` shows the round
 * trip and the lag too.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsCollector, METRIC_CHANNELS, type ReconnectMetric } from '../../src/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('a session’s metrics', () => {
  it('reach a collector, labelled with the session, and status() shows round trip and lag', async () => {
    const emu = await h.start({ rateLimits: false });
    const collector = createMetricsCollector({ session: 'desk' });
    try {
      const session = h.session({
        label: 'desk',
        scope: 'session:desk',
        liveness: { idle: 50, timeout: 1000 },
        refresh: { ratio: 0.0005, minRatio: 0.0005, margin: 0, jitter: 0 },
      });
      await session.connect();
      await nextEvent(session, 'refreshed');
      await session.call('public/test');
      await session.call('private/get_positions', {});
      await session.call('public/nope' as string, {}).catch(() => {});
      const ticker = 'ticker.BTC-PERPETUAL.100ms';
      let first: () => void = () => {};
      const got = new Promise<void>((resolve) => {
        first = resolve;
      });
      await session.subscribe(ticker, () => first());
      const stream = session.stream(ticker, { highWaterMark: 1, overflow: 'drop-oldest' });
      await expect.poll(() => emu.channelsOf(emu.connectionIds[0] ?? 0).includes(ticker)).toBe(true);
      // 100 ms old: well past the few ms by which the estimated clock offset may be off (5 ms gave −3 at times).
      for (let i = 0; i < 3; i++) emu.publish(ticker, { timestamp: Date.now() - 100, mark_price: 1 });
      await got;
      await expect.poll(() => session.status().roundTrip).toBeGreaterThan(0);
      const back = nextEvent(session, 'authenticated');
      emu.dropConnections();
      await back;
      await stream.return?.();

      const status = session.status();
      expect(status.lag).toBeGreaterThanOrEqual(50);
      expect(status.lag).toBeLessThan(10_000);
      const snapshot = collector.snapshot().sessions['desk'];
      expect(snapshot).toBeDefined();
      expect(snapshot?.reconnects).toBeGreaterThanOrEqual(1);
      expect(snapshot?.authentications['client_signature']).toBe(1);
      expect(
        Object.values(snapshot?.authentications ?? {}).reduce((a, b) => a + b, 0),
      ).toBeGreaterThanOrEqual(2);
      expect(snapshot?.refreshes.ok).toBeGreaterThanOrEqual(1);
      expect(snapshot?.calls['public/test']?.ok).toBe(1);
      expect(snapshot?.calls['public/nope']?.['rpc-error']).toBe(1);
      expect(snapshot?.rpcErrors['-32601']).toBe(1);
      expect(snapshot?.notifications['ticker']).toBeGreaterThanOrEqual(3);
      expect(snapshot?.streamDrops['ticker']).toBeGreaterThanOrEqual(1);
      expect(snapshot?.roundTrip.probe.count).toBeGreaterThan(0);
      expect(snapshot?.roundTrip.call.count).toBeGreaterThanOrEqual(3);
      expect(snapshot?.serverTime.count).toBeGreaterThan(0);
      expect(snapshot?.latest.inboundLag).not.toBeNull();
    } finally {
      collector.close();
    }
  });

  it('a reconnect metric for every attempt, with its number and the backoff it waited', async () => {
    const emu = await h.start();
    const session = h.session({
      label: 'backoff',
      reconnect: { minTimeout: 20, maxTimeout: 2000, factor: 2, randomize: false, stableAfter: 0 },
    });
    await session.connect();
    const seen: Array<{ attempt: number; delay: number }> = [];
    const listen = (payload: unknown): void => {
      const { session: label, attempt, delay } = payload as ReconnectMetric;
      if (label === 'backoff') seen.push({ attempt, delay });
    };
    diagnostics.subscribe(METRIC_CHANNELS.reconnect, listen);
    try {
      emu.rateLimitAuth(2); // the first two attempts fail: two backoffs of 20 and 40 ms
      const back = nextEvent(session, 'authenticated');
      emu.dropConnections();
      await back;
      expect(seen).toEqual([
        { attempt: 1, delay: 0 },
        { attempt: 2, delay: 20 },
        { attempt: 3, delay: 40 },
      ]);
    } finally {
      diagnostics.unsubscribe(METRIC_CHANNELS.reconnect, listen);
    }
  });
});
