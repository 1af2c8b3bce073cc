/**
 * AbortSignal on `connect`, `fork`, `exchange` and `logout`: an aborted signal rejects at once with its
 * reason; an abort mid-way rejects with the reason and leaves nothing behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeribitSession, SessionOptions, StateChange } from '../../src/index.js';
import type { DeribitEmulator } from '../../src/testing/index.js';
import { Harness, nextEvent, nextRequest } from '../helpers/harness.js';
import { deribitLike, type HostileRequest, type HostileServer } from '../helpers/hostile-server.js';

const h = new Harness();
afterEach(() => h.cleanup());

const SUBACCOUNT = 100002;

function states(session: DeribitSession): StateChange[] {
  const seen: StateChange[] = [];
  session.on('state', (change) => seen.push(change));
  return seen;
}

/** A hostile server that answers like Deribit but holds every `public/auth` from connection `from` on. */
async function holdingAuth(from: number): Promise<{ server: HostileServer; held: Promise<HostileRequest> }> {
  let release: (request: HostileRequest) => void = () => {};
  const held = new Promise<HostileRequest>((resolve) => (release = resolve));
  const server = await h.startHostile((request, peer) => {
    if (request.method === 'public/auth' && request.connection >= from) release(request);
    else deribitLike(request, peer);
  });
  return { server, held };
}

