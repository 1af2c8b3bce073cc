/**
 * "Authenticated" means cancel-on-disconnect is on, and a glitch while enabling it is not the end of the
 * session: only a refusal that will not change is fatal (issue 18, item 1). Against a hostile server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, type RetryInfo } from '../../src/index.js';
import { nextEvent } from '../helpers/harness.js';
import { deribitLike } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

const COD = 'private/enable_cancel_on_disconnect';

/** Answers the `n`-th COD request with `answer`, everything else as Deribit does. */
async function codFailsOn(
  n: readonly number[],
  answer: (count: number) => [code: unknown, message: string] | 'odd',
) {
  let cods = 0;
  return h.start((request, peer) => {
    if (request.method === COD && n.includes(++cods)) {
      const a = answer(cods);
      if (a === 'odd') peer.result(request, 'maybe');
      else peer.error(request, a[0], a[1]);
    } else deribitLike(request, peer);
  });
}

describe('enabling cancel-on-disconnect on a reconnect', () => {
  it.each<[string, unknown]>([
    ['-32603 internal error', -32603],
    ['10001', 10001],
    ['a code nobody knows (99999)', 99999],
    ['a non-numeric code', 'abc'],
  ])(
    '%s once is transient: the session backs off, reconnects and is authenticated with COD on',
    async (_, code) => {
      const server = await codFailsOn([2], () => [code, 'glitch']);
      const session = h.session({ cancelOnDisconnect: 'connection' });
      await session.connect();
      const retries: RetryInfo[] = [];
      session.on('reconnecting', (info) => retries.push(info));
      const back = nextEvent(session, 'authenticated');
      server.peers[0]?.terminate();
      await back;
      expect(session.state).toBe('authenticated');
      expect(retries).toHaveLength(1);
      // The socket the session is authenticated on had COD answered "ok".
      const last = server.peers.at(-1)?.id;
      expect(server.requests(COD).filter((r) => r.connection === last)).toHaveLength(1);
      expect(server.peers).toHaveLength(3);
    },
  );

  it('a result other than "ok" means COD is not on: never authenticated on that socket', async () => {
    const server = await codFailsOn([2], () => 'odd');
    const session = h.session({ cancelOnDisconnect: 'connection' });
    await session.connect();
    const authenticatedOn: number[] = [];
    session.on('authenticated', () => authenticatedOn.push(server.peers.at(-1)?.id ?? 0));
    const back = nextEvent(session, 'authenticated');
    server.peers[0]?.terminate();
    await back;
    expect(authenticatedOn).toEqual([3]); // not 2, where COD answered "maybe"
  });

  it.each<[string, number]>([
    ['13021 forbidden', 13021],
    ['13403 scope_exceeded', 13403],
    ['-32602 invalid params', -32602],
  ])('%s is a refusal that will not change: the session closes, saying what to fix', async (_, code) => {
    const server = await codFailsOn([1], () => [code, 'refused']);
    const session = h.session({ cancelOnDisconnect: 'connection' });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(/will not trade unprotected/);
    expect(session.state).toBe('closed');
    expect(server.peers).toHaveLength(1);
  });

  it('10049 once is retried; 10049 again on the next attempt is fatal', async () => {
    const once = await codFailsOn([1], () => [10049, 'cancel_on_disconnect_failed']);
    const recovered = h.session({ cancelOnDisconnect: 'connection' });
    await recovered.connect();
    expect(recovered.state).toBe('authenticated');
    expect(once.peers).toHaveLength(2);
    await h.cleanup();

    const twice = await codFailsOn([1, 2], () => [10049, 'cancel_on_disconnect_failed']);
    const session = h.session({ cancelOnDisconnect: 'connection' });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', code: 10049 });
    expect(session.state).toBe('closed');
    expect(twice.peers).toHaveLength(2);
  });
});
