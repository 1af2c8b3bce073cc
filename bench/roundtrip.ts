/** Sequential `public/test` round trips: p50 and p99 in µs, the median over rounds. */
import { type ClientKind, openClient } from './clients.js';
import type { BenchConfig } from './config.js';
import { median, quantile, rotated, settle } from './stats.js';

export interface RoundTripResult {
  readonly p50: Record<ClientKind, number>;
  readonly p99: Record<ClientKind, number>;
}

export async function roundTrip(url: string, config: BenchConfig): Promise<RoundTripResult> {
  const kinds: ClientKind[] = ['raw', 'session', 'jsonrpc'];
  const clients = Object.fromEntries(
    await Promise.all(kinds.map(async (kind) => [kind, await openClient(kind, url)] as const)),
  );
  const p50s: Record<ClientKind, number[]> = { raw: [], session: [], jsonrpc: [] };
  const p99s: Record<ClientKind, number[]> = { raw: [], session: [], jsonrpc: [] };
  for (const kind of kinds) for (let i = 0; i < config.warmup; i++) await clients[kind]?.call('public/test');
  for (let round = 0; round < config.rounds; round++) {
    await rotated(kinds, round, async (kind) => {
      const client = clients[kind];
      if (client === undefined) return;
      const samples = new Float64Array(config.roundTrips);
      await settle();
      for (let i = 0; i < config.roundTrips; i++) {
        const start = performance.now();
        await client.call('public/test');
        samples[i] = (performance.now() - start) * 1000;
      }
      const values = Array.from(samples);
      p50s[kind].push(quantile(values, 0.5));
      p99s[kind].push(quantile(values, 0.99));
    });
  }
  await Promise.all(Object.values(clients).map((client) => client.close()));
  return {
    p50: { raw: median(p50s.raw), session: median(p50s.session), jsonrpc: median(p50s.jsonrpc) },
    p99: { raw: median(p99s.raw), session: median(p99s.session), jsonrpc: median(p99s.jsonrpc) },
  };
}
