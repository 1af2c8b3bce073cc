/**
 * Run with `node --expose-gc --import tsx bench/memory-child.ts URL COUNT session|raw`: opens COUNT idle
 * authenticated sessions (or raw sockets that made one `public/auth`), and prints the heap + external
 * bytes each one holds after a full GC, as JSON.
 */
import type { BenchClient } from './clients.js';
import { newSession, RawClient } from './clients.js';

const [url, countText, kind] = process.argv.slice(2);
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (url === undefined || !(count > 0) || (kind !== 'session' && kind !== 'raw') || gc === undefined) {
  throw new Error('usage: node --expose-gc --import tsx bench/memory-child.ts URL COUNT session|raw');
}

async function open(): Promise<BenchClient> {
  if (kind === 'raw') {
    const client = await RawClient.open(url as string);
    await client.auth();
    return client;
  }
  const session = newSession(url as string);
  await session.connect();
  return { call: (method, params) => session.call(method, params), close: () => session.close() };
}

function measure(): { heap: number; rss: number } {
  for (let i = 0; i < 4; i++) gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

// Warm up code paths (and their compiled code) before the baseline.
const warm = await Promise.all(Array.from({ length: 5 }, open));
await Promise.all(warm.map((client) => client.close()));
await new Promise((resolve) => setTimeout(resolve, 100));

const before = measure();
const held: BenchClient[] = [];
for (let i = 0; i < count; i += 50) {
  held.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, open))));
}
// Past `stableAfter` (2 s): the reconnect loop has finished and the session is idle.
await new Promise((resolve) => setTimeout(resolve, 2500));
const after = measure();
process.stdout.write(
  JSON.stringify({ bytes: (after.heap - before.heap) / count, rssBytes: (after.rss - before.rss) / count }),
);
await Promise.all(held.map((client) => client.close()));
process.exit(0);
