/**
 * The credit governor end to end (issue 19), on its own emulator with Deribit's pools on and the default key's
 * matching-engine tier set to burst 100, 500 a second:
 * - 2,000 mixed order calls issued at once by one session: elapsed against the pool's theoretical minimum
 *   ((2,000 − 100) / 500 = 3.8 s), and how many `10028` answers came (the raw column: a raw `ws` client sending
 *   the same 2,000 at once, which Deribit ends with `10028` and a closed socket);
 * - the same 2,000 split across 4 processes, each with its own session, sharing one budget through Redis
 *   (skipped, saying so, without `redis-server`);
 * - a cancel issued behind 1,000 queued orders: how long until its answer, against one refill interval plus the
 *   round trip of a `public/get_time` sent beside it (same moment, same load).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { hasRedisServer, startRedisServer } from '../test/credits/redis-server.js';
import { newSession, RawClient } from './clients.js';
import type { BenchConfig } from './config.js';
import { EmulatorHandle } from './emulator-handle.js';
import { type BurstOutcome, burst, LIMIT, LIMIT_TIERS, minimumMs, orderCall } from './limit-orders.js';
import { median, settle } from './stats.js';

const CALLS = 2000;
const PROCESSES = 4;
const CHILD = fileURLToPath(new URL('./limit-child.ts', import.meta.url));
/** Long enough for an emptied pool of burst 100 at 500/s to fill again. */
const REFILL_MS = 400;

export interface LimitResult {
  readonly calls: number;
  readonly minimumMs: number;
  readonly session: { readonly ms: number; readonly rateLimited: number; readonly outcomes: BurstOutcome[] };
  readonly redis:
    | { readonly ms: number; readonly rateLimited: number; readonly outcomes: BurstOutcome[][] }
    | undefined;
  readonly raw: { readonly rateLimited: number; readonly answered: number; readonly closed: boolean };
  readonly cancel: { readonly ms: number; readonly refillMs: number; readonly roundTripMs: number };
}

/** Start a child bot and resolve once it says "ready". */
function startBot(args: readonly string[]): Promise<{ child: ChildProcess; result: Promise<BurstOutcome> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let seen = '';
  let onReady: (() => void) | undefined;
  const result = new Promise<BurstOutcome>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready\n')) onReady?.();
      const last = seen.split('\n').find((line) => line.startsWith('{'));
      if (last !== undefined) resolve(JSON.parse(last) as BurstOutcome);
    });
    child.once('exit', (code) => reject(new Error(`a bot exited (${code}) before its result`)));
  });
  return new Promise((resolve, reject) => {
    onReady = () => resolve({ child, result });
    result.catch(reject);
  });
}

/** A session with the default credit pacing: pools from the account's tier, read on its first order call. */
const paced = (emu: EmulatorHandle) => newSession(emu.url, { credits: {} });

async function oneSession(emu: EmulatorHandle, rounds: number): Promise<LimitResult['session']> {
  const session = paced(emu);
  await session.connect();
  const outcomes: BurstOutcome[] = [];
  const before = await emu.rateLimited();
  for (let round = 0; round < rounds; round++) {
    // The tier is read on the first order call: the warm-up reads it, the pause lets the pool fill.
    await session.call('private/cancel_all');
    await settle(REFILL_MS);
    outcomes.push(await burst(session, CALLS, `s${round}`));
  }
  const rateLimited = (await emu.rateLimited()) - before;
  await session.call('private/cancel_all');
  await session.close();
  return { ms: median(outcomes.map((outcome) => outcome.ms)), rateLimited, outcomes };
}

