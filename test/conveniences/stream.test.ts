/**
 * `session.stream()`: notifications as an async iterator over a bounded buffer, against the emulator.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  AuthenticationError,
  type DeribitSession,
  InvalidArgumentError,
  type StreamItem,
  StreamOverflowError,
  type Ticker,
} from '../../src/index.js';
import type { DeribitEmulator } from '../../src/testing/index.js';
import { Harness, isOwnSubscribe, nextEvent, nextRequest, userChannels } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

const TICKER = 'ticker.BTC-PERPETUAL.100ms';
const TRADES = 'trades.BTC-PERPETUAL.100ms';

async function connected(): Promise<{ emu: DeribitEmulator; session: DeribitSession }> {
  const emu = await h.start();
  const session = h.session();
  await session.connect();
  return { emu, session };
}

/** Resolves once the session has received `count` notifications of `channel` (a second handler counts them). */
async function delivered(session: DeribitSession, channel: string, count: number): Promise<void> {
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const off = await session.subscribe(channel as string, () => {
    seen += 1;
    if (seen === count) done();
  });
  await all.finally(off);
}

/** Wait for the stream's subscribe to be confirmed: it is subscribed once the server lists the channel. */
async function subscribedOnServer(emu: DeribitEmulator, channel: string): Promise<void> {
  await expect.poll(() => emu.connectionIds.some((id) => emu.channelsOf(id).includes(channel))).toBe(true);
}

function serverChannels(emu: DeribitEmulator): string[] {
  return emu.connectionIds.flatMap((id) => userChannels(emu.channelsOf(id)));
}

