/**
 * Continuity against a hostile server that answers the history methods in Deribit's shapes from a small book
 * the test keeps (not the emulator's): what changed during the gap is delivered once, in order, marked
 * replayed, before `authenticated`; lost order calls resolve; a history request that fails is said, not hidden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationInfo, Order, OrderOutcome, UserTrade, WarningEvent } from '../../src/index.js';
import { ConnectionClosedError } from '../../src/index.js';
import { nextEvent } from '../helpers/harness.js';
import { deribitLike, type HostilePeer, type HostileRequest } from '../helpers/hostile-server.js';
import { HostileHarness } from '../helpers/hostile-session.js';

const h = new HostileHarness();
afterEach(() => h.cleanup());

let seq = 0;
function order(fields: Partial<Order>): Order {
  const now = Date.now();
  return {
    order_id: `o${++seq}`,
    order_state: 'open',
    order_type: 'limit',
    time_in_force: 'good_til_cancelled',
    instrument_name: 'BTC-PERPETUAL',
    creation_timestamp: now,
    last_update_timestamp: now,
    direction: 'buy',
    price: 50_000,
    label: '',
    post_only: false,
    api: true,
    amount: 10,
    filled_amount: 0,
    average_price: 0,
    ...fields,
  } as Order;
}

function trade(n: number, at: number): UserTrade {
  return {
    trade_id: `t${n}`,
    trade_seq: n,
    instrument_name: 'BTC-PERPETUAL',
    timestamp: at,
    order_id: 'o-filled',
    direction: 'buy',
    price: 50_000,
    amount: 10,
  } as unknown as UserTrade;
}

/** The book behind the history methods. */
interface Book {
  open: Order[];
  history: Order[];
  trades: UserTrade[];
  failHistory?: boolean;
}

function historyScript(book: Book, hold?: (request: HostileRequest, peer: HostilePeer) => boolean) {
  return (request: HostileRequest, peer: HostilePeer): void => {
    if (hold?.(request, peer)) return;
    const p = request.params;
    switch (request.method) {
      case 'private/get_open_orders_by_currency':
        peer.result(request, book.open);
        return;
      case 'private/get_order_history_by_currency': {
        if (book.failHistory) {
          peer.error(request, 11094, 'internal_server_error');
          return;
        }
        const newest = [...book.history].sort((a, b) => b.last_update_timestamp - a.last_update_timestamp);
        const offset = Number(p['offset'] ?? 0);
        peer.result(request, newest.slice(offset, offset + Number(p['count'] ?? 20)));
        return;
      }
      case 'private/get_user_trades_by_currency': {
        const from = Number(p['start_timestamp'] ?? 0);
        const count = Number(p['count'] ?? 10);
        const after = book.trades
          .filter((t) => t.timestamp >= from)
          .sort((a, b) => a.timestamp - b.timestamp);
        peer.result(request, { trades: after.slice(0, count), has_more: after.length > count });
        return;
      }
      default:
        deribitLike(request, peer);
    }
  };
}

