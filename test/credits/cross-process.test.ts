/**
 * Several bots in several processes on one subaccount share one credit budget through a real `redis-server`
 * (started here; skipped, saying so, where it is not installed): together they place every order and the
 * emulator's per-subaccount pool never answers 10028.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/child.js';
import { countRateLimited, Harness } from '../helpers/harness.js';
import { hasRedisServer, type RedisServer, startRedisServer, warnIfSkipped } from './redis-server.js';

const h = new Harness();
const BOT = resolve(import.meta.dirname, 'fixtures/redis-bot.ts');
let redis: RedisServer | undefined;

warnIfSkipped('the cross-process session test');

async function bot(
  url: string,
  redisUrl: string,
  key: string,
  count: number,
): Promise<{ placed: number; failures: string[] }> {
  const { code, out, err } = await runScript(BOT, 60_000, [url, redisUrl, key, String(count)]);
  if (code !== 0) throw new Error(`bot exited ${code}: ${err}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

describe.skipIf(!hasRedisServer)('bots in separate processes sharing a subaccount through Redis', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await h.cleanup();
    await redis?.stop();
  });

  it('2 processes × 20 buys on the default tier (burst 20, 5/s): all placed, no 10028', async () => {
    const emu = await h.start();
    const limited = countRateLimited(emu);
    const url = redis?.url ?? '';
    const outcomes = await Promise.all([bot(emu.url, url, 'shared', 20), bot(emu.url, url, 'shared', 20)]);
    expect(outcomes.map((o) => o.failures)).toEqual([[], []]);
    expect(outcomes.reduce((sum, o) => sum + o.placed, 0)).toBe(40);
    expect(limited.count).toBe(0);
  }, 30_000);
});
