/**
 * The Redis store against a real `redis-server` that the test starts on a free loopback port. Skipped, and
 * said so on the console, where `redis-server` is not installed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditGovernor } from '../../src/calls/credits/governor.js';
import type { GovernorNotice } from '../../src/calls/credits/governor-types.js';
import { RedisCreditStore } from '../../src/calls/credits/redis-store.js';
import { hasRedisServer, type RedisServer, startRedisServer, warnIfSkipped } from './redis-server.js';

warnIfSkipped('the Redis credit store tests (test/credits/redis-store.test.ts)');

const SPEC = { rate: 10, burst: 5, slowRate: 5 };
const TAKER = fileURLToPath(new URL('./fixtures/redis-taker.ts', import.meta.url));

/** Redis's own clock, in ms. */
async function redisTime(client: Redis): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

describe.skipIf(!hasRedisServer)('RedisCreditStore', () => {
  let server: RedisServer;
  let admin: Redis;
  const stores: RedisCreditStore[] = [];
  let keys = 0;
  const freshKey = (): string => {
    keys += 1;
    return `test-${process.pid}-${keys}`;
  };
  const store = (): RedisCreditStore => {
    const made = new RedisCreditStore({ url: server.url });
    stores.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    await Promise.all(stores.map((made) => made.close()));
    await admin?.quit();
    await server?.stop();
  });

  it('takes atomically on Redis’s clock, keeps fractions, and says how long to wait', async () => {
    const bucket = store().bucket(`${freshKey()}:matching`);
    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await bucket.take(SPEC, 1, 0));
    expect(results.slice(0, 5).every((result) => result.ok)).toBe(true);
    const refused = results[5]!;
    expect(refused.ok).toBe(false);
    expect(refused.available).toBeGreaterThan(0);
    expect(refused.available).toBeLessThan(1);
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(100);
    expect(await bucket.take(SPEC, 1, 6)).toMatchObject({ ok: false, waitMs: Number.POSITIVE_INFINITY });
  });

  it('keeps a floor for others, and lets its key expire once the bucket would be full again', async () => {
    const id = `${freshKey()}:non_matching`;
    const bucket = store().bucket(id);
    for (let index = 0; index < 3; index += 1) expect((await bucket.take(SPEC, 1, 2)).ok).toBe(true);
    expect((await bucket.take(SPEC, 1, 2)).ok).toBe(false);
    expect((await bucket.take(SPEC, 1, 0)).ok).toBe(true);
    const ttl = await admin.pttl(`deribit-session:credits:${id}`);
    // Empty now: full again after 5 tokens at the slow rate (1 s) at worst, plus a second.
    expect(ttl).toBeGreaterThan(1000);
    expect(ttl).toBeLessThanOrEqual(2000 + 1);
  });

  it('is one bucket for every client of the same Redis: a drain by one empties it for the others', async () => {
    const id = `${freshKey()}:matching`;
    const first = store().bucket(id);
    const second = store().bucket(id);
    expect((await first.take(SPEC, 3, 0)).available).toBeCloseTo(2, 1);
    expect((await second.take(SPEC, 1, 0)).available).toBeCloseTo(1, 1);
    await second.drain(SPEC, 60_000);
    expect(await first.peek(SPEC)).toBeLessThan(0.1);
    expect((await first.take(SPEC, 1, 0)).waitMs).toBeGreaterThan(150); // at the slow rate: ~200 ms
  });

  it('serves a governor, which slows every process down after a 10028', async () => {
    const key = freshKey();
    const limits = { matching: { rate: 10, burst: 5 } };
    const here = new CreditGovernor({ store: store(), key, limits });
    const there = new CreditGovernor({ store: store(), key, limits });
    for (let index = 0; index < 4; index += 1) await here.acquire('private/buy');
    expect(here.status().pools.matching.available).toBe(0);
    there.onTooManyRequests('matching');
    const start = performance.now();
    await there.acquire('private/cancel');
    expect(performance.now() - start).toBeGreaterThan(150);
    here.dispose(new Error('done'));
    there.dispose(new Error('done'));
  });

  it('does not close a client it was given', async () => {
    const client = new Redis(server.url);
    const given = new RedisCreditStore({ client });
    expect((await given.bucket(`${freshKey()}:x`).take(SPEC, 1, 0)).ok).toBe(true);
    await given.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('shares one pool among 4 processes that never exceed burst + rate × elapsed together', async () => {
    const key = freshKey();
    const rate = 200;
    const burst = 20;
    const children = Array.from({ length: 4 }, () =>
      spawn(
        process.execPath,
        ['--import', 'tsx', TAKER, server.url, key, String(rate), String(burst), '2000'],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    );
    const outputs = children.map((child) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      return { child, text: () => text };
    });
    const readyLines = children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('ready')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`a taker exited early (${code})`)));
        }),
    );
    await Promise.all(readyLines);
    const exits = children.map((child) => once(child, 'exit'));
    const startedAt = await redisTime(admin);
    for (const child of children) child.stdin.write('go\n');
    await Promise.all(exits);
    const elapsed = (await redisTime(admin)) - startedAt;
    const results = outputs.map(
      ({ text }) =>
        JSON.parse(text().split('\n').at(-2) ?? '{}') as {
          taken: number;
          failed: number;
        },
    );
    const total = results.reduce((sum, result) => sum + result.taken, 0);
    expect(results.every((result) => result.failed === 0)).toBe(true);
    expect(results.every((result) => result.taken > 0)).toBe(true);
    expect(total).toBeLessThanOrEqual(burst + (rate * elapsed) / 1000);
    // …and they really were at the limit: at least 80 % of what our margins allow over the 2 s of taking.
    expect(total).toBeGreaterThanOrEqual(0.8 * (19 + rate * 0.98 * 2));
  }, 30_000);

  it('when Redis goes away, calls are still served (paced by each process) and the failure is reported', async () => {
    const own = await startRedisServer();
    const failing = new RedisCreditStore({ url: own.url });
    stores.push(failing);
    const gov = new CreditGovernor({ store: failing, key: freshKey(), storeTimeoutMs: 500 });
    const notices: GovernorNotice[] = [];
    gov.onNotice((notice) => notices.push(notice));
    await gov.acquire('private/buy');
    await own.stop();
    const started = performance.now();
    await gov.acquire('private/buy', { deadline: performance.now() + 5000 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(notices.map((notice) => notice.type)).toEqual(['store-failed']);
    expect(gov.status().storeFailing).toBe(true);
    gov.dispose(new Error('done'));
  });
});
