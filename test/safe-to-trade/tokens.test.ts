/**
 * Tokens on a bad day (issue 18, items 3–5): late `13009`s about an old token start nothing; no call goes out
 * on an expired token even when a refresh is never answered; fork() and exchange() work during a refresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent } from '../helpers/harness.js';
import { deribitLike, type HostilePeer, type HostileRequest, tokens } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
const emu = new Harness();
afterEach(async () => {
  await h.cleanup();
  await emu.cleanup();
});

describe('late 13009s about an old token', () => {
  it('start no second re-auth: only the call they answer fails, and calls after the re-auth go through', async () => {
    const held: Array<[HostileRequest, HostilePeer]> = [];
    let reauthed = false;
    const server = await h.start((request, peer) => {
      if (request.method === 'private/get_positions' && !reauthed) held.push([request, peer]);
      else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const calls = Array.from({ length: 10 }, () =>
      session.call('private/get_positions', {}).then(
        () => 'ok',
        (error: { code?: unknown }) => error.code,
      ),
    );
    await expect.poll(() => held.length).toBe(10);
    // The first answer says the token is dead: the session re-authenticates in place.
    const back = nextEvent(session, 'authenticated');
    const [first, firstPeer] = held[0] ?? [];
    if (first === undefined || firstPeer === undefined) throw new Error('no call held');
    firstPeer.error(first, 13009, 'unauthorized');
    await back;
    reauthed = true;
    // The other nine were sent under the old token; their 13009s arrive after the re-auth.
    for (const [request, peer] of held.slice(1)) peer.error(request, 13009, 'unauthorized');
    expect(await Promise.all(calls)).toEqual(Array(10).fill(13009));
    await expect(session.call('private/get_positions', {})).resolves.toEqual({ ok: true });
    expect(session.state).toBe('authenticated');
    expect(server.requests('public/auth')).toHaveLength(2); // the connect and one re-auth, no more
  });
});

describe('a refresh that is never answered', () => {
  it('never lets a call out on an expired token: the expiry guard re-authenticates with the credentials', async () => {
    const life = 2000; // ms: tokens of 2 s, refreshed after 1 s; the guard stops using them at 1.9 s
    const expiresAt = new Map<number, number>();
    let late = 0;
    let answered = 0;
    const server = await h.start((request, peer) => {
      if (request.method === 'public/auth') {
        if (request.params['grant_type'] === 'refresh_token') return; // never answered
        expiresAt.set(request.connection, performance.now() + life);
        peer.result(request, tokens({ expires_in: life / 1000 }, request));
      } else if (request.method === 'private/get_positions') {
        if (performance.now() > (expiresAt.get(request.connection) ?? 0)) {
          late += 1;
          peer.error(request, 13009, 'unauthorized');
        } else {
          answered += 1;
          peer.result(request, []);
        }
      } else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const reauthenticated = nextEvent(session, 'state', (c) => c.reason === 'token-expired');
    let running = true;
    const loop = (async () => {
      while (running) {
        await session.call('private/get_positions', {}, { maxWait: 5000 }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await reauthenticated;
    await nextEvent(session, 'authenticated');
    // Keep calling across the guard and a bit beyond.
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await loop;
    expect(late).toBe(0);
    expect(answered).toBeGreaterThan(20);
    const grants = server.requests('public/auth').map((r) => r.params['grant_type']);
    expect(grants).toEqual(['client_signature', 'refresh_token', 'client_signature']);
  });
});

describe('children during a refresh', () => {
  it('fork() and exchange() wait for the refresh and use the new refresh token', async () => {
    const emulator = await emu.start();
    // Refresh after 0.05 % of a 900 s life (450 ms); the refresh's answer takes 300 ms.
    const session = emu.session({
      scope: 'session:root',
      refresh: { ratio: 0.0005, minRatio: 0.0005, margin: 0, jitter: 0 },
    });
    await session.connect();
    emulator.delay('public/auth', 300);
    await nextEvent(session, 'state', (c) => c.to === 'refreshing');
    const [child, sub] = await Promise.all([
      session.fork('child'),
      session.exchange(100002, { sessionName: 'sub' }),
    ]);
    expect(child.state).toBe('authenticated');
    expect(sub.state).toBe('authenticated');
    expect(session.state).toBe('authenticated');
    await Promise.all([child.close(), sub.close()]);
  });
});
