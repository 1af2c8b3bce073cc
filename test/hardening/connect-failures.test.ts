/**
 * Issue 10, item 7: connect() can fail. A 4xx on the upgrade is fatal with a message that says what to fix;
 * 429 and 5xx are retried; a refused TCP connection is retried until `connect({ timeout })` or its signal
 * gives up, and then the session stops trying (a later connect() starts afresh). A call before connect()
 * says what to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  classify,
  NotConnectedError,
  RequestTimeoutError,
  type RetryInfo,
  type StateChange,
  UpgradeRejectedError,
} from '../../src/index.js';
import { HostileServer } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

/** A URL on 127.0.0.1 where nothing listens (ECONNREFUSED), and its port. */
async function deadPort(): Promise<{ url: string; port: number }> {
  const server = await HostileServer.start();
  await server.close();
  return { url: server.url, port: Number(new URL(server.url).port) };
}

/** Let `ms` pass (an observation window: nothing is expected to happen in it). */
function quietFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('a refused upgrade', () => {
  it.each([
    [
      404,
      /no WebSocket endpoint at ws:\/\/127\.0\.0\.1:\d+\/ws\/api\/v2; Deribit's is wss:\/\/www\.deribit\.com/,
    ],
    [401, /access denied for .*: check the IP allow-list of the key, the proxy, or the URL/],
    [403, /access denied for .*: check the IP allow-list of the key, the proxy, or the URL/],
    [410, /check the url ws:\/\/127\.0\.0\.1/],
  ])(
    'HTTP %i is fatal: UpgradeRejectedError, state closed, no retry, a message that says what to fix',
    async (status, advice) => {
      const server = await h.start(undefined, { refuseUpgrade: status });
      let upgrades = 0;
      server.on('upgrade', () => {
        upgrades += 1;
      });
      const session = h.session();
      const closed = new Promise<unknown>((resolve) => session.once('closed', resolve));
      const error = await session.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpgradeRejectedError);
      expect(error).toMatchObject({ status, code: 'UPGRADE_REJECTED', isFatal: true });
      expect((error as Error).message).toMatch(
        new RegExp(`refused the WebSocket upgrade with HTTP ${status}`),
      );
      expect((error as Error).message).toMatch(advice);
      expect(classify(error)).toBe('fatal');
      expect(session.state).toBe('closed');
      expect(await closed).toMatchObject({ reason: 'fatal', error });
      expect(upgrades).toBe(1);
    },
  );

  it.each([429, 500, 502, 503])(
    'HTTP %i is retried with backoff until the server accepts',
    async (status) => {
      const server = await h.start(undefined, { refuseUpgrade: (n) => (n <= 2 ? status : undefined) });
      const session = h.session();
      const retries: RetryInfo[] = [];
      session.on('reconnecting', (info) => retries.push(info));
      await session.connect();
      expect(session.state).toBe('authenticated');
      expect(retries).toHaveLength(2);
      for (const retry of retries) {
        expect(retry.error).toBeInstanceOf(UpgradeRejectedError);
        expect(retry.error).toMatchObject({ status, isFatal: false });
        expect(retry.error.message).toMatch(/retrying with backoff/);
      }
      expect(server.peers).toHaveLength(1);
    },
  );
});

describe('a refused TCP connection (ECONNREFUSED)', () => {
  it('is retried until connect({ timeout }) gives up; then the session is disconnected and stops trying', async () => {
    const { url, port } = await deadPort();
    const session = h.session({ url });
    const retries: RetryInfo[] = [];
    session.on('reconnecting', (info) => retries.push(info));
    const started = performance.now();
    const error = await session.connect({ timeout: 300 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(
      /connect\(\) did not complete within 300 ms \(last error: .*ECONNREFUSED/,
    );
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(1000);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]?.error).toBeInstanceOf(ConnectionClosedError);
    expect(retries[0]?.error).toMatchObject({ reason: expect.stringMatching(/ECONNREFUSED/) });
    expect(session.state).toBe('disconnected');
    expect(session.status()).toMatchObject({ state: 'disconnected', nextRetryAt: undefined });

    // Something listens there now; a session that still tried would connect within a backoff (≤ 50 ms).
    const retried = retries.length;
    const server = await HostileServer.start(undefined, { port });
    h.server = server;
    await quietFor(300);
    expect(server.peers).toHaveLength(0);
    expect(retries).toHaveLength(retried);
    await expect(session.call('public/test')).rejects.toBeInstanceOf(NotConnectedError);

    await session.connect();
    expect(session.state).toBe('authenticated');
    expect(server.peers).toHaveLength(1);
  });

  it('an aborted signal gives up the same way', async () => {
    const { url, port } = await deadPort();
    const session = h.session({ url });
    const controller = new AbortController();
    session.once('reconnecting', () => controller.abort(new Error('operator gave up')));
    await expect(session.connect({ signal: controller.signal })).rejects.toThrow('operator gave up');
    expect(session.state).toBe('disconnected');
    const server = await HostileServer.start(undefined, { port });
    h.server = server;
    await quietFor(300);
    expect(server.peers).toHaveLength(0);
    await session.connect();
    expect(session.state).toBe('authenticated');
  });

  it('a signal aborted before connect() rejects without opening anything', async () => {
    await h.start();
    const session = h.session();
    const states: StateChange[] = [];
    session.on('state', (change) => states.push(change));
    const reason = new Error('already aborted');
    await expect(session.connect({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(states).toEqual([]);
    expect(session.state).toBe('disconnected');
    await session.connect();
    expect(h.server?.peers).toHaveLength(1);
  });

  it('a timeout during a later reconnect gives up only that caller: the session keeps reconnecting', async () => {
    let refusing = false;
    const server = await h.start(undefined, { refuseUpgrade: () => (refusing ? 503 : undefined) });
    const session = h.session();
    await session.connect();
    refusing = true;
    const reconnecting = new Promise<void>((resolve) => session.once('reconnecting', () => resolve()));
    server.peers[0]?.terminate();
    await reconnecting;
    await expect(session.connect({ timeout: 100 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(session.state).not.toBe('closed');
    const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    refusing = false;
    await back;
    expect(server.peers).toHaveLength(2);
  });
});

describe('a call before connect()', () => {
  it('rejects with NotConnectedError that says to call connect() first, classified as the caller’s', async () => {
    await h.start();
    const session = h.session();
    const error = await session.call('public/test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ code: 'NOT_CONNECTED' });
    expect((error as Error).message).toMatch(/call connect\(\) first/);
    expect(classify(error)).toBe('caller');
    expect(h.server?.peers).toHaveLength(0);
  });
});
