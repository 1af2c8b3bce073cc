/**
 * `examples/metrics-prometheus.ts`: its bridge turns every metric channel into prom-client samples (driven here
 * through the session's own publisher), and the program serves them on 127.0.0.1 while a session runs against
 * the emulator, scraped over HTTP as Prometheus would, then stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeToPrometheus } from '../../examples/metrics-prometheus.js';
import { createMetricsPublisher } from '../../src/metrics/publisher.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/metrics-prometheus.ts', import.meta.url));

/** Every family the example registers, with its Prometheus type. */
const FAMILIES = {
  deribit_session_reconnects_total: 'counter',
  deribit_session_authentications_total: 'counter',
  deribit_session_refreshes_total: 'counter',
  deribit_session_calls_total: 'counter',
  deribit_session_call_duration_seconds: 'histogram',
  deribit_session_rpc_errors_total: 'counter',
  deribit_session_credit_wait_seconds: 'histogram',
  deribit_session_notifications_total: 'counter',
  deribit_session_stream_dropped_total: 'counter',
  deribit_session_round_trip_seconds: 'histogram',
  deribit_session_server_time_seconds: 'histogram',
  deribit_session_clock_offset_seconds: 'gauge',
  deribit_session_inbound_lag_seconds: 'histogram',
} as const;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('bridgeToPrometheus', () => {
  it('turns each metric the session publishes into labelled samples', async () => {
    const registry = new Registry();
    const bridge = bridgeToPrometheus(registry);
    cleanups.push(() => bridge.close());
    const p = createMetricsPublisher('desk');
    p.reconnect(1, 250);
    p.authenticated('client_credentials');
    p.refresh('ok');
    p.call('private/buy', 'ok', 4);
    p.call('private/buy', 'rpc-error', 6);
    p.rpcError('private/buy', 10009);
    p.creditWait('matching_engine', 30);
    p.notification('user.orders.BTC-PERPETUAL.raw');
    p.streamDrop('book.BTC-PERPETUAL.100ms', 5);
    p.roundTrip('probe', 2);
    p.serverTime(250);
    p.clockOffset(1500);
    p.inboundLag('ticker.BTC-PERPETUAL.100ms', Date.now() - 200);
    const text = await registry.metrics();

    for (const sample of [
      'deribit_session_reconnects_total{session="desk"} 1',
      'deribit_session_authentications_total{session="desk",grant="client_credentials"} 1',
      'deribit_session_refreshes_total{session="desk",outcome="ok"} 1',
      'deribit_session_calls_total{session="desk",method="private/buy",outcome="ok"} 1',
      'deribit_session_calls_total{session="desk",method="private/buy",outcome="rpc-error"} 1',
      'deribit_session_call_duration_seconds_count{session="desk",method="private/buy"} 2',
      'deribit_session_call_duration_seconds_sum{session="desk",method="private/buy"} 0.01',
      'deribit_session_call_duration_seconds_bucket{le="0.005",session="desk",method="private/buy"} 1',
      'deribit_session_rpc_errors_total{session="desk",code="10009"} 1',
      'deribit_session_credit_wait_seconds_count{session="desk",pool="matching_engine"} 1',
      'deribit_session_notifications_total{session="desk",family="user.orders"} 1',
      'deribit_session_stream_dropped_total{session="desk",family="book"} 5',
      'deribit_session_round_trip_seconds_count{session="desk",source="probe"} 1',
      'deribit_session_server_time_seconds_bucket{le="0.00025",session="desk"} 1',
      'deribit_session_clock_offset_seconds{session="desk"} 1.5',
      'deribit_session_inbound_lag_seconds_count{session="desk",family="ticker"} 1',
    ])
      expect(text).toContain(sample);
  });

  it('stops counting once closed', async () => {
    const registry = new Registry();
    const bridge = bridgeToPrometheus(registry);
    const p = createMetricsPublisher('closing');
    p.refresh('failed');
    bridge.close();
    p.refresh('failed');
    expect(await registry.metrics()).toContain(
      'deribit_session_refreshes_total{session="closing",outcome="failed"} 1',
    );
  });
});

/** Start the example; resolve with its metrics URL once it prints it. */
async function startExample(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DERIBIT_CLIENT_ID: '', DERIBIT_CLIENT_SECRET: '' }, // the emulator, never testnet
  });
  cleanups.push(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`example exited (${code}) before serving:\n${out}${err}`)));
  });
  return { child, url, output: () => out + err };
}

describe('examples/metrics-prometheus.ts', () => {
  it('serves every metric family on 127.0.0.1 while a session runs, and stops on SIGTERM', async () => {
    const { child, url, output } = await startExample();

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const [family, type] of Object.entries(FAMILIES))
      expect(text).toContain(`# TYPE ${family} ${type}\n`);
    expect((await fetch(new URL('/other', url))).status).toBe(404);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, output()).toBe(0);
    expect(output()).toContain('closed');
  });
});
