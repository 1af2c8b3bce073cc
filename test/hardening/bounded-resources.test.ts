/**
 * Issue 10, item 9: bounded resources. A frame over `maxPayload` closes the socket (the session reconnects;
 * it neither dies nor buffers); permessage-deflate is offered only when asked for; a flood of `test_request`s
 * gets one `public/test` at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, type DisconnectedEvent } from '../../src/index.js';
import { withoutOwn } from '../helpers/harness.js';
import { deribitLike, type HostileRequest } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

describe('maxPayload', () => {
  it('a frame larger than maxPayload closes the socket (1009, and a reason); the call in flight fails, the session reconnects', async () => {
    let huge = true;
    const server = await h.start((request, peer) => {
      if (request.method === 'public/get_instruments' && huge) {
        huge = false;
        peer.result(request, 'x'.repeat(64 * 1024)); // 64 KiB against a 16 KiB limit
      } else deribitLike(request, peer);
    });
    const session = h.session({ maxPayload: 16 * 1024 });
    await session.connect();
    const disconnected = new Promise<DisconnectedEvent>((resolve) => session.once('disconnected', resolve));
    const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    const error = await session.call('public/get_instruments', { currency: 'BTC' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    // The client's socket ends without the server's close frame (1006); the reason says why.
    expect(await disconnected).toMatchObject({ reason: 'Max payload size exceeded', willReconnect: true });
    await back;
    expect(server.peers).toHaveLength(2);
    expect(server.peers[0]?.closed?.code).toBe(1009);
    await expect(session.call('public/get_instruments', { currency: 'BTC' })).resolves.toEqual({ ok: true });
  });

  it('an oversized notification is treated the same way: no handler sees it, the session reconnects', async () => {
    const server = await h.start();
    const session = h.session({ maxPayload: 1024 });
    await session.connect();
    const seen: unknown[] = [];
    await session.subscribe('ticker.BTC-PERPETUAL.100ms', (data) => seen.push(data));
    const back = new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    server.peers[0]?.send({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: 'ticker.BTC-PERPETUAL.100ms', data: 'x'.repeat(4096) },
    });
    await back;
    expect(seen).toEqual([]);
    expect(server.peers[0]?.closed?.code).toBe(1009);
    // The restore subscribed the channel again on the new socket.
    expect(withoutOwn(server.requests('public/subscribe')).map((r) => r.connection)).toEqual([1, 2]);
  });
});

describe('permessage-deflate', () => {
  it('is not offered by default', async () => {
    const server = await h.start(deribitLike, { perMessageDeflate: true });
    await h.session().connect();
    expect(server.peers[0]?.headers['sec-websocket-extensions']).toBeUndefined();
  });

  it('is offered with perMessageDeflate: true', async () => {
    const server = await h.start(deribitLike, { perMessageDeflate: true });
    await h.session({ perMessageDeflate: true }).connect();
    expect(server.peers[0]?.headers['sec-websocket-extensions']).toMatch(/permessage-deflate/);
  });
});

describe('a flood of test_request', () => {
  it('gets one public/test at a time, never more than one in flight', async () => {
    const tests: HostileRequest[] = [];
    const server = await h.start((request, peer) => {
      if (request.method === 'public/test')
        tests.push(request); // held: never answered until released
      else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const marks: unknown[] = [];
    await session.subscribe('marker', (data) => marks.push(data));
    const peer = server.peers[0];
    if (peer === undefined) throw new Error('no peer');

    /** Send 100 test_requests, then a marker notification; resolve once the session has read them all. */
    const flood = async (round: number): Promise<void> => {
      for (let i = 0; i < 100; i += 1) peer.heartbeat('test_request');
      peer.send({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'marker', data: round } });
      await expect.poll(() => marks).toContain(round);
      // A round trip: every frame the session wrote before it has reached the server.
      await session.call('public/get_time');
    };

    await flood(1);
    expect(tests).toHaveLength(1);
    await flood(2);
    expect(tests).toHaveLength(1); // the first is still unanswered: nothing more was sent
    const first = tests[0];
    if (first !== undefined) peer.result(first, { version: 'hostile' });
    await flood(3);
    expect(tests).toHaveLength(2);
    expect(session.state).toBe('authenticated');
  });
});
