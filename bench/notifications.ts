/**
 * Subscription notifications dispatched to a handler, per second. The client's socket is paused while the
 * emulator publishes the whole burst, then resumed: the clock runs from the resume until the handler has
 * seen every notification, so the client (not the emulator) sets the pace. Also reports client CPU µs a
 * notification.
 */
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../src/connection/socket.js';
import { newSession, RawClient } from './clients.js';
import type { BenchConfig } from './config.js';
import type { EmulatorHandle } from './emulator-handle.js';
import { median, rotated, settle } from './stats.js';

export interface NotificationsResult {
  readonly perSecond: Record<'session' | 'raw', number>;
  readonly cpuMicros: Record<'session' | 'raw', number>;
}

/** A ticker notification's `data`, shaped like Deribit's. */
const TICKER = {
  timestamp: 1_700_000_000_000,
  stats: { volume_usd: 123456789, volume: 4567.8, price_change: -1.23, low: 36000, high: 37500 },
  state: 'open',
  settlement_price: 36912.5,
  open_interest: 987654321,
  min_price: 36500.5,
  max_price: 37600.5,
  mark_price: 37012.34,
  last_price: 37010,
  instrument_name: 'BTC-PERPETUAL',
  index_price: 37005.12,
  funding_8h: 0.0001,
  current_funding: 0,
  best_bid_price: 37010,
  best_bid_amount: 12340,
  best_ask_price: 37010.5,
  best_ask_amount: 5670,
};

type Counter = { seen: number; target: number; done: (() => void) | undefined };

function counted(counter: Counter): () => void {
  return () => {
    counter.seen += 1;
    if (counter.seen === counter.target) counter.done?.();
  };
}

export async function notifications(emu: EmulatorHandle, config: BenchConfig): Promise<NotificationsResult> {
  const kinds = ['raw', 'session'] as const;
  const counters: Record<(typeof kinds)[number], Counter> = {
    raw: { seen: 0, target: 0, done: undefined },
    session: { seen: 0, target: 0, done: undefined },
  };
  const sockets: Partial<Record<(typeof kinds)[number], WebSocket>> = {};

  const raw = await RawClient.open(emu.url);
  sockets.raw = raw.socket;
  await raw.call('public/subscribe', { channels: ['ticker.BENCH-RAW.100ms'] });
  const onRaw = counted(counters.raw);
  raw.onNotification = (channel) => {
    if (channel === 'ticker.BENCH-RAW.100ms') onRaw();
  };

  // The session's socket, captured so the benchmark can pause it.
  class TrackedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.session = this;
    }
  }
  // The socket is paused for each burst, which to a liveness probe is a dead socket (no frame is read):
  // probes off, or a slow burst would get the socket dropped mid-measurement.
  const session = newSession(emu.url, {
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    liveness: false,
  });
  let sessionLost: ((error: Error) => void) | undefined;
  session.on('disconnected', ({ reason }) => {
    sessionLost?.(new Error(`the session's socket dropped during the notification benchmark: ${reason}`));
  });
  await session.connect();
  await session.subscribe('ticker.BENCH-SESSION.100ms', counted(counters.session));

  const channels = { raw: 'ticker.BENCH-RAW.100ms', session: 'ticker.BENCH-SESSION.100ms' };
  const rates: Record<(typeof kinds)[number], number[]> = { raw: [], session: [] };
  const cpu: Record<(typeof kinds)[number], number[]> = { raw: [], session: [] };
  const burst = async (kind: (typeof kinds)[number], count: number): Promise<void> => {
    const counter = counters[kind];
    const socket = sockets[kind];
    if (socket === undefined) throw new Error(`no ${kind} socket`);
    counter.seen = 0;
    counter.target = count;
    const all = new Promise<void>((resolve, reject) => {
      counter.done = resolve;
      if (kind === 'session') sessionLost = reject;
    });
    socket.pause();
    await emu.publish(channels[kind], TICKER, count);
    await settle(100);
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    socket.resume();
    await all;
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpuStart);
    rates[kind].push(count / seconds);
    cpu[kind].push((used.user + used.system) / count);
  };
  for (const kind of kinds) await burst(kind, Math.min(config.notifications, 10_000)); // warm-up
  rates.raw.length = rates.session.length = cpu.raw.length = cpu.session.length = 0;
  for (let round = 0; round < config.rounds; round++) {
    await rotated(kinds, round, (kind) => burst(kind, config.notifications));
  }
  await raw.close();
  await session.close();
  return {
    perSecond: { raw: median(rates.raw), session: median(rates.session) },
    cpuMicros: { raw: median(cpu.raw), session: median(cpu.session) },
  };
}
