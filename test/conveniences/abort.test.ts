/**
 * AbortSignal on `connect`, `fork`, `exchange` and `logout`: an aborted signal rejects at once with its
 * reason; an abort mid-way rejects with the reason and leaves nothing behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeribitSession, StateChange } from '../../src/index.js';
import type { DeribitEmulator } from '../../src/testing/index.js';
import { Harness, nextEvent, nextRequest } from '../helpers/harness.js';
import { deribitLike, type HostileRequest, HostileServer } from '../helpers/hostile-server.js';

const h = new Harness();
let hostile: HostileServer | undefined;
afterEach(async () => {
  await h.cleanup();
  await hostile?.close();
  hostile = undefined;
});

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
  hostile = await HostileServer.start((request, peer) => {
    if (request.method === 'public/auth' && request.connection >= from) release(request);
    else deribitLike(request, peer);
  });
  return { server: hostile, held };
}

/** Connection ids the emulator holds open, once it has seen `count` of them (closes arrive asynchronously). */
async function openConnections(emu: DeribitEmulator, count: number): Promise<void> {
  await expect.poll(() => emu.connectionCount).toBe(count);
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

describe('fork(name, { signal })', () => {
  it('an aborted signal rejects at once with its reason: no fork_token, no child', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:parent' });
    await parent.connect();
    const reason = new Error('no fork');
    await expect(parent.fork('child', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(emu.received.map((m) => m.method)).not.toContain('public/fork_token');
    expect(parent.children).toEqual([]);
    expect(emu.connectionCount).toBe(1);
  });

  it('an abort while the child connects rejects with the reason and closes the child and its socket', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:parent' });
    await parent.connect();
    const parentId = emu.connectionIds[0];
    emu.delay('public/auth', 60_000);
    const controller = new AbortController();
    let forked = false;
    parent.on('forked', () => (forked = true));
    const forking = parent.fork('child', { signal: controller.signal });
    await nextRequest(emu, 'public/auth', (request) => request.connectionId !== parentId);
    const reason = new Error('fork cancelled');
    controller.abort(reason);
    await expect(forking).rejects.toBe(reason);
    expect(parent.children).toEqual([]);
    await openConnections(emu, 1);
    expect(emu.connectionIds).toEqual([parentId]);
    expect(forked).toBe(false);
    expect(parent.state).toBe('authenticated');
  });

  it('an abort while public/fork_token is in flight rejects at once', async () => {
    const emu = await h.start();
    const parent = h.session({ scope: 'session:parent' });
    await parent.connect();
    emu.delay('public/fork_token', 60_000);
    const controller = new AbortController();
    const forking = parent.fork('child', { signal: controller.signal });
    await nextRequest(emu, 'public/fork_token');
    const reason = new Error('too slow');
    controller.abort(reason);
    await expect(forking).rejects.toBe(reason);
    expect(parent.children).toEqual([]);
    expect(emu.connectionCount).toBe(1);
    expect(parent.state).toBe('authenticated');
  });
});

describe('exchange(subjectId, { signal })', () => {
  it('an aborted signal rejects at once with its reason: no exchange_token, no child', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    const reason = new Error('no exchange');
    await expect(
      parent.exchange(SUBACCOUNT, { sessionName: 'sub', signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(emu.received.map((m) => m.method)).not.toContain('public/exchange_token');
    expect(parent.children).toEqual([]);
  });

  it('a connection-scoped parent still needs sessionName (by design), aborted or not', async () => {
    await h.start();
    const parent = h.session();
    await parent.connect();
    await expect(parent.exchange(SUBACCOUNT)).rejects.toMatchObject({ argument: 'sessionName' });
  });

  it('an abort while the child connects rejects with the reason and closes the child and its socket', async () => {
    const emu = await h.start();
    const parent = h.session();
    await parent.connect();
    const parentId = emu.connectionIds[0];
    emu.delay('public/auth', 60_000);
    const controller = new AbortController();
    const exchanging = parent.exchange(SUBACCOUNT, { sessionName: 'sub', signal: controller.signal });
    await nextRequest(emu, 'public/auth', (request) => request.connectionId !== parentId);
    const reason = new Error('exchange cancelled');
    controller.abort(reason);
    await expect(exchanging).rejects.toBe(reason);
    expect(parent.children).toEqual([]);
    await openConnections(emu, 1);
    expect(emu.connectionIds).toEqual([parentId]);
  });
});

describe('logout({ signal })', () => {
  it('an aborted signal rejects at once with its reason; the session is closed and its socket too', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const reason = new Error('shutting down now');
    await expect(session.logout({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(session.state).toBe('closed');
    await openConnections(emu, 0);
  });

  it('an abort while waiting for the server to close rejects with the reason and closes the socket at once', async () => {
    hostile = await HostileServer.start((request, peer) => {
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