async function throughRedis(emu: EmulatorHandle, rounds: number): Promise<LimitResult['redis']> {
  if (!hasRedisServer) return undefined;
  const server = await startRedisServer();
  const cleaner = paced(emu);
  await cleaner.connect();
  try {
    const outcomes: BurstOutcome[][] = [];
    const times: number[] = [];
    const before = await emu.rateLimited();
    for (let round = 0; round < rounds; round++) {
      const key = `bench-${process.pid}-${round}`;
      const bots = await Promise.all(
        Array.from({ length: PROCESSES }, (_, index) =>
          startBot([emu.url, server.url, key, String(CALLS / PROCESSES), `r${round}p${index}`]),
        ),
      );
      await settle(REFILL_MS);
      for (const { child } of bots) child.stdin?.write('go\n');
      const results = await Promise.all(bots.map((bot) => bot.result));
      times.push(Math.max(...results.map((result) => result.ms)));
      outcomes.push(results);
      await cleaner.call('private/cancel_all');
    }
    const rateLimited = (await emu.rateLimited()) - before;
    return { ms: median(times), rateLimited, outcomes };
  } finally {
    await cleaner.close();
    await server.stop();
  }
}

/** A raw `ws` client sends the 2,000 at once: how many `10028`s it gets before Deribit closes its socket. */
async function rawBurst(emu: EmulatorHandle): Promise<LimitResult['raw']> {
  const client = await RawClient.open(emu.url);
  await client.auth();
  const socket = client.socket;
  let rateLimited = 0;
  let answered = 0;
  const done = new Promise<boolean>((resolve) => {
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { id?: number; error?: { code?: number } };
      if (typeof message.id !== 'number' || message.id < 1000) return;
      answered += 1;
      if (message.error?.code === 10028) rateLimited += 1;
      if (answered === CALLS) resolve(false);
    });
    socket.once('close', () => resolve(true));
  });
  for (let index = 0; index < CALLS; index++) {
    const { method, params } = orderCall(index, 'raw');
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1000 + index, method, params }));
  }
  const closed = await done;
  if (socket.readyState !== WebSocket.CLOSED) await client.close();
  return { rateLimited, answered, closed };
}

/** A cancel issued while 1,000 orders wait for credits: ms from the call to its answer. */
async function cancelBehind(emu: EmulatorHandle, rounds: number): Promise<LimitResult['cancel']> {
  const session = paced(emu);
  await session.connect();
  const waits: number[] = [];
  const trips: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    await session.call('private/cancel_all');
    await settle(REFILL_MS);
    // The burst goes at once; the next 1,000 queue for credits behind it.
    const orders = Array.from({ length: LIMIT.burst + 1000 }, (_, index) =>
      session.call(
        'private/buy',
        { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 30_000, label: `c${round}-${index}` },
        { maxWait: 60_000 },
      ),
    );
    // Once the first 100 are answered, the pool is empty and about 1,000 orders wait for credits.
    await Promise.all(orders.slice(0, LIMIT.burst));
    // The round trip beside it, at the same moment and load: a call of the non-matching pool, which has credits.
    const start = performance.now();
    const trip = session.call('public/get_time').then(() => performance.now() - start);
    await session.call('private/cancel_by_label', { label: `c${round}-0` });
    const waited = performance.now() - start;
    if (round > 0) {
      // round 0 warms up
      waits.push(waited);
      trips.push(await trip);
    }
    await Promise.allSettled(orders);
  }
  await session.call('private/cancel_all');
  await session.close();
  return { ms: median(waits), refillMs: 1000 / LIMIT.rate, roundTripMs: median(trips) };
}

export async function atTheLimit(config: BenchConfig): Promise<LimitResult> {
  const emu = await EmulatorHandle.start({ emulator: { rateLimits: { tiers: LIMIT_TIERS } } });
  try {
    const session = await oneSession(emu, config.limitRounds);
    await settle(REFILL_MS);
    const redis = await throughRedis(emu, config.limitRounds);
    await settle(REFILL_MS);
    const cancel = await cancelBehind(emu, config.limitRounds * 2 - 1);
    await settle(REFILL_MS);
    const raw = await rawBurst(emu);
    return { calls: CALLS, minimumMs: minimumMs(CALLS), session, redis, raw, cancel };
  } finally {
    await emu.close();
  }
}
