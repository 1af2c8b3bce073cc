/**
 * The request path (issue 18, items 6–8): a server that streams notifications but answers no request is dead;
 * calls still in the local write buffer are not "sent"; id-less errors are never guessed; a heartbeat interval
 * the server refuses for good fails fast.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionClosedError, RequestTimeoutError, RpcError } from '../../src/index.js';
import { nextEvent } from '../helpers/harness.js';
import { deribitLike, type HostilePeer } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

const idless = { jsonrpc: '2.0', error: { code: -32600, message: 'request entity too large' } };

describe('a request path that stops answering', () => {
  it('is dropped although a ticker keeps streaming, and the call in flight learns the outcome is unknown', async () => {
    let answering = true;
    let ticker: ReturnType<typeof setInterval> | undefined;
    const server = await h.start((request, peer) => {
      if (answering) deribitLike(request, peer);
    });
    const session = h.session({ liveness: {} });
    await session.connect();
    const peer = server.peers[0];
    ticker = setInterval(
      () => peer?.send({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'ticker.X', data: {} } }),
      50,
    );
    answering = false;
    const dropped = nextEvent(session, 'state', (c) => c.to === 'disconnected');
    const order = session.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 });
    expect((await dropped).reason).toBe('liveness-timeout');
    clearInterval(ticker);
    ticker = undefined;
    const error = await order.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ sent: true });
  });

  it('calls still in the write buffer when a stalled socket is dropped are reported not sent', async () => {
    const server = await h.start();
    const session = h.session({ liveness: {} });
    await session.connect();
    server.peers[0]?.stopReading();
    // Large calls until the socket's buffers are full: the last ones cannot leave this process.
    const blob = 'x'.repeat(30_000);
    const calls = Array.from({ length: 600 }, () =>
      session.call('public/echo' as string, { blob }).then(
        () => 'answered',
        (error: ConnectionClosedError) => (error.sent ? 'sent' : 'unsent'),
      ),
    );
    const outcomes = await Promise.all(calls);
    expect(outcomes).not.toContain('answered');
    expect(outcomes).toContain('sent');
    expect(outcomes).toContain('unsent');
    // The ones that left are the first ones written.
    expect(outcomes.lastIndexOf('sent')).toBeLessThan(outcomes.indexOf('unsent'));
  });

  it('a call whose time runs out while its frame is still in the write buffer says so, and that it was not sent', async () => {
    const server = await h.start();
    const session = h.session({ requestTimeout: 500, credits: false }); // every frame written at once
    await session.connect();
    server.peers[0]?.stopReading();
    const blob = 'x'.repeat(30_000);
    const errors = await Promise.all(
      Array.from({ length: 600 }, () =>
        session.call('public/echo' as string, { blob }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of errors) expect(error).toBeInstanceOf(RequestTimeoutError);
    const unsent = errors.filter(
      (error) => (error as RequestTimeoutError).sent === false,
    ) as RequestTimeoutError[];
    expect(unsent.length).toBeGreaterThan(0);
    expect(unsent.length).toBeLessThan(errors.length);
    for (const error of unsent)
      expect(error.message).toMatch(/still in the local write buffer.*safe to retry/);
  });
});

describe('errors without an id', () => {
  it('never reject a call whose own answer arrives: a buy executed after an id-less error resolves', async () => {
    const server = await h.start((request, peer) => {
      if (request.method === 'private/buy') {
        peer.send(idless); // about something else
        setTimeout(() => peer.result(request, { order: { order_id: 'o1' }, trades: [] }), 200);
      } else deribitLike(request, peer);
    });
    const session = h.session();
    await session.connect();
    const reported = nextEvent(session, 'error');
    const result = await session.call('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      price: 1,
    });
    expect(result.order.order_id).toBe('o1');
    expect(await reported).toMatchObject({ code: -32600 });
    expect(server.peers).toHaveLength(1);
  });

  it('settle the one refused call within the grace, while the others get their own answers', async () => {
    const server = await h.start((request, peer) => {
      if (request.method === 'public/odd')
        peer.send(idless); // the refused one: never answered otherwise
      else if (request.method === 'public/slow') setTimeout(() => peer.result(request, 'slow'), 300);
      else deribitLike(request, peer);
    });
    const session = h.session({ requestTimeout: 30_000 });
    await session.connect();
    const slow = session.call('public/slow' as string, {});
    const odd = session.call('public/odd' as string, {});
    await expect(slow).resolves.toBe('slow');
    const error = await odd.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32600, method: 'public/odd' });
    expect(server.peers).toHaveLength(1);
  });
});

describe('a heartbeat interval the server refuses', () => {
  it('fails connect() fast with a ConfigurationError that says what to fix, instead of reconnecting forever', async () => {
    const server = await h.start((request, peer: HostilePeer) => {
      if (request.method === 'public/set_heartbeat')
        peer.error(request, -32602, 'Invalid params', { reason: 'interval too small', param: 'interval' });
      else deribitLike(request, peer);
    });
    const session = h.session({ heartbeat: { interval: 5 } });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/heartbeat\.interval 5 s.*at least 10 s/);
    expect(session.state).toBe('closed');
    expect(server.peers).toHaveLength(1);
  });
});
