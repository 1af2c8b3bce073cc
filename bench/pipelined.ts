/**
 * Pipelined requests: fire N `public/test` calls at once and wait for every answer. Reports requests/s and
 * the client process's CPU time a request (µs), the median over rounds. The emulator runs in another process,
 * so when it is the slower side requests/s converge; CPU a request still shows the client's own cost.
 */
import { type ClientKind, openClient } from './clients.js';
import type { BenchConfig } from './config.js';
import { median, rotated, settle } from './stats.js';

export interface PipelinedResult {
  readonly perSecond: Record<ClientKind, number>;
  readonly cpuMicros: Record<ClientKind, number>;
}

export async function pipelined(url: string, config: BenchConfig): Promise<PipelinedResult> {
  const kinds: ClientKind[] = ['raw', 'session', 'jsonrpc'];
  const rates: Record<ClientKind, number[]> = { raw: [], session: [], jsonrpc: [] };
  const cpu: Record<ClientKind, number[]> = { raw: [], session: [], jsonrpc: [] };
  const clients = Object.fromEntries(
    await Promise.all(kinds.map(async (kind) => [kind, await openClient(kind, url)] as const)),
  );
  const burst = async (kind: ClientKind): Promise<{ seconds: number; cpuMicros: number }> => {
    const client = clients[kind];
    if (client === undefined) throw new Error(`no ${kind} client`);
    const calls: Promise<unknown>[] = new Array(config.pipelined);
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < config.pipelined; i++) calls[i] = client.call('public/test');
    await Promise.all(calls);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpuStart);
    return { seconds, cpuMicros: (used.user + used.system) / config.pipelined };
  };
  for (const kind of kinds) await burst(kind); // warm-up
  for (let round = 0; round < config.rounds; round++) {
    await rotated(kinds, round, async (kind) => {
      await settle(50);
      const { seconds, cpuMicros } = await burst(kind);
      rates[kind].push(config.pipelined / seconds);
      cpu[kind].push(cpuMicros);
    });
  }
  await Promise.all(Object.values(clients).map((client) => client.close()));
  return {
    perSecond: { raw: median(rates.raw), session: median(rates.session), jsonrpc: median(rates.jsonrpc) },
    cpuMicros: { raw: median(cpu.raw), session: median(cpu.session), jsonrpc: median(cpu.jsonrpc) },
  };
}
