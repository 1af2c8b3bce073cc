/**
 * Issue 10, item 4: listeners cannot break the state machine. A listener that throws, an async listener
 * that rejects, a subscription handler that rejects: each is reported as a `ListenerError` naming the event
 * or channel (on `error`, or through the logger when nobody listens there), never escapes into the
 * session's control flow, and never becomes an unhandled rejection. The session carries on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DeribitSession, ListenerError, type Logger, type SessionEvents } from '../../src/index.js';
import { deribitLike } from '../helpers/hostile-server.js';
import { HostileHarness, handlesWhenSettled, watchProcess } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

/** Events a session emits in a connect, a drop and a reconnect, then a close. */
const EVENTS = [
  'state',
  'authenticated',
  'tokens',
  'disconnected',
  'reconnecting',
  'warning',
  'closed',
] as const satisfies ReadonlyArray<keyof SessionEvents>;

/** A scope the hostile server grants only in part: every authentication warns `scope-narrowed`. */
const WARNED = 'wallet:read_write';

/** A logger that keeps the messages of its `error` lines in `lines`. */
function errorsTo(lines: string[]): Logger {
  const quiet = (): void => {};
  return { debug: quiet, info: quiet, warn: quiet, error: (_context, message) => lines.push(message) };
}

function listenEverywhere(session: DeribitSession, listener: (event: string) => unknown): void {
  for (const event of EVENTS) session.on(event, () => listener(event));
}

/**
 * Connect (warned: the server grants no wallet scope), lose the socket once (after one failed attempt), reconnect,
 * close.
 */
async function liveAWhile(session: DeribitSession): Promise<void> {
  const server = h.server;
  if (server === undefined) throw new Error('no server');
  await session.connect();
  const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
  server.peers[0]?.terminate();
  await back;
  // A channel the server leaves out is not subscribed: the subscribe rejects, naming it.
  await expect(session.subscribe('ticker.MISSING', () => {})).rejects.toMatchObject({
    name: 'SubscriptionRefusedError',
    channels: ['ticker.MISSING'],
  });
  expect(session.state).toBe('authenticated');
  await expect(session.call('public/test')).resolves.toEqual({ version: 'hostile' });
  await session.close();
}

/** A server that refuses one reconnection attempt (a `reconnecting` event) and never grants ticker.MISSING. */
async function startServer(): Promise<void> {
  let auths = 0;
  await h.start((request, peer) => {
    if (request.method === 'public/auth' && ++auths === 2) peer.error(request, 10001, 'error');
    else if (request.method === 'public/subscribe') peer.result(request, []);
    else deribitLike(request, peer);
  });
}

describe('listeners that fail', () => {
  it.each([
    [
      'throw',
      (event: string) => {
        throw new Error(`boom in ${event}`);
      },
    ],
    ['reject', async (event: string) => Promise.reject(new Error(`boom in ${event}`))],
  ])(
    'listeners that %s in every event are reported as ListenerError; the session carries on',
    async (_, bad) => {
      const watch = watchProcess();
      await startServer();
      const session = h.session({ scope: WARNED });
      const reported: ListenerError[] = [];
      session.on('error', (error) => {
        if (error instanceof ListenerError) reported.push(error);
      });
      listenEverywhere(session, bad);
      await liveAWhile(session);
      await new Promise((resolve) => setImmediate(resolve));
      const events = new Set(reported.map((error) => error.event));
      expect([...events].sort()).toEqual([...EVENTS].sort());
      for (const error of reported) {
        expect(error.message).toBe(`a listener of '${error.event}' failed: boom in ${error.event}`);
        expect((error.cause as Error).message).toBe(`boom in ${error.event}`);
      }
      expect(watch.stop()).toEqual([]);
    },
  );

  it('an async subscription handler that rejects is reported with its channel; delivery goes on', async () => {
    const watch = watchProcess();
    const server = await h.start();
    const session = h.session();
    const reported: ListenerError[] = [];
    session.on('error', (error) => {
      if (error instanceof ListenerError) reported.push(error);
    });
    await session.connect();
    let delivered = 0;
    await session.subscribe('ticker.BTC-PERPETUAL.100ms', async () => {
      delivered += 1;
      throw new Error('handler boom');
    });
    const notify = (): void =>
      server.peers[0]?.send({
        jsonrpc: '2.0',
        method: 'subscription',
        params: { channel: 'ticker.BTC-PERPETUAL.100ms', data: { n: 1 } },
      });
    notify();
    notify();
    await expect.poll(() => reported.length).toBe(2);
    expect(delivered).toBe(2);
    expect(reported[0]).toMatchObject({ channel: 'ticker.BTC-PERPETUAL.100ms', event: undefined });
    expect(reported[0]?.message).toBe('a handler of ticker.BTC-PERPETUAL.100ms failed: handler boom');
    expect(session.state).toBe('authenticated');
    expect(watch.stop()).toEqual([]);
  });

  it('without an error listener, failures go to the logger and nothing is thrown or left unhandled', async () => {
    const watch = watchProcess();
    await startServer();
    const logged: string[] = [];
    const session = h.session({ scope: WARNED, logger: errorsTo(logged) });
    listenEverywhere(session, (event) => {
      if (event === 'disconnected' || event === 'tokens') throw new Error(`sync ${event}`);
      return Promise.reject(new Error(`async ${event}`));
    });
    await liveAWhile(session);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toContain("[deribit-session] a listener of 'disconnected' failed: sync disconnected");
    expect(logged).toContain("[deribit-session] a listener of 'tokens' failed: sync tokens");
    expect(logged).toContain("[deribit-session] a listener of 'authenticated' failed: async authenticated");
    expect(watch.stop()).toEqual([]);
  });

  it('an error listener that throws or rejects goes to the logger, once per failure, with no loop', async () => {
    const watch = watchProcess();
    await startServer();
    const logged: string[] = [];
    const session = h.session({ scope: WARNED, logger: errorsTo(logged) });
    session.on('error', () => {
      throw new Error('error listener boom');
    });
    session.on('error', async () => Promise.reject(new Error('async error listener boom')));
    session.on('authenticated', () => {
      throw new Error('authenticated boom');
    });
    await liveAWhile(session);
    await new Promise((resolve) => setImmediate(resolve));
    // One ListenerError per failed 'authenticated' listener (connect, reconnect), each failing both error
    // listeners once: logged, never emitted on 'error' again.
    const count = (text: string): number => logged.filter((m) => m.endsWith(text)).length;
    expect(count("a listener of 'error' failed: error listener boom")).toBe(2);
    expect(count("a listener of 'error' failed: async error listener boom")).toBe(2);
    expect(watch.stop()).toEqual([]);
  });
});

