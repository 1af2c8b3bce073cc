import { afterEach, describe, expect, it } from 'vitest';
import { RpcError, type StateChange } from '../../src/index.js';
import { deribitLike, type Script, tokens } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

/** Answers the first `method` call with `13009 unauthorized`, everything else as `other` does. */
function refusingFirst(method: string, other: Script = deribitLike): Script {
  let refused = false;
  return (request, peer) => {
    if (request.method === method && !refused) {
      refused = true;
      peer.error(request, 13009, 'unauthorized');
    } else other(request, peer);
  };
}

describe('13009 on a private call while authenticated', () => {
  it('re-authenticates in place with the refresh token; the caller gets the error, calls behind it proceed', async () => {
    const server = await h.start(refusingFirst('private/get_account_summary'));
    const s = h.session();
    await s.connect();
    const states: StateChange[] = [];
    s.on('state', (change) => states.push(change));
    const first = s.call('private/get_account_summary', { currency: 'BTC' });
    await expect(first).rejects.toMatchObject({ code: 13009 });
    await expect(first).rejects.toBeInstanceOf(RpcError);
    // A call made right after waits behind the re-auth and then goes out on the renewed session.
    await expect(s.call('private/get_account_summary', { currency: 'BTC' })).resolves.toEqual({ ok: true });
    expect(states.map((c) => `${c.to}:${c.reason}`)).toEqual([
      'authenticating:unauthorized',
      'authenticated:auth-ok',
    ]);
    const auths = server.requests('public/auth');
    expect(auths.map((a) => a.params['grant_type'])).toEqual(['client_signature', 'refresh_token']);
    expect(server.peers).toHaveLength(1);
  });

  it('falls back to credentials when the refresh token is refused too', async () => {
    const server = await h.start(
      refusingFirst('private/get_account_summary', (request, peer) => {
        if (request.method === 'public/auth' && request.params['grant_type'] === 'refresh_token') {
          peer.error(request, 13009, 'unauthorized');
        } else deribitLike(request, peer);
      }),
    );
    const s = h.session();
    await s.connect();
    await expect(s.call('private/get_account_summary', { currency: 'BTC' })).rejects.toMatchObject({
      code: 13009,
    });
    const back = new Promise((resolve) => s.once('authenticated', resolve));
    await back;
    expect(server.requests('public/auth').map((a) => a.params['grant_type'])).toEqual([
      'client_signature',
      'refresh_token',
      'client_signature',
    ]);
    expect(s.state).toBe('authenticated');
  });

  it('a repeat backs off before authenticating again', async () => {
    await h.start((request, peer) => {
      if (request.method === 'private/get_positions') peer.error(request, 13009, 'unauthorized');
      else if (request.method === 'public/auth') peer.result(request, tokens({}, request));
      else deribitLike(request, peer);
    });
    const delays: number[] = [];
    const s = h.session({
      reconnect: { minTimeout: 20, maxTimeout: 200, randomize: false, stableAfter: 0 },
      logger: {
        debug: () => {},
        info: () => {},
        error: () => {},
        warn: (context, message) => {
          if (message.includes('refused as unauthorized')) delays.push(Number(context['delayMs']));
        },
      },
    });
    await s.connect();
    for (let i = 0; i < 3; i += 1) {
      await expect(s.call('private/get_positions', {}, { maxWait: 5000 })).rejects.toMatchObject({
        code: 13009,
      });
      if (s.state !== 'authenticated') await new Promise((resolve) => s.once('authenticated', resolve));
    }
    expect(delays).toEqual([0, 20, 40]);
  });

  it('a call that carries its own access_token is the caller’s business: no re-auth', async () => {
    const server = await h.start((request, peer) => {
      if (request.method === 'private/get_account_summary') peer.error(request, 13009, 'unauthorized');
      else deribitLike(request, peer);
    });
    const s = h.session();
    await s.connect();
    await expect(
      s.call('private/get_account_summary', { currency: 'BTC', access_token: 'someone-else' }),
    ).rejects.toMatchObject({ code: 13009 });
    await expect(s.call('public/test')).resolves.toBeTruthy();
    expect(s.state).toBe('authenticated');
    expect(server.requests('public/auth')).toHaveLength(1);
  });
});
