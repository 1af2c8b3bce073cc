/**
 * Issue 10, item 8: subscriptions are never reported falsely. A refusal rejects every caller waiting on
 * the request; the timeout and the signal cover the server round trip and undo the registration; an
 * unsubscribe during a restore reaches the server; a fork whose parent closes mid-connect is closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RequestTimeoutError, RpcError, SessionClosedError } from '../../src/index.js';
import { DEFAULT_ACCOUNT, DeribitEmulator } from '../../src/testing/index.js';
import { isOwnSubscribe, withoutOwn } from '../helpers/harness.js';
import { deribitLike, type HostilePeer, type HostileRequest } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
let emulator: DeribitEmulator | undefined;
afterEach(async () => {
  await h.cleanup();
  await emulator?.close();
  emulator = undefined;
});

const CHANNEL = 'ticker.BTC-PERPETUAL.100ms';

interface Held {
  request: HostileRequest;
  peer: HostilePeer;
}

/**
 * A server that holds the answer to every request `holds` picks (by default every `public/subscribe`) until
 * the test takes it with `next(method)`.
 */
async function holding(
  holds: (request: HostileRequest) => boolean = (r) => r.method === 'public/subscribe' && !isOwnSubscribe(r),
): Promise<{ next: (method?: string) => Promise<Held> }> {
  const held: Held[] = [];
  const waiting: Array<{ method: string; resolve: (held: Held) => void }> = [];
  await h.start((request, peer) => {
    if (!holds(request)) {
      deribitLike(request, peer);
      return;
    }
    const entry = { request, peer };
    const waiter = waiting.find((w) => w.method === request.method);
    if (waiter === undefined) held.push(entry);
    else {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  });
  return {
    next: (method = 'public/subscribe') => {
      const entry = held.find((e) => e.request.method === method);
      if (entry === undefined) return new Promise((resolve) => waiting.push({ method, resolve }));
      held.splice(held.indexOf(entry), 1);
      return Promise.resolve(entry);
    },
  };
}

describe('concurrent subscribes of one channel', () => {
  it('a refusal rejects both callers and leaves nothing registered', async () => {
    const { next } = await holding();
    const session = h.session();
    await session.connect();
    const first = session.subscribe(CHANNEL, () => {}).catch((e: unknown) => e);
    const second = session.subscribe(CHANNEL, () => {}).catch((e: unknown) => e);
    const { request, peer } = await next();
    expect(request.params['channels']).toEqual([CHANNEL]);
    peer.error(request, 11050, 'bad_request');
    expect(await first).toBeInstanceOf(RpcError);
    expect(await second).toBeInstanceOf(RpcError);
    expect(session.channels).toEqual([]);
    expect(session.status().subscriptions).toEqual({ confirmed: 0, pending: 0 });
    expect(withoutOwn(h.server?.requests('public/subscribe') ?? [])).toHaveLength(1); // one request for both
  });

  it('one caller giving up (its signal) does not fail the other, which is confirmed by the server', async () => {
    const { next } = await holding();
    const session = h.session();
    await session.connect();
    const controller = new AbortController();
    const first = session
      .subscribe(CHANNEL, () => {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    const got: unknown[] = [];
    const second = session.subscribe(CHANNEL, (data) => got.push(data));
    const { request, peer } = await next();
    controller.abort(new Error('first caller gave up'));
    expect(await first).toMatchObject({ message: 'first caller gave up' });
    peer.result(request, [CHANNEL]);
    await second;
    expect(session.channels).toEqual([CHANNEL]);
    expect(session.status().subscriptions).toEqual({ confirmed: 1, pending: 0 });
    peer.send({ jsonrpc: '2.0', method: 'subscription', params: { channel: CHANNEL, data: 1 } });
    await expect.poll(() => got).toEqual([1]);
    expect(h.server?.requests('public/unsubscribe')).toEqual([]);
  });
});

describe('the round trip is covered by timeout and signal', () => {
  it('a server that never answers: subscribe() rejects within its timeout and the registration is undone', async () => {
    await holding();
    const session = h.session();
    await session.connect();
    const started = performance.now();
    const error = await session.subscribe(CHANNEL, () => {}, { timeout: 200 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(600);
    expect(session.channels).toEqual([]);
    expect(session.state).toBe('authenticated');
  });

  it('an aborted signal rejects at once; when the server subscribes after all, it is unsubscribed', async () => {
    const { next } = await holding();
    const session = h.session();
    await session.connect();
    const controller = new AbortController();
    const subscribing = session.subscribe(CHANNEL, () => {}, { signal: controller.signal });
    const { request, peer } = await next();
    controller.abort(new Error('abandoned'));
    await expect(subscribing).rejects.toThrow('abandoned');
    expect(session.channels).toEqual([]);
    const unsubscribed = h.server?.nextRequest('public/unsubscribe');
    peer.result(request, [CHANNEL]); // the server subscribed it anyway
    expect((await unsubscribed)?.params['channels']).toEqual([CHANNEL]);
    expect(session.channels).toEqual([]);
  });
});

describe('unsubscribing while a reconnect restores subscriptions', () => {
  /** Subscribe, drop the socket, and resolve once the reconnect's restore subscribe is held. */
  async function restoring(holdHeartbeat: boolean) {
    const { next } = await holding(
      (r) =>
        (r.method === 'public/subscribe' && !isOwnSubscribe(r)) ||
        (holdHeartbeat && r.method === 'public/set_heartbeat' && r.connection === 2),
    );
    const session = h.session(holdHeartbeat ? { heartbeat: { interval: 10 } } : {});
    await session.connect();
    const subscribing = session.subscribe(CHANNEL, () => {});
    const first = await next();
    first.peer.result(first.request, [CHANNEL]);
    const off = await subscribing;
    const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    first.peer.terminate();
    const restore = await next();
    expect(restore.request.connection).toBe(2);
    expect(session.state).toBe('authenticating');
    return { session, off, restore, back, next };
  }

  /** What the server was asked to unsubscribe on connection 2, once everything sent before now arrived. */
  async function unsubscribedOnSecondSocket(): Promise<unknown[]> {
    const session = h.sessions[0];
    await session?.call('public/test'); // a round trip: whatever the session sent before it has arrived
    return (h.server?.requests('public/unsubscribe') ?? [])
      .filter((r) => r.connection === 2)
      .map((r) => r.params['channels']);
  }

  it('before the held restore subscribe is answered: the answer is followed by an unsubscribe', async () => {
    const { session, off, restore, back } = await restoring(false);
    await off(); // meanwhile, the user no longer wants the channel
    expect(session.channels).toEqual([]);
    restore.peer.result(restore.request, [CHANNEL]); // the server subscribed it on the new socket
    await back;
    expect(await unsubscribedOnSecondSocket()).toEqual([[CHANNEL]]);
    expect(session.channels).toEqual([]);
  });

  it('after the restore subscribe was answered, before the session is ready: unsubscribed at once', async () => {
    const { session, off, restore, back, next } = await restoring(true);
    const heartbeat = await next('public/set_heartbeat'); // the restore is not finished
    restore.peer.result(restore.request, [CHANNEL]);
    await expect.poll(() => session.status().subscriptions).toEqual({ confirmed: 1, pending: 0 });
    await off();
    expect(session.state).toBe('authenticating');
    heartbeat.peer.result(heartbeat.request, 'ok');
    await back;
    expect(await unsubscribedOnSecondSocket()).toEqual([[CHANNEL]]);
    expect(session.channels).toEqual([]);
  });
});

describe('a child whose parent closes while the child connects', () => {
  it('is closed, not returned', async () => {
    emulator = await DeribitEmulator.start();
    const emu = emulator;
    const parent = h.session({
      url: emu.url,
      credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
      scope: 'session:parent',
    });
    await parent.connect();
    emu.delay('public/auth', 5000); // the child's authentication hangs
    const childAuth = new Promise<void>((resolve) =>
      emu.on('request', (r) => r.method === 'public/auth' && resolve()),
    );
    const forking = parent.fork('child').catch((e: unknown) => e);
    await childAuth;
    const [child] = parent.children;
    expect(child?.state).toBe('authenticating');
    const closing = parent.close();
    const result = await forking;
    await closing;
    expect(result).toBeInstanceOf(SessionClosedError);
    expect(child?.state).toBe('closed');
    expect(parent.children).toEqual([]);
    await expect.poll(() => emu.connectionCount).toBe(0);
  });
});

describe('unsubscribing while the session re-authenticates in place', () => {
  it('an unsubscribe refused as unauthorized resolves, and goes out again once the session is ready', async () => {
    const PRIVATE = 'user.orders.BTC-PERPETUAL.raw';
    let unsubscribes = 0;
    let heldAuth: Held | undefined;
    let releaseAuth: () => void = () => {};
    const authHeld = new Promise<void>((resolve) => {
      releaseAuth = resolve;
    });
    await h.start((request, peer) => {
      if (request.method === 'private/unsubscribe') unsubscribes += 1;
      const refused = request.method === 'private/unsubscribe' && unsubscribes === 1;
      if (request.method === 'private/get_positions' || refused) peer.error(request, 13009, 'unauthorized');
      else if (request.method === 'public/auth' && request.params['grant_type'] === 'refresh_token') {
        heldAuth = { request, peer };
        releaseAuth();
      } else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const off = await session.subscribe(PRIVATE, () => {});
    await expect(session.call('private/get_positions', {})).rejects.toMatchObject({ code: 13009 });
    await authHeld;
    expect(session.state).toBe('authenticating');
    const unsubscribed = off();
    const server = h.server;
    if (server === undefined) throw new Error('no server');
    await server.nextRequest('private/unsubscribe');
    const held = heldAuth;
    if (held === undefined) throw new Error('no auth held');
    deribitLike(held.request, held.peer);
    await expect(unsubscribed).resolves.toBeUndefined();
    expect(server.requests('private/unsubscribe').map((r) => r.params['channels'])).toEqual([
      [PRIVATE],
      [PRIVATE],
    ]);
    expect(session.state).toBe('authenticated');
  });
});