type CloseOn = (session: DeribitSession, close: () => void) => void;
const onState =
  (to: string, reason?: string): CloseOn =>
  (session, close) =>
    session.on('state', (c) => c.to === to && (reason === undefined || c.reason === reason) && close());
const onceEvent =
  (event: 'tokens' | 'authenticated' | 'refreshed'): CloseOn =>
  (session, close) =>
    session.once(event, close);

describe('listeners that end the session', () => {
  it.each<[string, 'connect' | 'refresh' | 'reauth', CloseOn]>([
    ['state (connecting)', 'connect', onState('connecting')],
    ['state (authenticating)', 'connect', onState('authenticating')],
    ['tokens', 'connect', onceEvent('tokens')],
    ['state (authenticated)', 'connect', onState('authenticated')],
    ['authenticated', 'connect', onceEvent('authenticated')],
    ['state (refreshing)', 'refresh', onState('refreshing')],
    ['tokens', 'refresh', onceEvent('tokens')],
    ['state (refresh-ok)', 'refresh', onState('authenticated', 'refresh-ok')],
    ['refreshed', 'refresh', onceEvent('refreshed')],
    ['state (authenticating)', 'reauth', onState('authenticating', 'unauthorized')],
    ['tokens', 'reauth', onceEvent('tokens')],
    ['state (authenticated)', 'reauth', onState('authenticated')],
    ['authenticated', 'reauth', onceEvent('authenticated')],
  ])(
    'close() from a %s listener during %s: nothing after closed, no timer, nothing unhandled',
    async (_, phase, closeOn) => {
      const watch = watchProcess();
      await h.start((request, peer) => {
        if (request.method === 'private/get_positions') peer.error(request, 13009, 'unauthorized');
        else deribitLike(request, peer);
      });
      // Refresh after 0.05 % of a 900 s life (450 ms).
      const refresh = { ratio: 0.0005, minRatio: 0.0005, margin: 0, jitter: 0 };
      const session = h.session({
        heartbeat: { interval: 10 },
        liveness: {},
        ...(phase === 'refresh' ? { refresh } : {}),
      });
      if (phase !== 'connect') await session.connect();
      let closed = false;
      const after: string[] = [];
      session.on('closed', () => {
        closed = true;
      });
      for (const name of [...EVENTS, 'refreshed', 'error'] as const)
        session.on(name, () => closed && name !== 'closed' && after.push(name));
      const done = new Promise<void>((resolve) => session.once('closed', () => resolve()));
      closeOn(session, () => void session.close()); // the last listener: the others saw the event first
      if (phase === 'connect') await session.connect().catch(() => {});
      if (phase === 'reauth') await session.call('private/get_positions', {}).catch(() => {});
      await done;
      await new Promise((resolve) => setImmediate(resolve));
      expect(session.state).toBe('closed');
      expect(after).toEqual([]);
      expect(await handlesWhenSettled()).toEqual({ timers: 0, sockets: 0 });
      expect(watch.stop()).toEqual([]);
    },
  );
});
