/**
 * Continuity across a gap, against the emulator over real sockets (issue 20): what happens while the socket is
 * down reaches the handlers once, marked replayed, before `authenticated`; order calls whose answer was lost
 * resolve placed, not placed, or cancelled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  type NotificationInfo,
  type Order,
  type OrderOutcome,
  type UserTrade,
} from '../../src/index.js';
import type { DeribitEmulator } from '../../src/testing/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const BUY = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 40_000 } as const;

/** A session connected with its private order and trade channels, recording what they deliver. */
async function connected() {
  const session = h.session({
    scope: 'session:gap',
    reconnect: { minTimeout: 5, maxTimeout: 50, stableAfter: 0 },
  });
  const trades: Array<{ id: string; replayed: boolean }> = [];
  const orders: Array<{ id: string; state: string; replayed: boolean }> = [];
  await session.subscribe(
    'user.trades.BTC-PERPETUAL.raw',
    (data: readonly UserTrade[], _c, info: NotificationInfo) => {
      for (const trade of data) trades.push({ id: trade.trade_id, replayed: info.replayed });
    },
  );
  await session.subscribe('user.orders.BTC-PERPETUAL.raw', (order: Order, _c, info: NotificationInfo) => {
    orders.push({ id: order.order_id, state: order.order_state, replayed: info.replayed });
  });
  await session.connect();
  return { session, trades, orders };
}

/** Drop every socket and hold the next authentication, so that things happen while the session is away. */
function gap(emu: DeribitEmulator, ms: number): void {
  emu.delay('public/auth', ms);
  emu.dropConnections();
}

describe('a gap', () => {
  it('a fill during the gap reaches the handlers once, replayed, before authenticated', async () => {
    const emu = await h.start();
    const { session, trades, orders } = await connected();
    const { order } = await session.call('private/buy', BUY);
    await expect.poll(() => orders.length).toBe(1);
    const back = nextEvent(session, 'authenticated');
    let atAnnounce = -1;
    session.once('authenticated', () => {
      atAnnounce = trades.length;
    });
    gap(emu, 200);
    emu.fill(order.order_id);
    await back;
    emu.clearDelays();
    expect(atAnnounce).toBe(1);
    expect(trades).toEqual([{ id: expect.any(String), replayed: true }]);
    expect(orders.at(-1)).toEqual({ id: order.order_id, state: 'filled', replayed: true });
    expect(orders.filter((o) => o.state === 'filled')).toHaveLength(1);
  });

  it('a 1,000-trade gap is delivered in order and once', async () => {
    const emu = await h.start();
    const { session, trades } = await connected();
    const { order } = await session.call('private/buy', { ...BUY, amount: 10_000 });
    const back = nextEvent(session, 'authenticated');
    gap(emu, 300);
    for (let i = 0; i < 1000; i++) emu.fill(order.order_id, { amount: 10 });
    await back;
    emu.clearDelays();
    expect(trades).toHaveLength(1000);
    expect(new Set(trades.map((t) => t.id)).size).toBe(1000);
    expect(trades.every((t) => t.replayed)).toBe(true);
    const seqs = trades.map((t) => Number(t.id.replace(/\D/g, '')));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe('order calls whose answer was lost', () => {
  it('a buy the server executed resolves placed; a buy that never reached it resolves not placed', async () => {
    const emu = await h.start();
    const { session } = await connected();
    // The first buy is executed, but its answer is held back and lost with the socket.
    emu.delay('private/buy', 500);
    const placed = session.call('private/buy', { ...BUY, label: 'kept' }).catch((e: unknown) => e);
    await new Promise<void>((resolve) =>
      emu.once('request', ({ method }) => method === 'private/buy' && resolve()),
    );
    emu.dropConnections();
    const lost = (await placed) as ConnectionClosedError;
    expect(lost).toBeInstanceOf(ConnectionClosedError);
    expect(await lost.outcome).toMatchObject({
      status: 'placed',
      matchedBy: 'label',
      order: { label: 'kept' },
    });
    emu.clearDelays();
    await session.call('public/test');

    // The second never reaches the matching engine: the socket is half-dead when it goes out.
    emu.freeze();
    const never = session.call('private/buy', { ...BUY, label: 'gone' }).catch((e: unknown) => e);
    await new Promise<void>((resolve) =>
      emu.once('request', ({ method }) => method === 'private/buy' && resolve()),
    );
    emu.dropConnections();
    const error = (await never) as ConnectionClosedError;
    expect(await error.outcome).toEqual({ status: 'not_placed', matchedBy: 'label' } satisfies OrderOutcome);
  });

  it('a cancel whose answer was lost resolves cancelled', async () => {
    const emu = await h.start();
    const { session } = await connected();
    const { order } = await session.call('private/buy', BUY);
    emu.delay('private/cancel', 500);
    const cancel = session.call('private/cancel', { order_id: order.order_id }).catch((e: unknown) => e);
    await new Promise<void>((resolve) =>
      emu.once('request', ({ method }) => method === 'private/cancel' && resolve()),
    );
    emu.dropConnections();
    const error = (await cancel) as ConnectionClosedError;
    expect(error.sent).toBe(true);
    expect(await error.outcome).toMatchObject({ status: 'cancelled', matchedBy: 'order_id' });
  });

  it('with labelOrders, a buy sent without a label gets a unique one, so its outcome is found', async () => {
    const emu = await h.start();
    const session = h.session({ labelOrders: true });
    await session.connect();
    const { order } = await session.call('private/buy', BUY);
    expect(order.label).toMatch(/^ds-[\w-]{20}$/);
    expect(emu.openOrders(100001).map((o) => o['label'])).toEqual([order.label]);
  });
});
