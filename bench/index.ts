/**
 * `npm run bench [-- --quick] [-- --json]`: our session beside a raw `ws` JSON-RPC client (and json-rpc-2.0
 * where it applies), same emulator, same run. The emulator runs in a child process (another core), so its
 * cost is not charged to the clients. `--json` also writes bench-results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FULL, QUICK } from './config.js';
import { continuity } from './continuity.js';
import { EmulatorHandle } from './emulator-handle.js';
import { atTheLimit } from './limit.js';
import { memory } from './memory.js';
import { notifications } from './notifications.js';
import { defaultDetection, heartbeatOnlyDetection, refreshLatency, resubscribe } from './outage.js';
import { pipelined } from './pipelined.js';
import { reconnect } from './reconnect.js';
import { roundTrip } from './roundtrip.js';
import { type Row, ratio, renderTable } from './table.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const json = args.has('--json');
const config = quick ? QUICK : FULL;
const started = performance.now();
const log = (text: string): void => {
  process.stderr.write(`${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  ${text}\n`);
};

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const CHANNEL_COUNTS = [1, 100, 1000, 5000] as const;

// Idle but for a heartbeat every 10 s until its freeze: run on its own emulator while the rest is measured.
const heartbeatOnly = config.heartbeatOnly ? heartbeatOnlyDetection() : Promise.resolve(Number.NaN);
heartbeatOnly.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
const emu = await EmulatorHandle.start();
try {
  log('round trip…');
  const rt = await roundTrip(emu.url, config);
  log('pipelined…');
  const pipe = await pipelined(emu.url, config);
  log('notifications…');
  const notes = await notifications(emu, config);
  log('reconnect…');
  const rec = await reconnect(emu, config);
  log('memory…');
  const mem = await memory(emu.url, config);
  log('resubscribe…');
  const resub = await resubscribe(emu, config, CHANNEL_COUNTS);
  log('refresh…');
  const refresh = await refreshLatency(config);
  log('silent socket…');
  const silent = await defaultDetection(emu, config);
  log('at the credit limit (2,000 orders, burst 100, 500/s)…');
  const limit = await atTheLimit(config);
  log('continuity (20 lost calls, 1,000 missed trades)…');
  const gap = await continuity(config);
  if (config.heartbeatOnly) log('silent socket, heartbeat only (up to 35 s)…');
  const silentHeartbeat = await heartbeatOnly;

  const rows: Row[] = [
    {
      metric: 'round trip p50',
      unit: 'µs',
      session: rt.p50.session,
      raw: rt.p50.raw,
      jsonrpc: rt.p50.jsonrpc,
      higherIsBetter: false,
      target: { text: '≤ 1.05×', met: ratio(rt.p50.session, rt.p50.raw) <= 1.05 },
    },
    {
      metric: 'round trip p99',
      unit: 'µs',
      session: rt.p99.session,
      raw: rt.p99.raw,
      jsonrpc: rt.p99.jsonrpc,
      higherIsBetter: false,
      target: { text: '≤ 1.15×', met: ratio(rt.p99.session, rt.p99.raw) <= 1.15 },
    },
    {
      metric: `pipelined, ${config.pipelined.toLocaleString('en-US')} in flight`,
      unit: 'req/s',
      session: pipe.perSecond.session,
      raw: pipe.perSecond.raw,
      jsonrpc: pipe.perSecond.jsonrpc,
      higherIsBetter: true,
      target: { text: '≥ 0.90×', met: ratio(pipe.perSecond.session, pipe.perSecond.raw) >= 0.9 },
    },
    {
      metric: 'pipelined, client CPU a request',
      unit: 'µs',
      session: pipe.cpuMicros.session,
      raw: pipe.cpuMicros.raw,
      jsonrpc: pipe.cpuMicros.jsonrpc,
      higherIsBetter: false,
    },
    {
      metric: 'notifications to a handler',
      unit: 'msg/s',
      session: notes.perSecond.session,
      raw: notes.perSecond.raw,
      higherIsBetter: true,
      target: { text: '≥ 0.95×', met: ratio(notes.perSecond.session, notes.perSecond.raw) >= 0.95 },
    },
    {
      metric: 'notifications, client CPU a message',
      unit: 'µs',
      session: notes.cpuMicros.session,
      raw: notes.cpuMicros.raw,
      higherIsBetter: false,
    },
    {
      metric: 'reconnect → authenticated p50',
      unit: 'ms',
      session: rec.p50.session,
      raw: rec.p50.raw,
      higherIsBetter: false,
      target: { text: '≤ 10 ms', met: rec.p50.session <= 10 },
    },
    {
      metric: 'memory a idle authenticated session',
      unit: 'KiB',
      session: mem.bytes.session / 1024,
      raw: mem.bytes.raw / 1024,
      higherIsBetter: false,
      target: { text: '≤ 1.5×', met: ratio(mem.bytes.session, mem.bytes.raw) <= 1.5 },
    },
    ...resub.map(
      (result): Row => ({
        metric: `drop → authenticated + ${result.channels.toLocaleString('en-US')} channel${result.channels === 1 ? '' : 's'} p50`,
        unit: 'ms',
        session: result.p50.session,
        raw: result.p50.raw,
        higherIsBetter: false,
      }),
    ),
    {
      metric: 'silent socket → disconnected, defaults, worst',
      unit: 'ms',
      session: silent.max,
      raw: Number.POSITIVE_INFINITY,
      higherIsBetter: false,
      target: { text: '≤ 3000 ms', met: silent.max <= 3000 },
    },
    {
      metric: 'silent socket → disconnected, heartbeat only',
      unit: 'ms',
      session: silentHeartbeat,
      raw: Number.POSITIVE_INFINITY,
      higherIsBetter: false,
    },
    {
      metric: '2,000 orders at burst 100, 500/s: elapsed',
      unit: 'ms',
      session: limit.session.ms,
      raw: limit.minimumMs,
      rawNote: 'pool minimum',
      higherIsBetter: false,
      target: { text: '≤ 1.05×', met: ratio(limit.session.ms, limit.minimumMs) <= 1.05 },
    },
    {
      metric: '2,000 orders at once: 10028 answers',
      unit: 'count',
      session: limit.session.rateLimited,
      raw: limit.raw.rateLimited,
      rawNote: `socket closed after ${limit.raw.answered} answers`,
      higherIsBetter: false,
      target: { text: '0', met: limit.session.rateLimited === 0 },
    },
    {
      metric: '2,000 orders, 4 processes through Redis: elapsed',
      unit: 'ms',
      session: limit.redis?.ms ?? Number.NaN,
      raw: limit.minimumMs,
      rawNote: 'pool minimum',
      higherIsBetter: false,
      target:
        limit.redis === undefined
          ? { text: 'skipped: redis-server is not installed', met: false }
          : {
              text: '≤ 1.10×, 0 × 10028',
              met: ratio(limit.redis.ms, limit.minimumMs) <= 1.1 && limit.redis.rateLimited === 0,
            },
    },
    {
      metric: 'a cancel behind 1,000 queued orders',
      unit: 'ms',
      session: limit.cancel.ms,
      raw: limit.cancel.refillMs + limit.cancel.roundTripMs,
      rawNote: 'refill + round trip',
      higherIsBetter: false,
      target: { text: '≤ 1.00×', met: limit.cancel.ms <= limit.cancel.refillMs + limit.cancel.roundTripMs },
    },
    {
      metric: 'socket open → authenticated, 20 lost calls + 1,000 missed trades resynced',
      unit: 'ms',
      session: gap.resync.fromOpen,
      raw: gap.plain.fromOpen,
      rawNote: 'nothing to resync',
      higherIsBetter: false,
    },
    {
      metric: 'drop → authenticated, the same (with the emulator making 1,000 fills)',
      unit: 'ms',
      session: gap.resync.fromDrop,
      raw: gap.plain.fromDrop,
      rawNote: 'nothing to resync',
      higherIsBetter: false,
    },
    {
      metric: 'drop → all 20 lost calls resolved',
      unit: 'ms',
      session: gap.outcomes,
      raw: Number.NaN,
      higherIsBetter: false,
      target: { text: '20 placed, 1,000 replayed', met: gap.placed === 20 && gap.replayed === 1000 },
    },
    {
      metric: 'round trip p99 during a token refresh',
      unit: 'µs',
      session: refresh.p99.during.session,
      raw: refresh.p99.during.raw,
      higherIsBetter: false,
    },
    {
      metric: 'round trip p99 outside a refresh',
      unit: 'µs',
      session: refresh.p99.outside.session,
      raw: refresh.p99.outside.raw,
      higherIsBetter: false,
    },
  ];
  const environment = {
    node: process.version,
    cpus: availableParallelism(),
    cpu: cpuModel(),
    mode: quick ? 'quick' : 'full',
    emulator: 'child process',
    seconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(
    `deribit-session benchmarks — Node ${environment.node}, ${environment.cpus} × ${environment.cpu}, ` +
      `${environment.mode} run, emulator in a child process, ${environment.seconds} s\n\n`,
  );
  process.stdout.write(`${renderTable(rows)}\n`);
  if (json) {
    const results = {
      environment,
      config,
      rows: rows.map((row) => ({
        ...row,
        session: Number.isFinite(row.session) ? row.session : null,
        raw: row.raw === Number.POSITIVE_INFINITY ? 'never' : row.raw,
        ratio: Number.isFinite(ratio(row.session, row.raw)) ? ratio(row.session, row.raw) : null,
      })),
      details: {
        roundTrip: rt,
        pipelined: pipe,
        notifications: notes,
        reconnect: rec,
        memory: mem,
        resubscribe: resub,
        refresh,
        atTheLimit: limit,
        continuity: gap,
        silentSocket: {
          defaults: silent,
          heartbeatOnly: Number.isFinite(silentHeartbeat) ? silentHeartbeat : null,
        },
      },
    };
    writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write('\nwrote bench-results.json\n');
  }
} finally {
  await emu.close();
}
