/**
 * Issue 10, item 3: only bad credentials are fatal. During (re)authentication, `13004` and a `13009` that
 * survives one clock resync close the session; every other answer (unknown codes, odd codes, malformed
 * results) is transient: back off, report it on `reconnecting`, and succeed once the server behaves.
 * `12003 login_over_limit` waits the longest delay before the next login.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeribitSession, RetryInfo } from '../../src/index.js';
import {
  AuthenticationError,
  MalformedResponseError,
  RpcError,
  SessionClosedError,
} from '../../src/index.js';
import {
  deribitLike,
  type HostilePeer,
  type HostileRequest,
  type Script,
  tokens,
} from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

type Answer = (request: HostileRequest, peer: HostilePeer) => void;

/** Hostile answers to `public/auth`, and the error class the session sees for each. */
const transient: Array<[string, Answer, new (...args: never[]) => Error]> = [
  ['error 10001', (r, p) => p.error(r, 10001, 'error'), RpcError],
  ['error -32603', (r, p) => p.error(r, -32603, 'Internal error'), RpcError],
  ['an unknown code 99999', (r, p) => p.error(r, 99999, 'brand_new_failure'), RpcError],
  ['a non-numeric code "abc"', (r, p) => p.error(r, 'abc', 'what'), MalformedResponseError],
  ['a null result', (r, p) => p.result(r, null), MalformedResponseError],
  ['a string result', (r, p) => p.result(r, 'ok'), MalformedResponseError],
  ['a result without tokens', (r, p) => p.result(r, { expires_in: 900 }), MalformedResponseError],
  [
    'empty tokens',
    (r, p) => p.result(r, tokens({ access_token: '', refresh_token: '' }, r)),
    MalformedResponseError,
  ],
];

/** The first `n` auth requests get `answer`, the rest a good token pair. */
function failingAuths(n: number, answer: Answer): Script {
  let failed = 0;
  return (request, peer) => {
    if (request.method === 'public/auth' && failed < n) {
      failed += 1;
      answer(request, peer);
    } else deribitLike(request, peer);
  };
}

/**
 * Connect `session`, have the server refuse private/get_positions with 13009 (a re-auth in place follows),
 * and resolve with the `reconnecting` events seen until the session is authenticated again.
 */
async function reauthenticatedInPlace(session: DeribitSession): Promise<RetryInfo[]> {
  await session.connect();
  const retries: RetryInfo[] = [];
  session.on('reconnecting', (info) => retries.push(info));
  const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
  await expect(session.call('private/get_positions', {})).rejects.toMatchObject({ code: 13009 });
  await back;
  return retries;
}

describe('an odd answer to public/auth is transient', () => {
  it.each(transient)(
    '%s: connect() backs off, reports it on reconnecting, and succeeds',
    async (_, answer, kind) => {
      const server = await h.start(failingAuths(2, answer));
      const session = h.session();
      const retries: RetryInfo[] = [];
      session.on('reconnecting', (info) => retries.push(info));
      await session.connect();
      expect(session.state).toBe('authenticated');
      expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
      for (const retry of retries) {
        expect(retry.error).toBeInstanceOf(kind);
        expect(retry.delay).toBeGreaterThanOrEqual(5); // the reconnect policy's minTimeout: no hot loop
      }
      expect(server.requests('public/auth')).toHaveLength(3);
      expect(server.peers).toHaveLength(3); // each failure dropped its socket and started afresh
    },
  );

  it.each(transient)(
    '%s during a re-auth in place: the session backs off, reconnects, and does not close',
    async (_, answer, kind) => {
      let unauthorized = false;
      let reauths = 0;
      const server = await h.start((request, peer) => {
        if (request.method === 'private/get_positions' && !unauthorized) {
          unauthorized = true;
          peer.error(request, 13009, 'unauthorized');
        } else if (
          request.method === 'public/auth' &&
          request.params['grant_type'] === 'refresh_token' &&
          reauths === 0
        ) {
          reauths += 1;
          answer(request, peer);
        } else deribitLike(request, peer);
      });
      const session = h.session();
      const retries = await reauthenticatedInPlace(session);
      expect(session.state).toBe('authenticated');
      expect(server.peers).toHaveLength(2);
      expect(retries).toHaveLength(1);
      expect(retries[0]?.error).toBeInstanceOf(kind);
      expect(retries[0]?.delay).toBeGreaterThanOrEqual(5);
      await expect(session.call('private/get_positions', {})).resolves.toEqual({ ok: true });
    },
  );
});

