/**
 * The stale-order guard over real sockets: during an outage (the emulator drops every socket and refuses
 * the first re-auth, so the reconnect waits out a 400 ms backoff) a call that may wait 100 ms is refused
 * unsent, and the order it carried never reaches the server, not even after the session is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  type DeribitSession,
  NotConnectedError,
  RequestTimeoutError,
  RpcError,
} from '../../src/index.js';
import { DEFAULT_ACCOUNT, type DeribitEmulator } from '../../src/testing/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const ORDER = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 50_000, label: 'stale-guard' };
const BACKOFF_MS = 400;

/** A connected session whose next reconnect takes at least {@link BACKOFF_MS}. */
async function slowToReconnect(): Promise<{ session: DeribitSession; emu: DeribitEmulator }> {
  const emu = await h.start();
  const session = h.session({
    reconnect: { minTimeout: BACKOFF_MS, maxTimeout: BACKOFF_MS, randomize: false, stableAfter: 0 },
  });
  await session.connect();
  return { session, emu };
}

/** Drop every socket and refuse the first re-auth (10028, then close): resolves once the session is down. */
async function outage(session: DeribitSession, emu: DeribitEmulator): Promise<void> {
  const down = nextEvent(session, 'state', ({ to }) => to === 'disconnected');
  emu.rateLimitAuth(1);
  emu.dropConnections();
  await down;
}

const buys = (emu: DeribitEmulator) => emu.received.filter((m) => m.method === 'private/buy');

describe('maxWait during an outage', () => {
  it('a call with maxWait 100 rejects unsent (RequestTimeoutError, sent: false) and never reaches the server', async () => {
    const { session, emu } = await slowToReconnect();
    const back = nextEvent(session, 'authenticated');
    await outage(session, emu);
    const error = await session.call('private/buy', ORDER, { maxWait: 100 }).catch((e: unknown) => e);
    expect(session.state).not.toBe('authenticated'); // the premise: refused while the outage lasted
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ sent: false, method: 'private/buy', timeout: 100 });
    expect((error as Error).message).toMatch(/private\/buy was not sent/);
    await back;
    // Requests are handled in order: once this answer is in, anything queued before it would have arrived.
    await expect(session.call('public/test')).resolves.toBeTruthy();
    expect(buys(emu)).toEqual([]);
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toEqual([]);
  });

  it('a call allowed to wait longer than the outage is sent once, after re-authentication', async () => {
    const { session, emu } = await slowToReconnect();
    await outage(session, emu);
    const order = await session.call('private/buy', ORDER); // default maxWait: 5 s
    expect(order.order.label).toBe('stale-guard');
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toHaveLength(1);
    expect(buys(emu)).toHaveLength(1);
    expect(buys(emu)[0]?.auth).toBe('socket');
  });

  it('unlike a call already sent when the socket drops: ConnectionClosedError, outcome unknown, and the server has it', async () => {
    const { session, emu } = await slowToReconnect();
    emu.delay('private/buy', 5000);
    const inFlight = session.call('private/buy', ORDER, { maxWait: 100 });
    const error = inFlight.catch((e: unknown) => e);
    await new Promise<void>((resolve) => {
      const seen = ({ method }: { readonly method: string }): void => {
        if (method !== 'private/buy') return;
        emu.off('request', seen);
        resolve();
      };
      emu.on('request', seen);
    });
    emu.dropConnections();
    expect(await error).toBeInstanceOf(ConnectionClosedError);
    expect(await error).not.toBeInstanceOf(RequestTimeoutError);
    expect(((await error) as Error).message).toMatch(/outcome is unknown/);
    expect(buys(emu)).toHaveLength(1);
  });
});

describe('maxWait on a ready session', () => {
  it('does not apply: maxWait 0 is sent at once, and a slow answer is not cut short by maxWait', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    await expect(session.call('public/test', undefined, { maxWait: 0 })).resolves.toBeTruthy();
    emu.delay('public/get_time', 300);
    await expect(session.call('public/get_time', undefined, { maxWait: 50 })).resolves.toBeTypeOf('number');
  });

  it('maxWait 0 on a session that is not ready rejects unsent at once', async () => {
    const { session, emu } = await slowToReconnect();
    await outage(session, emu);
    const error = await session.call('private/buy', ORDER, { maxWait: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ sent: false, code: 'REQUEST_TIMEOUT' });
    await nextEvent(session, 'authenticated');
    await expect(session.call('public/test')).resolves.toBeTruthy();
    expect(buys(emu)).toEqual([]);
  });
});

describe('when the session gives up reconnecting', () => {
  it('waiting calls are refused unsent (NotConnectedError), not handed the error of the failed re-auth', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: { retries: 0, minTimeout: 5, stableAfter: 0 } });
    const reported = nextEvent(session, 'error');
    await session.connect();
    emu.delay('public/auth', 200); // the call below starts waiting before the re-auth is refused
    await outage(session, emu);
    const error = await session.call('private/buy', ORDER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect(error).not.toBeInstanceOf(RpcError);
    expect((error as Error).message).toMatch(/not sent.*stopped reconnecting.*10028/);
    expect(await reported).toMatchObject({ code: 10028 }); // the cause is still reported
    expect(buys(emu)).toEqual([]);
  });
});
