/**
 * Issue 10, item 2: logout() and close() at any moment leave nothing alive. The server holds the socket
 * in the phase under test (the upgrade, the auth answer, the restore, a re-auth in place), the session is
 * ended there, and then the server misbehaves: it answers what it held and sends a `test_request`.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeribitSession, SessionClosedError } from '../../src/index.js';
import { runScript } from '../helpers/child.js';
import { isOwnSubscribe, withoutOwn } from '../helpers/harness.js';
import { deribitLike, type HostilePeer, type HostileRequest, tokens } from '../helpers/hostile-server.js';
import { HostileHarness, handlesWhenSettled } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

type Phase = 'connect' | 'authenticate' | 'restore (heartbeat)' | 'restore (subscribe)' | 'reauth';
type Ending = 'logout' | 'close';

interface Held {
  request: HostileRequest;
  peer: HostilePeer;
}

/** Brings a session into `phase` with the server holding it there; resolves with what the server holds. */
async function holdIn(phase: Phase): Promise<{ session: DeribitSession; held: Held | undefined }> {
  let held: Held | undefined;
  let reached: () => void = () => {};
  const there = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const holds = (request: HostileRequest): boolean => {
    if (phase === 'authenticate') return request.method === 'public/auth';
    if (phase === 'restore (heartbeat)') return request.method === 'public/set_heartbeat';
    if (phase === 'restore (subscribe)')
      return request.method === 'public/subscribe' && !isOwnSubscribe(request);
    if (phase === 'reauth')
      return request.method === 'public/auth' && request.params['grant_type'] === 'refresh_token';
    return false;
  };
  const server = await h.start(
    (request, peer) => {
      if (request.method === 'private/get_positions') {
        peer.error(request, 13009, 'unauthorized'); // sends the session into a re-auth in place
        return;
      }
      if (request.method === 'private/logout') {
        // Hostile: answer what was held, ask for a test, and only then close, cleanly.
        if (held !== undefined) held.peer.result(held.request, tokens({}, held.request));
        peer.heartbeat('test_request');
        peer.close(1000, 'logout');
        return;
      }
      if (held === undefined && holds(request)) {
        held = { request, peer };
        reached();
        return;
      }
      deribitLike(request, peer);
    },
    { holdUpgrade: phase === 'connect' },
  );
  if (phase === 'connect') server.once('upgrade', () => reached());
  const session = h.session(phase === 'restore (heartbeat)' ? { heartbeat: { interval: 10 } } : {});
  // Registered before connect(): subscribed by the restore.
  if (phase === 'restore (subscribe)') await session.subscribe('ticker.BTC-PERPETUAL.100ms', () => {});
  if (phase === 'reauth') {
    await session.connect();
    await expect(session.call('private/get_positions', {})).rejects.toMatchObject({ code: 13009 });
  } else {
    session.connect().catch(() => {});
  }
  await there;
  return { session, held };
}

const phases: Phase[] = ['connect', 'authenticate', 'restore (heartbeat)', 'restore (subscribe)', 'reauth'];
const cases = phases.flatMap((phase) => (['logout', 'close'] as const).map((end) => [phase, end] as const));

describe('logout() and close() at any moment', () => {
  it.each(cases)(
    'during %s, %s() closes the socket and leaves nothing behind',
    async (phase, end: Ending) => {
      const { session, held } = await holdIn(phase);
      const server = h.server;
      if (server === undefined) throw new Error('no server');
      expect(session.state).toBe(phase === 'connect' ? 'connecting' : 'authenticating');
      let closed = false;
      const afterClosed: string[] = [];
      session.on('closed', () => {
        closed = true;
        // Hostile: the held answer and a test_request come the moment the session closes.
        held?.peer.result(held.request, tokens({}, held.request));
        held?.peer.heartbeat('test_request');
      });
      session.on('tokens', () => closed && afterClosed.push('tokens'));
      session.on('state', (change) => closed && afterClosed.push(`state ${change.to}`));
      const pendingCall = session
        .call('public/test', undefined, { maxWait: 10_000 })
        .catch((e: unknown) => e);

      const result = end === 'logout' ? await session.logout({ timeout: 2000 }) : await session.close();
      expect(session.state).toBe('closed');
      expect(await pendingCall).toBeInstanceOf(SessionClosedError);

      // The socket is closed, on the server's side too.
      const peer = server.peers[0];
      if (peer !== undefined) await server.closedPeer(peer.id);
      // private/logout only on an authenticated socket, and only from logout().
      const authenticated = phase.startsWith('restore') || phase === 'reauth';
      const sent = withoutOwn(server.received).map((r) => r.method);
      expect(sent.includes('private/logout')).toBe(end === 'logout' && authenticated);
      if (end === 'logout') expect(result).toEqual({ confirmed: authenticated });
      // Nothing after the last frame of the phase: no public/test for the test_request, no new auth.
      const lastOfPhase = end === 'logout' && authenticated ? 'private/logout' : held?.request.method;
      expect(sent.at(-1)).toBe(lastOfPhase);
      expect(sent.filter((m) => m === 'public/test')).toEqual([]);
      expect(server.peers).toHaveLength(phase === 'connect' ? 0 : 1);
      expect(afterClosed).toEqual([]);
      // No timer and no socket is left on either side (a listening server is not counted): the process could exit.
      expect(await handlesWhenSettled()).toEqual({ timers: 0, sockets: 0 });
    },
  );

  it('confirmed is false when the server drops the socket (1006) instead of closing it after private/logout', async () => {
    const server = await h.start((request, peer) => {
      if (request.method === 'private/logout') peer.terminate();
      else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const warnings: string[] = [];
    session.on('warning', (w) => warnings.push(w.code));
    await expect(session.logout()).resolves.toEqual({ confirmed: false });
    expect(server.requests('private/logout')).toHaveLength(1);
    expect(warnings).toEqual(['logout-unconfirmed']);
  });

  it('confirmed is true when the server closes the socket cleanly after private/logout', async () => {
    const server = await h.start();
    const session = h.session();
    await session.connect();
    await expect(session.logout()).resolves.toEqual({ confirmed: true });
    expect((await server.closedPeer(1)).closed?.code).toBe(1000);
  });

  it('a process that logs out mid-authentication and mid-restore exits by itself', async () => {
    const { code, out, err } = await runScript(
      fileURLToPath(new URL('../fixtures/logout-anytime.ts', import.meta.url)),
    );
    expect(err).toBe('');
    expect(out.trim()).toBe('authenticate: closed false; restore: closed true');
    expect(code).toBe(0);
  }, 20_000);
});