describe('session.stream()', () => {
  it('delivers { channel, data } in order, across channels', async () => {
    const { emu, session } = await connected();
    const stream = session.stream([TICKER, TRADES]);
    await subscribedOnServer(emu, TRADES);
    for (let i = 1; i <= 50; i += 1) emu.publish(i % 2 === 0 ? TICKER : TRADES, { i });
    const got: Array<StreamItem<unknown>> = [];
    for await (const item of stream) {
      got.push(item);
      if (got.length === 50) break;
    }
    expect(got).toEqual(
      Array.from({ length: 50 }, (_, k) => ({
        channel: (k + 1) % 2 === 0 ? TICKER : TRADES,
        data: { i: k + 1 },
        replayed: false,
      })),
    );
  });

  it('break unsubscribes on the server before the loop is left', async () => {
    const { emu, session } = await connected();
    const stream = session.stream(TICKER);
    await subscribedOnServer(emu, TICKER);
    emu.publish(TICKER, { n: 1 });
    for await (const { data } of stream) {
      expect(data).toEqual({ n: 1 });
      break;
    }
    const unsubscribes = emu.received.filter((m) => m.method === 'public/unsubscribe');
    expect(unsubscribes.map((m) => m.params['channels'])).toEqual([[TICKER]]);
    expect(serverChannels(emu)).toEqual([]);
    expect(session.channels).toEqual([]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('an aborted signal ends the stream with its reason and unsubscribes', async () => {
    const { emu, session } = await connected();
    const controller = new AbortController();
    const stream = session.stream(TICKER, { signal: controller.signal });
    await subscribedOnServer(emu, TICKER);
    emu.publish(TICKER, { n: 1 });
    expect(await stream.next()).toEqual({
      value: { channel: TICKER, data: { n: 1 }, replayed: false },
      done: false,
    });
    const waiting = stream.next();
    const unsubscribed = nextRequest(emu, 'public/unsubscribe');
    const reason = new Error('stop streaming');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect((await unsubscribed).params['channels']).toEqual([TICKER]);
    await expect.poll(() => serverChannels(emu)).toEqual([]);
    expect(session.channels).toEqual([]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('a signal aborted before the stream starts ends it at once, without subscribing', async () => {
    const { emu, session } = await connected();
    const reason = new Error('never mind');
    const stream = session.stream(TICKER, { signal: AbortSignal.abort(reason) });
    await expect(stream.next()).rejects.toBe(reason);
    expect(session.channels).toEqual([]);
    expect(emu.received.filter((m) => m.method.endsWith('subscribe') && !isOwnSubscribe(m))).toEqual([]);
  });

  it('an abort while the subscribe is in flight rejects at once, and the late grant is undone', async () => {
    const { emu, session } = await connected();
    emu.delay('public/subscribe', 200);
    const controller = new AbortController();
    const stream = session.stream(TICKER, { signal: controller.signal });
    const waiting = stream.next();
    await nextRequest(emu, 'public/subscribe', (m) => !isOwnSubscribe(m));
    const unsubscribed = nextRequest(emu, 'public/unsubscribe');
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(session.channels).toEqual([]);
    expect((await unsubscribed).params['channels']).toEqual([TICKER]);
    await expect.poll(() => serverChannels(emu)).toEqual([]);
  });

  it('made before connect(), it subscribes once authenticated and keeps delivering across a reconnect', async () => {
    const emu = await h.start();
    const session = h.session();
    const stream = session.stream(TICKER);
    await session.connect();
    await subscribedOnServer(emu, TICKER);
    emu.publish(TICKER, { n: 1 });
    expect((await stream.next()).value).toEqual({ channel: TICKER, data: { n: 1 }, replayed: false });
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    await subscribedOnServer(emu, TICKER);
    emu.publish(TICKER, { n: 2 });
    expect((await stream.next()).value).toEqual({ channel: TICKER, data: { n: 2 }, replayed: false });
    await stream.return?.();
  });

  it('session close() ends the stream: the iterator is done', async () => {
    const { emu, session } = await connected();
    const stream = session.stream(TICKER);
    await subscribedOnServer(emu, TICKER);
    const waiting = stream.next();
    await session.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('a fatal close throws the fatal error from the iterator', async () => {
    const { emu, session } = await connected();
    const stream = session.stream(TICKER);
    await subscribedOnServer(emu, TICKER);
    emu.failNext('public/auth', 10, { code: 13004, message: 'invalid_credentials' });
    const waiting = stream.next();
    const closed = nextEvent(session, 'closed');
    emu.dropConnections();
    expect((await closed).reason).toBe('fatal');
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 13004 });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("overflow 'error' (default) yields the buffered items, then throws StreamOverflowError", async () => {
    const { emu, session } = await connected();
    const stream = session.stream(TICKER, { highWaterMark: 3 });
    await subscribedOnServer(emu, TICKER);
    const five = delivered(session, TICKER, 5);
    for (let n = 1; n <= 5; n += 1) emu.publish(TICKER, { n });
    await five;
    const got: unknown[] = [];
    const error = await (async () => {
      for await (const { data } of stream) got.push(data);
    })().catch((e: unknown) => e);
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(error).toBeInstanceOf(StreamOverflowError);
    expect(error).toMatchObject({ code: 'STREAM_OVERFLOW' });
    await expect.poll(() => serverChannels(emu)).toEqual([]);
  });

  it("overflow 'drop-oldest' keeps the newest highWaterMark items and goes on", async () => {
    const { emu, session } = await connected();
    const stream = session.stream(TICKER, { highWaterMark: 3, overflow: 'drop-oldest' });
    await subscribedOnServer(emu, TICKER);
    const five = delivered(session, TICKER, 5);
    for (let n = 1; n <= 5; n += 1) emu.publish(TICKER, { n });
    await five;
    const got: unknown[] = [];
    for await (const { data } of stream) {
      got.push(data);
      if (got.length === 3) emu.publish(TICKER, { n: 6 });
      if (got.length === 4) break;
    }
    expect(got).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }, { n: 6 }]);
  });

  it('bad options throw InvalidArgumentError', async () => {
    const { session } = await connected();
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ highWaterMark: 0 }, 'highWaterMark'],
      [{ highWaterMark: 1.5 }, 'highWaterMark'],
      [{ highWaterMark: Number.POSITIVE_INFINITY }, 'highWaterMark'],
      [{ highWaterMark: '10' }, 'highWaterMark'],
      [{ overflow: 'drop-newest' }, 'overflow'],
      [{ timeout: -1 }, 'timeout'],
      [{ signal: 'abort' }, 'signal'],
    ];
    for (const [options, argument] of bad) {
      let thrown: unknown;
      try {
        session.stream(TICKER, options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(InvalidArgumentError);
      expect(thrown).toMatchObject({ argument });
    }
    expect(session.channels).toEqual([]);
  });

  it('types the data from the channel name', async () => {
    const { emu, session } = await connected();
    const stream = session.stream('ticker.BTC-PERPETUAL.100ms');
    expectTypeOf(stream).toEqualTypeOf<AsyncIterableIterator<StreamItem<Ticker>>>();
    await subscribedOnServer(emu, TICKER);
    emu.publish(TICKER, { instrument_name: 'BTC-PERPETUAL', mark_price: 60_000 });
    for await (const { data } of stream) {
      expectTypeOf(data.mark_price).toEqualTypeOf<number>();
      // @ts-expect-error: a Ticker has no such field
      data.markPrice;
      expect(data.mark_price).toBe(60_000);
      break;
    }
    const untyped = session.stream('some.channel.of.ours');
    expectTypeOf(untyped).toEqualTypeOf<AsyncIterableIterator<StreamItem<unknown>>>();
    await untyped.return?.();
  });
});