describe('bad credentials are fatal', () => {
  it('13004 closes the session at once, with no second attempt', async () => {
    const server = await h.start(
      failingAuths(Number.POSITIVE_INFINITY, (r, p) => p.error(r, 13004, 'invalid_credentials')),
    );
    const session = h.session();
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 13004 });
    expect(session.state).toBe('closed');
    expect(server.requests('public/auth')).toHaveLength(1);
    await expect(session.call('public/test')).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('13009 is retried once after learning the server clock, then it is fatal', async () => {
    const server = await h.start(
      failingAuths(Number.POSITIVE_INFINITY, (r, p) => p.error(r, 13009, 'unauthorized')),
    );
    const session = h.session();
    const closed = new Promise<unknown>((resolve) => session.once('closed', (e) => resolve(e)));
    await expect(session.connect()).rejects.toMatchObject({ name: 'AuthenticationError', code: 13009 });
    expect(await closed).toMatchObject({ reason: 'fatal' });
    expect(server.received.map((r) => r.method)).toEqual([
      'public/hello',
      'public/auth',
      'public/get_time',
      'public/auth',
    ]);
  });

  it('13004 during a re-auth in place (refresh refused, then the credentials) closes the session', async () => {
    let authenticated = false;
    const server = await h.start((request, peer) => {
      if (request.method === 'private/get_positions') peer.error(request, 13009, 'unauthorized');
      else if (request.method === 'public/auth' && authenticated) {
        if (request.params['grant_type'] === 'refresh_token') peer.error(request, 13009, 'unauthorized');
        else peer.error(request, 13004, 'invalid_credentials');
      } else {
        authenticated = request.method === 'public/auth' || authenticated;
        deribitLike(request, peer);
      }
    });
    const session = h.session();
    await session.connect();
    const closed = new Promise<{ reason: string; error?: Error }>((resolve) =>
      session.once('closed', resolve),
    );
    await expect(session.call('private/get_positions', {})).rejects.toMatchObject({ code: 13009 });
    const { reason, error } = await closed;
    expect(reason).toBe('fatal');
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 13004 });
    expect(server.requests('public/auth').map((r) => r.params['grant_type'])).toEqual([
      'client_signature',
      'refresh_token',
      'client_signature',
    ]);
  });
});

describe('12003 login_over_limit', () => {
  const reconnect = { minTimeout: 5, maxTimeout: 300, randomize: false, stableAfter: 0 };

  it('the next login waits the longest delay (reconnect.maxTimeout)', async () => {
    const server = await h.start(failingAuths(1, (r, p) => p.error(r, 12003, 'login_over_limit')));
    const session = h.session({ reconnect });
    const retries: RetryInfo[] = [];
    session.on('reconnecting', (info) => retries.push(info));
    await session.connect();
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delay).toBe(300);
    expect(retries[0]?.error).toMatchObject({ code: 12003 });
    const [first, second] = server.requests('public/auth').map((r) => r.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('after a re-auth in place refused with 12003, the next login waits the longest delay too', async () => {
    let unauthorized = false;
    const server = await h.start((request, peer) => {
      if (request.method === 'private/get_positions' && !unauthorized) {
        unauthorized = true;
        peer.error(request, 13009, 'unauthorized');
      } else if (request.method === 'public/auth' && request.params['grant_type'] === 'refresh_token') {
        peer.error(request, 12003, 'login_over_limit');
      } else deribitLike(request, peer);
    });
    const retries = await reauthenticatedInPlace(h.session({ reconnect }));
    const auths = server.requests('public/auth');
    expect(auths.map((r) => r.params['grant_type'])).toEqual([
      'client_signature',
      'refresh_token',
      'client_signature',
    ]);
    expect(retries.map((r) => r.delay)).toEqual([300]);
    expect((auths[2]?.at ?? 0) - (auths[1]?.at ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('a scheduled refresh refused with 12003 is retried after the longest delay, not every second', async () => {
    const server = await h.start((request, peer) => {
      if (request.method === 'public/auth' && request.params['grant_type'] === 'refresh_token') {
        peer.error(request, 12003, 'login_over_limit');
      } else if (request.method === 'public/auth') peer.result(request, tokens({ expires_in: 60 }, request));
      else deribitLike(request, peer);
    });
    // Refresh after 0.1 % of a 60 s life (60 ms); a 12003 must then wait reconnect.maxTimeout (1.5 s).
    const session = h.session({
      reconnect: { ...reconnect, maxTimeout: 1500 },
      refresh: { ratio: 0.001, minRatio: 0.001, margin: 0, jitter: 0 },
    });
    await session.connect();
    const first = await server.nextRequest('public/auth', (r) => r.params['grant_type'] === 'refresh_token');
    const second = await server.nextRequest('public/auth', (r) => r.params['grant_type'] === 'refresh_token');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1490);
    expect(server.peers).toHaveLength(1); // the token was still good: no reconnect meanwhile
  });
});
