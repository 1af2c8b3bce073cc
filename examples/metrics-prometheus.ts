// A Prometheus /metrics endpoint for every session in the process, with prom-client.
// Run: npx tsx examples/metrics-prometheus.ts          (serves until Ctrl-C; curl the printed URL)
//      npx tsx examples/metrics-prometheus.ts --once   (prints one scrape and exits)
//
// The session publishes its metrics on node:diagnostics_channel (METRIC_CHANNELS); bridgeToPrometheus()
// subscribes to each channel and feeds prom-client counters and histograms labelled by session.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AuthenticationMetric,
  type CallMetric,
  type ClockOffsetMetric,
  type CreditWaitMetric,
  DeribitSession,
  DURATION_BUCKETS_MS,
  type InboundLagMetric,
  METRIC_CHANNELS,
  type MetricName,
  type MetricPayloads,
  type NotificationMetric,
  type ReconnectMetric,
  type RefreshMetric,
  type RoundTripMetric,
  type RpcErrorMetric,
  SERVER_TIME_BUCKETS_US,
  type ServerTimeMetric,
  type StreamDropMetric,
} from 'deribit-session';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { target } from './target.js';

const SECONDS = DURATION_BUCKETS_MS.map((ms) => ms / 1000);

/** Feed every metric channel into `registry`; `close()` unsubscribes. */
export function bridgeToPrometheus(registry: Registry): { close(): void } {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name: `deribit_session_${name}`, help, labelNames, registers });
  const histogram = (name: string, help: string, labelNames: string[], buckets = SECONDS) =>
    new Histogram({ name: `deribit_session_${name}`, help, labelNames, buckets, registers });

  const reconnects = counter('reconnects_total', 'Reconnect attempts scheduled', ['session']);
  const authentications = counter('authentications_total', 'Authentications by grant', ['session', 'grant']);
  const refreshes = counter('refreshes_total', 'Scheduled token refreshes by outcome', [
    'session',
    'outcome',
  ]);
  const calls = counter('calls_total', 'Calls by method and outcome', ['session', 'method', 'outcome']);
  const callSeconds = histogram('call_duration_seconds', 'Call duration', ['session', 'method']);
  const rpcErrors = counter('rpc_errors_total', 'JSON-RPC errors by code', ['session', 'code']);
  const creditSeconds = histogram('credit_wait_seconds', 'Time waited for rate-limit credits', [
    'session',
    'pool',
  ]);
  const notifications = counter('notifications_total', 'Notifications by channel family', [
    'session',
    'family',
  ]);
  const dropped = counter('stream_dropped_total', 'Stream items dropped (drop-oldest)', [
    'session',
    'family',
  ]);
  const roundTrip = histogram('round_trip_seconds', 'Round-trip time', ['session', 'source']);
  const serverSeconds = histogram(
    'server_time_seconds',
    "Deribit's usDiff: server time per request",
    ['session'],
    SERVER_TIME_BUCKETS_US.map((us) => us / 1e6),
  );
  const clockOffset = new Gauge({
    name: 'deribit_session_clock_offset_seconds',
    help: 'Server clock minus local clock',
    labelNames: ['session'],
    registers,
  });
  const lagSeconds = histogram('inbound_lag_seconds', "Notification arrival minus Deribit's timestamp", [
    'session',
    'family',
  ]);

  const record: { readonly [K in MetricName]: (metric: MetricPayloads[K]) => void } = {
    reconnect: ({ session }: ReconnectMetric) => reconnects.inc({ session }),
    authentication: ({ session, grant }: AuthenticationMetric) => authentications.inc({ session, grant }),
    refresh: ({ session, outcome }: RefreshMetric) => refreshes.inc({ session, outcome }),
    call: ({ session, method, outcome, duration }: CallMetric) => {
      calls.inc({ session, method, outcome });
      callSeconds.observe({ session, method }, duration / 1000);
    },
    rpcError: ({ session, code }: RpcErrorMetric) => rpcErrors.inc({ session, code: String(code) }),
    creditWait: ({ session, pool, duration }: CreditWaitMetric) =>
      creditSeconds.observe({ session, pool }, duration / 1000),
    notification: ({ session, family }: NotificationMetric) => notifications.inc({ session, family }),
    streamDrop: ({ session, family, dropped: count }: StreamDropMetric) =>
      dropped.inc({ session, family }, count),
    roundTrip: ({ session, source, duration }: RoundTripMetric) =>
      roundTrip.observe({ session, source }, duration / 1000),
    serverTime: ({ session, usDiff }: ServerTimeMetric) => serverSeconds.observe({ session }, usDiff / 1e6),
    clockOffset: ({ session, offset }: ClockOffsetMetric) => clockOffset.set({ session }, offset / 1000),
    inboundLag: ({ session, family, lag }: InboundLagMetric) =>
      lagSeconds.observe({ session, family }, lag / 1000),
  };

  const listeners = (Object.keys(METRIC_CHANNELS) as MetricName[]).map((key) => {
    const name = METRIC_CHANNELS[key];
    const listener = (message: unknown) => (record[key] as (metric: unknown) => void)(message);
    subscribe(name, listener);
    return () => unsubscribe(name, listener);
  });
  return {
    close() {
      for (const off of listeners) off();
    },
  };
}

/** Serve `registry` on http://127.0.0.1:PORT/metrics (port 0: the system picks one). */
export async function serveMetrics(registry: Registry, port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', done);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
}

async function main(): Promise<void> {
  const registry = new Registry();
  const bridge = bridgeToPrometheus(registry);
  const { url, server } = await serveMetrics(registry);

  const where = await target();
  const session = new DeribitSession({ url: where.url, credentials: where.credentials });
  await session.connect();
  await session.subscribe('ticker.BTC-PERPETUAL.100ms', () => {});
  await session.call('public/get_time');
  await session.call('private/get_account_summary', { currency: 'BTC' });
  where.emulator?.publish('ticker.BTC-PERPETUAL.100ms', { mark_price: 60_000, timestamp: Date.now() });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await session.close();
      await where.close();
      bridge.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      console.log('closed');
    })();
    return stopping;
  };

  if (process.argv.includes('--once')) {
    console.log(await (await fetch(url)).text());
    await stop();
    return;
  }
  console.log(`metrics at ${url}`);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run as a program, not when a test imports the bridge.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  await main();