describe('a gap, against a hostile server', () => {
  it('a 1,000-trade gap reaches the handler in order, once, marked replayed, before authenticated', async () => {
    const book: Book = { open: [], history: [], trades: [] };
    const server = await h.start(historyScript(book));
    const session = h.session({ scope: 'session:gap' });
    const seen: Array<{ id: string; replayed: boolean }> = [];
    let announcedAfter = -1;
    await session.subscribe(
      'user.trades.future.BTC.raw',
      (trades: readonly UserTrade[], _c, info: NotificationInfo) => {
        for (const t of trades) seen.push({ id: t.trade_id, replayed: info.replayed });
      },
    );
    await session.connect();
    server.peers[0]?.terminate();
    const start = Date.now();
    for (let i = 1; i <= 1000; i++) book.trades.push(trade(i, start + Math.floor(i / 7)));
    session.once('authenticated', () => {
      announcedAfter = seen.length;
    });
    await nextEvent(session, 'authenticated');
    expect(announcedAfter).toBe(1000);
    expect(seen.map((s) => s.id)).toEqual(Array.from({ length: 1000 }, (_, i) => `t${i + 1}`));
    expect(seen.every((s) => s.replayed)).toBe(true);
    // A live notification repeating a replayed trade is not delivered twice; a new one is, not replayed.
    server.peers[1]?.send({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: 'user.trades.future.BTC.raw', data: [trade(1000, start), trade(1001, Date.now())] },
    });
    await expect.poll(() => seen.length).toBe(1001);
    expect(seen.at(-1)).toEqual({ id: 't1001', replayed: false });
    expect(server.requests('private/get_user_trades_by_currency').length).toBe(1); // a page of 1,000, not 1,000 requests
  });

  it('lost calls resolve: a buy placed, a buy never placed, a cancel that took effect', async () => {
    const book: Book = { open: [], history: [], trades: [] };
    let drop = false;
    await h.start(
      historyScript(book, (request, peer) => {
        if (!drop || !request.method.startsWith('private/') || request.method.startsWith('private/get'))
          return false;
        if (request.method === 'private/buy' && request.params['label'] === 'placed') {
          book.open.push(order({ label: 'placed', order_id: 'mine' }));
        }
        if (request.method === 'private/cancel') {
          book.history.push(
            order({ order_id: 'old', order_state: 'cancelled', last_update_timestamp: Date.now() }),
          );
        }
        setImmediate(() => peer.terminate()); // executed (or not), and the answer is lost
        return true;
      }),
    );
    const session = h.session({ scope: 'session:lost' });
    await session.connect();
    drop = true;
    const calls = [
      session.call('private/buy', {
        instrument_name: 'BTC-PERPETUAL',
        amount: 10,
        price: 50_000,
        label: 'placed',
      }),
      session.call('private/buy', {
        instrument_name: 'BTC-PERPETUAL',
        amount: 10,
        price: 50_000,
        label: 'never',
      }),
      session.call('private/cancel', { order_id: 'old' }),
    ].map((call) =>
      call.then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const errors = await Promise.all(calls);
    drop = false;
    for (const error of errors) expect(error).toBeInstanceOf(ConnectionClosedError);
    const outcomes = (await Promise.all(
      errors.map((error) => (error as ConnectionClosedError).outcome),
    )) as OrderOutcome[];
    expect(outcomes[0]).toMatchObject({ status: 'placed', matchedBy: 'label', order: { order_id: 'mine' } });
    expect(outcomes[1]).toEqual({ status: 'not_placed', matchedBy: 'label' });
    expect(outcomes[2]).toMatchObject({ status: 'cancelled', matchedBy: 'order_id' });
    // Resolved during the resync, before the session is announced again.
    expect(session.state).toBe('authenticating');
    await nextEvent(session, 'authenticated');
  });

  it('a history request that fails is said in a resync-incomplete warning naming the channels', async () => {
    const book: Book = { open: [], history: [], trades: [], failHistory: true };
    const server = await h.start(historyScript(book));
    const session = h.session({ scope: 'session:fail' });
    await session.subscribe('user.orders.BTC-PERPETUAL.raw', () => {});
    await session.connect();
    const warning = nextEvent(session, 'warning', (w: WarningEvent) => w.code === 'resync-incomplete');
    server.peers[0]?.terminate();
    expect((await warning).items).toEqual(['user.orders.BTC-PERPETUAL.raw']);
    await nextEvent(session, 'authenticated');
  });

  it('a live trade that comes on the new socket before the resync starts follows the replay, not precedes it', async () => {
    const book: Book = { open: [], history: [], trades: [] };
    const start = Date.now();
    let live: UserTrade | undefined;
    const server = await h.start(
      historyScript(book, (request, peer) => {
        // Hostile: on the new socket, a fresh trade is pushed right after the subscribe is confirmed.
        if (request.connection !== 2 || request.method !== 'private/subscribe' || live === undefined)
          return false;
        deribitLike(request, peer);
        peer.send({
          jsonrpc: '2.0',
          method: 'subscription',
          params: { channel: 'user.trades.future.BTC.raw', data: [live] },
        });
        return true;
      }),
    );
    const session = h.session({ scope: 'session:early' });
    const seen: Array<{ id: string; replayed: boolean }> = [];
    await session.subscribe('user.trades.future.BTC.raw', (trades: readonly UserTrade[], _c, info) => {
      for (const t of trades) seen.push({ id: t.trade_id, replayed: info.replayed });
    });
    await session.connect();
    book.trades.push(trade(1, start), trade(2, start + 1));
    live = trade(3, start + 2);
    server.peers[0]?.terminate();
    await nextEvent(session, 'authenticated');
    expect(server.requests('private/subscribe').filter((r) => r.connection === 2)).toHaveLength(1);
    expect(seen).toEqual([
      { id: 't1', replayed: true },
      { id: 't2', replayed: true },
      { id: 't3', replayed: false },
    ]);
  });

  it('a lost buy with no match in a history too long to read resolves unknown, not not_placed', async () => {
    const book: Book = { open: [], history: [], trades: [] };
    let drop = false;
    const server = await h.start(
      historyScript(book, (request, peer) => {
        if (!drop || request.method !== 'private/buy') return false;
        // More closed orders during the gap than the session reads (5 pages of 1,000): the buy may be among them.
        const now = Date.now();
        for (let i = 0; i < 5001; i++)
          book.history.push(
            order({ order_state: 'cancelled', label: `other-${i}`, last_update_timestamp: now }),
          );
        setImmediate(() => peer.terminate());
        return true;
      }),
    );
    const session = h.session({ scope: 'session:long' });
    await session.connect();
    drop = true;
    const error = await session
      .call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 50_000, label: 'mine' })
      .catch((e: unknown) => e);
    drop = false;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    const outcome = await (error as ConnectionClosedError).outcome;
    expect(outcome).toMatchObject({ status: 'unknown' });
    expect(server.requests('private/get_order_history_by_currency')).toHaveLength(5);
    await nextEvent(session, 'authenticated');
  });

  it('a lost cancel of an order still untriggered resolves not_cancelled, with the order', async () => {
    const book: Book = { open: [], history: [], trades: [] };
    let drop = false;
    await h.start(
      historyScript(book, (request, peer) => {
        if (!drop || request.method !== 'private/cancel') return false;
        book.open.push(order({ order_id: 'stop', order_state: 'untriggered', order_type: 'stop_limit' }));
        setImmediate(() => peer.terminate());
        return true;
      }),
    );
    const session = h.session({ scope: 'session:stop' });
    await session.connect();
    drop = true;
    const error = await session.call('private/cancel', { order_id: 'stop' }).catch((e: unknown) => e);
    drop = false;
    const outcome = await (error as ConnectionClosedError).outcome;
    expect(outcome).toMatchObject({
      status: 'not_cancelled',
      matchedBy: 'order_id',
      orders: [{ order_id: 'stop', order_state: 'untriggered' }],
    });
    await nextEvent(session, 'authenticated');
  });
});
