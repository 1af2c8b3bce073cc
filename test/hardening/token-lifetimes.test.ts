/**
 * Issue 10, item 6: hostile token lifetimes are refused or clamped. `expires_in` must be a finite number of
 * at least 1 s; anything else makes the auth result malformed (transient). Huge lives are clamped to 10
 * years. A server that hands out 1-second tokens forever gets no refresh storm.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MalformedResponseError, type RetryInfo } from '../../src/index.js';
import { deribitLike, type HostileRequest, type Script, tokens } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** Answers every `public/auth` with `expires_in` set to `lifetime` (a raw JSON literal). */
function lifetimes(first: string, then: string = first): Script {
  let auths = 0;
  return (request, peer) => {
    if (request.method !== 'public/auth') {
      deribitLike(request, peer);
      return;
    }
    auths += 1;
    const pair = JSON.stringify(tokens({ expires_in: '@' }, request)).replace(
      '"@"',
      auths === 1 ? first : then,
    );
    peer.send(`{"jsonrpc":"2.0","id":${JSON.stringify(request.id)},"result":${pair}}`);
  };
}

describe('expires_in', () => {
  it.each(['0', '-1', '0.5', 'null', '"abc"', '"NaN"', '1e999', '[]', '{}', 'true'])(
    'expires_in %s is a malformed result: the session backs off and authenticates again',
    async (lifetime) => {
      const server = await h.start(lifetimes(lifetime, '900'));
      const session = h.session();
      const retries: RetryInfo[] = [];
      session.on('reconnecting', (info) => retries.push(info));
      const tokensSeen: number[] = [];
      session.on('tokens', (t) => tokensSeen.push(t.expiresAt));
      await session.connect();
      expect(retries).toHaveLength(1);
      expect(retries[0]?.error).toBeInstanceOf(MalformedResponseError);
      expect(retries[0]?.error.message).toMatch(/expires_in/);
      expect(tokensSeen).toHaveLength(1); // the malformed pair was never adopted
      expect(server.requests('public/auth')).toHaveLength(2);
      expect(session.expiresAt).toBeGreaterThan(Date.now() + 800_000);
    },
  );

  it.each(['1e12', '1.7976931348623157e308', '"31536000000"'])(
    'a huge expires_in (%s) is clamped to 10 years, and does not make the refresh timer fire at once',
    async (lifetime) => {
      const server = await h.start(lifetimes(lifetime));
      const session = h.session();
      let announced: number | undefined;
      session.on('tokens', (t) => {
        announced = t.expiresAt;
      });
      const before = Date.now();
      await session.connect();
      const expiresAt = session.expiresAt ?? Number.NaN;
      expect(Number.isFinite(expiresAt)).toBe(true);
      expect(expiresAt).toBeGreaterThanOrEqual(before + TEN_YEARS_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + TEN_YEARS_MS + 1000);
      expect(announced).toBe(expiresAt);
      // A refresh delay past setTimeout's 2^31 − 1 ms limit would fire at once (Node clamps it to 1 ms):
      // a few round trips later there is still only the one auth.
      for (let i = 0; i < 20; i += 1) await session.call('public/test');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.requests('public/auth')).toHaveLength(1);
      expect(session.state).toBe('authenticated');
    },
  );
});

describe('no refresh storm', () => {
  /** Auth requests over `ms`, then closes the session. */
  async function authsOver(ms: number, refresh?: Record<string, number>): Promise<HostileRequest[]> {
    const server = await h.start(lifetimes('1'));
    const session = h.session(refresh === undefined ? {} : { refresh });
    await session.connect();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await session.close();
    return server.requests('public/auth');
  }

  it('1-second tokens forever: one auth per minRatio × life (500 ms), no more', async () => {
    const auths = await authsOver(2200);
    expect(auths.length).toBeGreaterThanOrEqual(3); // it does keep the token fresh…
    expect(auths.length).toBeLessThanOrEqual(5); // …but no faster than every 500 ms
    for (let i = 1; i < auths.length; i += 1) {
      expect((auths[i]?.at ?? 0) - (auths[i - 1]?.at ?? 0)).toBeGreaterThan(480);
    }
  });

  it('even when the options ask for a refresh every 100 ms, never more than 3 auths a second', async () => {
    const auths = await authsOver(2200, { ratio: 0.1, minRatio: 0.1, margin: 0 });
    expect(auths.length).toBeGreaterThanOrEqual(5);
    expect(auths.length).toBeLessThanOrEqual(9);
    for (let i = 3; i < auths.length; i += 1) {
      expect((auths[i]?.at ?? 0) - (auths[i - 3]?.at ?? 0)).toBeGreaterThan(980);
    }
  });
});
