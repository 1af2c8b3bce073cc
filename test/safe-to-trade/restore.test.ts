/**
 * A private channel that failed to restore is never silently lost (issue 18, item 2): what failed or was left
 * out is asked again on the same socket before `authenticated`; what the server refuses for good is reported
 * to its subscribers with a typed error. And a subscribe request never exceeds Deribit's 32 kB frame (item 9).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, SubscriptionRefusedError, type WarningEvent } from '../../src/index.js';
import { nextEvent, withoutOwn } from '../helpers/harness.js';
import { deribitLike, type HostilePeer, type HostileRequest } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

const ORDERS = 'user.orders.BTC-PERPETUAL.raw';

function notify(peer: HostilePeer | undefined, channel: string, data: unknown): void {
  peer?.send({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } });
}

/** Answers `private/subscribe` on the second socket with `answer` (its n-th request there), else as Deribit. */
function restoreAnswers(answer: (request: HostileRequest, peer: HostilePeer, n: number) => boolean) {
  let n = 0;
  return h.start((request, peer) => {
    if (request.method === 'private/subscribe' && request.connection === 2 && answer(request, peer, ++n))
      return;
    deribitLike(request, peer);
  });
}

describe('restoring private channels after a drop', () => {
  it('a generic error is retried on the same socket: authenticated only once confirmed, and orders arrive', async () => {
    const server = await restoreAnswers((request, peer, n) => {
      if (n !== 1) return false;
      peer.error(request, -32603, 'Internal error');
      return true;
    });
    const session = h.session();
    const orders: unknown[] = [];
    await session.subscribe(ORDERS, (order) => orders.push(order));
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    server.peers[0]?.terminate();
    await back;
    expect(server.requests('private/subscribe').filter((r) => r.connection === 2)).toHaveLength(2);
    expect(server.peers).toHaveLength(2); // retried on the same socket, not by reconnecting
    expect(session.status().subscriptions).toEqual({ confirmed: 1, pending: 0 });
    for (let i = 1; i <= 5; i++) notify(server.peers[1], ORDERS, { order_id: `o${i}` });
    await expect.poll(() => orders.length).toBe(5);
  });

  it('a channel left out of the answer is asked again, and the session waits for it', async () => {
    let confirmedAt = 0;
    let announcedAfter = false;
    const server = await restoreAnswers((request, peer, n) => {
      if (n === 1) peer.result(request, []);
      else {
        confirmedAt = n;
        deribitLike(request, peer);
      }
      return true;
    });
    const session = h.session();
    await session.subscribe(ORDERS, () => {});
    await session.connect();
    const back = nextEvent(session, 'authenticated').then(() => {
      announcedAfter = confirmedAt === 2;
    });
    server.peers[0]?.terminate();
    await back;
    expect(announcedAfter).toBe(true);
    expect(session.status().subscriptions).toEqual({ confirmed: 1, pending: 0 });
  });

  it('a channel the server keeps leaving out is refused after 3 tries, and its subscribers are told', async () => {
    const server = await restoreAnswers((request, peer) => {
      const channels = request.params['channels'] as string[];
      peer.result(
        request,
        channels.filter((c) => c !== ORDERS),
      );
      return true;
    });
    const session = h.session();
    const errors: Error[] = [];
    session.on('error', (error) => errors.push(error));
    const warning = nextEvent(session, 'warning', (w: WarningEvent) => w.code === 'channels-missing');
    await session.subscribe([ORDERS, 'user.trades.BTC-PERPETUAL.raw'], () => {});
    const stream = session.stream(ORDERS);
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    server.peers[0]?.terminate();
    await back;
    expect((await warning).items).toEqual([ORDERS]);
    await expect(stream.next()).rejects.toBeInstanceOf(SubscriptionRefusedError);
    expect(errors.find((e) => e instanceof SubscriptionRefusedError)).toMatchObject({ channels: [ORDERS] });
    expect(session.channels).toEqual(['user.trades.BTC-PERPETUAL.raw']);
    expect(session.status().subscriptions).toEqual({ confirmed: 1, pending: 0 });
    const asked = server.requests('private/subscribe').filter((r) => r.connection === 2);
    expect(asked.filter((r) => (r.params['channels'] as string[]).includes(ORDERS))).toHaveLength(3);
  });

  it('a refusal that names its channel refuses that one only; the others are restored', async () => {
    const server = await restoreAnswers((request, peer) => {
      const channels = request.params['channels'] as string[];
      if (!channels.includes(ORDERS)) return false;
      peer.error(request, 13021, 'forbidden', { reason: 'scope trade:read required', channel: ORDERS });
      return true;
    });
    const session = h.session();
    const refused: Error[] = [];
    session.on('error', (error) => refused.push(error));
    await session.subscribe([ORDERS, 'user.portfolio.btc'], () => {});
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    server.peers[0]?.terminate();
    await back;
    expect(session.channels).toEqual(['user.portfolio.btc']);
    expect(refused[0]).toMatchObject({ name: 'SubscriptionRefusedError', channels: [ORDERS] });
    expect((refused[0] as Error).cause).toMatchObject({ code: 13021 });
  });
});

describe('subscribe requests fit Deribit’s 32 kB frame', () => {
  it('500 long channel names are cut by size as well as by count, and every one is confirmed', async () => {
    const server = await h.start();
    const session = h.session();
    await session.connect();
    const channels = Array.from(
      { length: 500 },
      (_, i) => `book.BTC-27DEC24-${100_000 + i}-C.none.20.100ms.${'x'.repeat(40)}`,
    );
    await session.subscribe(channels, () => {});
    const requests = withoutOwn(server.requests('public/subscribe'));
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(request.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(requests.flatMap((r) => r.params['channels'] as string[]).sort()).toEqual([...channels].sort());
    expect(session.status().subscriptions).toEqual({ confirmed: 500, pending: 0 });
  });
});
