/**
 * `tsx bench/credits.ts [--json]`: the credit governor on its own, without sockets (`npm run bench` has it end to end).
 * - fast path: the cost of `tryAcquire` and of an awaited `acquire` when credits are plentiful;
 * - at the limit: 2,000 mixed calls (cancels, orders, others) against burst 100 / 500 a second, elapsed
 *   against the pool's theoretical minimum ((2000 − 100) / 500 = 3.8 s), in memory and with 4 processes
 *   sharing one pool through Redis (skipped without `redis-server`).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CreditGovernor } from '../src/calls/credits/governor.js';
import { MemoryCreditStore } from '../src/calls/credits/store.js';
import { hasRedisServer, startRedisServer } from '../test/credits/redis-server.js';
import { burstOf, LIMIT, minimumMs } from './credits-mix.js';

const CALLS = 2000;
const PROCESSES = 4;
const MINIMUM_MS = minimumMs(CALLS);
const CHILD = fileURLToPath(new URL('./credits-child.ts', import.meta.url));
const plenty = { matching: { rate: 1e12, burst: 1e12 }, non_matching: { rate: 1e12, burst: 1e12 } };

/** ns per `tryAcquire(method)` with credits to spare. */
function fastPath(method: string): number {
  const governor = new CreditGovernor({ store: new MemoryCreditStore(), limits: plenty });
  const rounds = 2_000_000;
  for (let index = 0; index < 200_000; index += 1) governor.tryAcquire(method);
  const start = process.hrtime.bigint();
  for (let index = 0; index < rounds; index += 1) {
    if (!governor.tryAcquire(method)) throw new Error('the pool ran out');
  }
  return Number(process.hrtime.bigint() - start) / rounds;
}

/** ns per `performance.now()` here: the memory store reads the clock once per take. */
function clockNs(): number {
  const rounds = 2_000_000;
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let index = 0; index < rounds; index += 1) sink += performance.now();
  if (sink === 0) throw new Error('unreachable');
  return Number(process.hrtime.bigint() - start) / rounds;
}

async function awaitedAcquire(): Promise<number> {
  const governor = new CreditGovernor({ store: new MemoryCreditStore(), limits: plenty });
  const rounds = 500_000;
  const start = process.hrtime.bigint();
  for (let index = 0; index < rounds; index += 1) await governor.acquire('private/buy');
  return Number(process.hrtime.bigint() - start) / rounds;
}

async function inMemory(): Promise<number> {
  const governor = new CreditGovernor({ store: new MemoryCreditStore(), limits: { matching: LIMIT } });
  const start = performance.now();
  await burstOf(governor, CALLS);
  return performance.now() - start;
}

/** ms a cancel waits when issued behind 1,000 queued orders (one refill interval is 1000 / rate ms). */
async function cancelBehindOrders(): Promise<number> {
  const governor = new CreditGovernor({ store: new MemoryCreditStore(), limits: { matching: LIMIT } });
  while (governor.tryAcquire('private/buy'));
  const orders = Array.from({ length: 1000 }, () => governor.acquire('private/buy'));
  const start = performance.now();
  await governor.acquire('private/cancel');
  const waited = performance.now() - start;
  governor.dispose(new Error('done'));
  await Promise.allSettled(orders);
  return waited;
}

async function throughRedis(): Promise<number | undefined> {
  if (!hasRedisServer) return undefined;
  const server = await startRedisServer();
  try {
    const share = CALLS / PROCESSES;
    const children = Array.from({ length: PROCESSES }, (_, index) =>
      spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, server.url, `bench-${process.pid}`, String(share), String(index * share)],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const line = (child: (typeof children)[number], text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes(text)) resolve();
        });
        child.once('exit', () => reject(new Error(`a child exited before "${text}"`)));
      });
    await Promise.all(children.map((child) => line(child, 'ready')));
    const done = Promise.all(children.map((child) => line(child, 'done')));
    const exits = children.map((child) => once(child, 'exit'));
    const start = performance.now();
    for (const child of children) child.stdin.write('go\n');
    await done;
    const elapsed = performance.now() - start;
    await Promise.all(exits);
    return elapsed;
  } finally {
    await server.stop();
  }
}

const tryAcquireNs = fastPath('private/buy');
const otherSpellingNs = fastPath('/api/v2/public/get_time');
const performanceNowNs = clockNs();
const acquireNs = await awaitedAcquire();
const memoryMs = await inMemory();
const cancelMs = await cancelBehindOrders();
const redisMs = await throughRedis();
const results = {
  tryAcquireNs: Number(tryAcquireNs.toFixed(1)),
  tryAcquireOtherSpellingNs: Number(otherSpellingNs.toFixed(1)),
  performanceNowNs: Number(performanceNowNs.toFixed(1)),
  awaitedAcquireNs: Number(acquireNs.toFixed(1)),
  atLimit: {
    calls: CALLS,
    limit: LIMIT,
    minimumMs: MINIMUM_MS,
    memoryMs: Math.round(memoryMs),
    memoryRatio: Number((memoryMs / MINIMUM_MS).toFixed(3)),
    redis4Ms: redisMs === undefined ? null : Math.round(redisMs),
    redis4Ratio: redisMs === undefined ? null : Number((redisMs / MINIMUM_MS).toFixed(3)),
  },
  cancelBehind1000OrdersMs: Number(cancelMs.toFixed(2)),
  refillIntervalMs: 1000 / LIMIT.rate,
};
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
else {
  process.stdout.write(
    [
      `fast path: tryAcquire ${results.tryAcquireNs} ns (/api/v2/… spelling ${results.tryAcquireOtherSpellingNs} ns;` +
        ` one performance.now() here ${results.performanceNowNs} ns), awaited acquire ${results.awaitedAcquireNs} ns`,
      `at the limit (${CALLS} mixed calls, burst ${LIMIT.burst}, ${LIMIT.rate}/s, minimum ${MINIMUM_MS} ms):`,
      `  in memory: ${results.atLimit.memoryMs} ms = ${results.atLimit.memoryRatio}× the minimum`,
      redisMs === undefined
        ? '  4 processes through Redis: skipped (redis-server is not installed)'
        : `  ${PROCESSES} processes through Redis: ${results.atLimit.redis4Ms} ms = ${results.atLimit.redis4Ratio}× the minimum`,
      `a cancel behind 1,000 queued orders waited ${results.cancelBehind1000OrdersMs} ms` +
        ` (one refill interval: ${results.refillIntervalMs} ms)`,
      '',
    ].join('\n'),
  );
}
