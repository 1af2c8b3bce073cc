/**
 * `public/auth`'s `state` (issue 22, item 9): every authentication sends a fresh one, and an answer that does not
 * echo it is not the answer to this request: reported, its tokens never adopted, the session tries again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MalformedResponseError, type RetryInfo } from '../../src/index.js';
import { deribitLike, tokens } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

describe('the state of public/auth', () => {
  it('is fresh on every authentication, and kept out of the logs', async () => {
    const server = await h.start();
    const lines: string[] = [];
    const log = (context: object, message: string): void => {
      lines.push(`${message} ${JSON.stringify(context)}`);
    };
    const session = h.session({ logger: { debug: log, info: log, warn: log, error: log } });
    await session.connect();
    const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    server.peers[0]?.terminate();
    await back;
    const states = server.requests('public/auth').map((r) => r.params['state']);
    expect(states).toHaveLength(2);
    expect(new Set(states).size).toBe(2);
    for (const state of states) {
      expect(state).toMatch(/^[\w-]{16}$/);
      expect(lines.join('\n')).not.toContain(state as string);
    }
  });

  it.each([
    ['without the state', () => ({})],
    ['with another state', () => ({ state: 'someone-else' })],
  ])(
    'an answer %s is not adopted: reported, no tokens event, and the session tries again',
    async (_, extra) => {
      let auths = 0;
      await h.start((request, peer) => {
        if (request.method === 'public/auth' && ++auths === 1) {
          const { state: _state, ...rest } = tokens({}, request);
          peer.result(request, { ...rest, ...extra(), access_token: 'stolen', refresh_token: 'stolen' });
        } else deribitLike(request, peer);
      });
      const session = h.session();
      const reported: Error[] = [];
      const adopted: string[] = [];
      const retries: RetryInfo[] = [];
      session.on('error', (error) => reported.push(error));
      session.on('tokens', (t) => adopted.push(t.accessToken));
      session.on('reconnecting', (info) => retries.push(info));
      await session.connect();
      expect(reported[0]).toBeInstanceOf(MalformedResponseError);
      expect(reported[0]?.message).toMatch(/does not carry the state this request sent/);
      expect(adopted).not.toContain('stolen');
      expect(adopted).toHaveLength(1);
      expect(retries[0]?.error).toBeInstanceOf(MalformedResponseError);
    },
  );
});