describe('connect({ signal })', () => {
  it('an aborted signal rejects at once with its reason: no state change, no socket', async () => {
    const emu = await h.start();
    const session = h.session();
    const seen = states(session);
    let connections = 0;
    emu.on('connection', () => (connections += 1));
    const reason = new Error('not now');
    await expect(session.connect({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(seen).toEqual([]);
    expect(session.state).toBe('disconnected');
    // The session is usable afterwards, and nothing was opened before this connect.
    await session.connect();
    expect(connections).toBe(1);
  });

  it('an abort before the first authentication rejects with the reason, closes the socket and leaves the session disconnected', async () => {
    const { server, held } = await holdingAuth(1);
    const session = h.session({ url: server.url });
    const controller = new AbortController();
    const connecting = session.connect({ signal: controller.signal });
    await held;
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(connecting).rejects.toBe(reason);
    expect(session.state).toBe('disconnected');
    expect((await server.closedPeer(1)).closed).toBeDefined();
    expect(server.connectionCount).toBe(0);
    expect(session.status()).toMatchObject({ attempt: 0, nextRetryAt: undefined, waiting: 0 });
  });

  it('during a reconnect, an abort gives up only this caller: the session goes on reconnecting', async () => {
    const { server, held } = await holdingAuth(2);
    const session = h.session({ url: server.url });
    await session.connect();
    server.peers[0]?.terminate();
    const request = await held;
    const controller = new AbortController();
    const waiting = session.connect({ signal: controller.signal });
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(session.state).toBe('authenticating');
    const back = nextEvent(session, 'authenticated');
    server.peers[1]?.result(request, {
      access_token: 'a2',
      refresh_token: 'r2',
      expires_in: 900,
      scope: 'connection',
      state: request.params['state'],
    });
    await back;
    expect(session.state).toBe('authenticated');
  });
});

describe('call and subscribe with an aborted signal', () => {
  it('reject at once with its reason and send nothing', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.clearReceived();
    const reason = new Error('aborted already');
    const signal = AbortSignal.abort(reason);
    await expect(session.call('public/test', undefined, { signal })).rejects.toBe(reason);
    await expect(session.subscribe('ticker.BTC-PERPETUAL.100ms', () => {}, { signal })).rejects.toBe(reason);
    expect(session.channels).toEqual([]);
    await session.call('public/test');
    expect(emu.received.map((m) => m.method)).toEqual(['public/test']);
  });
});

interface Spawner {
  readonly name: string;
  /** The token request the parent sends. */
  readonly method: string;
  /** The parent's options. */
  readonly parent: Partial<SessionOptions>;
  spawn(parent: DeribitSession, signal: AbortSignal): Promise<DeribitSession>;
}

const spawners: Spawner[] = [
  {
    name: 'fork',
    method: 'public/fork_token',
    parent: { scope: 'session:parent' },
    spawn: (parent, signal) => parent.fork('child', { signal }),
  },
  {
    name: 'exchange',
    method: 'public/exchange_token',
    parent: {},
    spawn: (parent, signal) => parent.exchange(SUBACCOUNT, { sessionName: 'sub', signal }),
  },
];

describe.each(spawners)('$name with a signal', ({ method, parent: parentOptions, spawn }) => {
  async function parentSession(): Promise<{ emu: DeribitEmulator; parent: DeribitSession }> {
    const emu = await h.start();
    const parent = h.session(parentOptions);
    await parent.connect();
    return { emu, parent };
  }

  it(`an aborted signal rejects at once with its reason: no ${method}, no child`, async () => {
    const { emu, parent } = await parentSession();
    const reason = new Error('not this one');
    await expect(spawn(parent, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(emu.received.map((m) => m.method)).not.toContain(method);
    expect(parent.children).toEqual([]);
    expect(emu.connectionCount).toBe(1);
  });

  it(`an abort while ${method} is in flight rejects at once`, async () => {
    const { emu, parent } = await parentSession();
    emu.delay(method, 60_000);
    const controller = new AbortController();
    const spawning = spawn(parent, controller.signal);
    await nextRequest(emu, method);
    const reason = new Error('too slow');
    controller.abort(reason);
    await expect(spawning).rejects.toBe(reason);
    expect(parent.children).toEqual([]);
    expect(emu.connectionCount).toBe(1);
    expect(parent.state).toBe('authenticated');
  });

  it('an abort while the child connects rejects with the reason and closes the child and its socket', async () => {
    const { emu, parent } = await parentSession();
    const parentId = emu.connectionIds[0];
    emu.delay('public/auth', 60_000);
    const controller = new AbortController();
    let spawned = false;
    parent.on('forked', () => (spawned = true));
    parent.on('exchanged', () => (spawned = true));
    const spawning = spawn(parent, controller.signal);
    await nextRequest(emu, 'public/auth', (request) => request.connectionId !== parentId);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(spawning).rejects.toBe(reason);
    expect(parent.children).toEqual([]);
    expect(spawned).toBe(false);
    await expect.poll(() => emu.connectionIds).toEqual([parentId]);
    expect(parent.state).toBe('authenticated');
  });
});

it('exchange() from a connection-scoped parent still needs sessionName (by design)', async () => {
  await h.start();
  const parent = h.session();
  await parent.connect();
  await expect(parent.exchange(SUBACCOUNT)).rejects.toMatchObject({ argument: 'sessionName' });
});

describe('logout({ signal })', () => {
  it('an aborted signal rejects at once with its reason; the session is closed and its socket too', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const reason = new Error('shutting down now');
    await expect(session.logout({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(session.state).toBe('closed');
    await expect.poll(() => emu.connectionCount).toBe(0);
  });

  it('an abort while waiting for the server to close rejects with the reason and closes the socket at once', async () => {
    const hostile = await h.startHostile((request, peer) => {
      if (request.method !== 'private/logout') deribitLike(request, peer); // logout: the server never closes
    });
    const session = h.session({ url: hostile.url, logoutTimeout: 60_000 });
    await session.connect();
    const controller = new AbortController();
    const warned = nextEvent(session, 'warning', (warning) => warning.code === 'logout-unconfirmed');
    const loggingOut = session.logout({ signal: controller.signal });
    await hostile.nextRequest('private/logout');
    expect(session.state).toBe('closed');
    const reason = new Error('no more waiting');
    controller.abort(reason);
    await expect(loggingOut).rejects.toBe(reason);
    expect((await hostile.closedPeer(1)).closed?.code).toBe(1000);
    await warned;
  });
});
