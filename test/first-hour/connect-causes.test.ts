/**
 * connect() never waits silently forever, and says why it cannot connect (issue 22, item 2): connection
 * refused (a closed port on loopback), host name not found (a `lookup` that fails: no DNS query is made),
 * TLS (a self-signed certificate on loopback), HTTP status on the upgrade, timeout. The first connect() is
 * bounded by default and the session stays usable; the demo in live mode prints the cause and stops.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  ConnectFailedError,
  type DeribitSession,
  RequestTimeoutError,
  type RetryInfo,
  type WebSocketConstructor,
} from '../../src/index.js';
import { HostileServer } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
const servers: Server[] = [];
afterEach(async () => {
  await h.cleanup();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

const ROOT = resolve(import.meta.dirname, '../..');

async function closedPort(): Promise<string> {
  const server = await HostileServer.start();
  await server.close();
  return server.url;
}

/** The first failed attempt's error. */
async function firstFailure(session: DeribitSession): Promise<Error> {
  const failed = new Promise<RetryInfo>((done) => session.once('reconnecting', done));
  const connecting = session.connect({ timeout: 10_000 }).catch(() => {});
  const { error } = await failed;
  await session.close();
  await connecting;
  return error;
}

describe('why connect() fails', () => {
  it('connection refused, on a closed loopback port', async () => {
    const error = await firstFailure(h.session({ url: await closedPort() }));
    expect(error).toBeInstanceOf(ConnectFailedError);
    expect(error).toMatchObject({ failure: 'refused' });
    expect(error.message).toMatch(/127\.0\.0\.1:\d+ refused the connection: nothing listens there/);
  });

  it('host name not found (the lookup fails: nothing is asked of a DNS server)', async () => {
    const notFound = class extends WebSocket {
      constructor(url: string, protocols?: string | string[], options: Record<string, unknown> = {}) {
        super(url, protocols, {
          ...options,
          lookup: (
            host: string,
            _options: unknown,
            callback: (error: Error, address: string, family: number) => void,
          ) =>
            callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 4),
        });
      }
    } as unknown as WebSocketConstructor;
    const session = h.session({ url: 'wss://www.deribit-typo.invalid/ws/api/v2', WebSocket: notFound });
    const error = await firstFailure(session);
    expect(error).toMatchObject({ name: 'ConnectFailedError', failure: 'dns' });
    expect(error.message).toMatch(/the host name www\.deribit-typo\.invalid was not found \(DNS\)/);
  });

  it('TLS: a certificate this machine does not trust', async () => {
    const server = createServer({
      key: readFileSync(resolve(ROOT, 'test/fixtures/tls/key.pem')),
      cert: readFileSync(resolve(ROOT, 'test/fixtures/tls/cert.pem')),
    });
    servers.push(server);
    const wss = new WebSocketServer({ server });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const error = await firstFailure(h.session({ url: `wss://localhost:${port}/ws/api/v2` }));
    wss.close();
    expect(error).toMatchObject({ name: 'ConnectFailedError', failure: 'tls' });
    expect(error.message).toMatch(/the TLS handshake with localhost:\d+ failed/);
  });

  it('timeout: the server accepts the TCP connection and never answers the upgrade', async () => {
    const server = await h.start(undefined, { holdUpgrade: true });
    const error = await firstFailure(h.session({ url: server.url, connectTimeout: 200 }));
    expect(error).toMatchObject({ name: 'ConnectFailedError', failure: 'timeout' });
    expect(error.message).toMatch(/no connection to 127\.0\.0\.1:\d+ in time/);
  });
});

describe('the first connect() is bounded', () => {
  it('rejects after its timeout with the last cause, and the session can connect() again', async () => {
    const url = await closedPort();
    const session = h.session({ url, reconnect: { minTimeout: 20, maxTimeout: 50 } });
    const error = await session.connect({ timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(
      /connect\(\) did not complete within 300 ms \(last error: cannot connect: .* refused/,
    );
    expect((error as Error).cause).toBeInstanceOf(ConnectFailedError);
    expect(session.state).toBe('disconnected');
    const server = await h.start();
    const again = h.session({ url: server.url });
    await again.connect();
    expect(again.state).toBe('authenticated');
  });

  it('the demo in live mode prints the cause and stops after a few attempts', async () => {
    const url = await closedPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, DERIBIT_CLIENT_ID: 'id', DERIBIT_CLIENT_SECRET: 'secret', DERIBIT_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toMatch(/attempt 1 failed \(cannot connect: .* refused the connection/);
    expect(output).toMatch(/3 attempts failed; giving up/);
    expect(output).toMatch(/failed +could not connect: cannot connect: .* refused the connection/);
  }, 30_000);
});
