/**
 * Outages, measured on real sockets against the emulator child:
 * - silent socket: the emulator freezes just after answering a `public/test` (a probe, or the answer to a
 *   heartbeat `test_request`), the phase that leaves the longest silence to sit through; the clock runs from
 *   the freeze to the session's `disconnected`. Default options (probes), and heartbeat only (`liveness:
 *   false`, a 10 s heartbeat: Deribit's minimum). A raw `ws` client has no detection at all: it never notices.
 * - resubscribe: drop → `authenticated` with N channels subscribed again (the session reports `authenticated`
 *   only once every subscribe was answered), against raw `ws` opening a socket, one `public/auth` and the
 *   subscribes (500 channels a request, all in flight at once).
 * - refresh: sequential `public/test` round trips while the client's 1 s token is renewed every 400 ms; each
 *   call is classed by whether it overlapped a refresh (`refreshing` until back to `authenticated`). Raw `ws`
 *   renews its own token the same way, on its own socket, in the same rounds.
 */
import type { DeribitSession } from '../src/index.js';
import type { SessionOptions } from '../src/options/options.js';
import { newSession, RawClient } from './clients.js';
import type { BenchConfig } from './config.js';
import { EmulatorHandle } from './emulator-handle.js';
import { alternating, median, quantile, settle } from './stats.js';

/** Resolve with the time of the session's next transition to `to`. */
function nextState(session: DeribitSession, to: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (change: { readonly to: string }): void => {
      if (change.to !== to) return;
      session.off('state', listener);
      resolve(performance.now());
    };
    session.on('state', listener);
  });
}

/** Silence → `disconnected`, in ms, for `samples` freezes of one session's socket (each after a reconnect). */
export async function timeToDetect(
  emu: EmulatorHandle,
  options: Partial<SessionOptions>,
  samples: number,
): Promise<number[]> {
  const session = newSession(emu.url, options);
  await session.connect();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const dropped = nextState(session, 'disconnected');
    const back = nextState(session, 'authenticated');
    await emu.freezeAfter('public/test');
    const frozenAt = performance.now();
    times.push((await dropped) - frozenAt);
    await back;
  }
  await session.close();
  return times;
}

export interface SilentSocketResult {
  /** Default options: worst and median of the samples, ms. */
  readonly defaults: { readonly max: number; readonly p50: number; readonly samples: readonly number[] };
  /** `liveness: false`, 10 s heartbeat: one sample, ms (NaN when skipped). */
  readonly heartbeatOnly: number;
}

/** The heartbeat-only figure takes ~35 s (a first heartbeat, then 2.5 silent intervals): start it early. */
export async function heartbeatOnlyDetection(): Promise<number> {
  const emu = await EmulatorHandle.start();
  try {
    const [time] = await timeToDetect(emu, { liveness: false, heartbeat: { interval: 10 } }, 1);
    return time ?? Number.NaN;
  } finally {
    await emu.close();
  }
}

/** Default options, on `emu` (nothing else may be connected to it: the freeze hits every socket). */
export async function defaultDetection(
  emu: EmulatorHandle,
  config: BenchConfig,
): Promise<SilentSocketResult['defaults']> {
  const samples = await timeToDetect(emu, {}, config.freezes);
  return { max: Math.max(...samples), p50: median(samples), samples };
}

export interface ResubscribeResult {
  readonly channels: number;
  readonly p50: { readonly session: number; readonly raw: number };
  readonly p90: { readonly session: number; readonly raw: number };
}

/** Drop → authenticated with `counts` channels restored, session against raw `ws`. */
export async function resubscribe(
  emu: EmulatorHandle,
  config: BenchConfig,
  counts: readonly number[],
): Promise<ResubscribeResult[]> {
  const results: ResubscribeResult[] = [];
  for (const count of counts) {
    const channels = Array.from({ length: count }, (_, i) => `ticker.BENCH-${i}.100ms`);
    // A fresh session a sample: one session authenticates at most 3 times a second, by design.
    const measureSession = async (): Promise<number> => {
      const session = newSession(emu.url, { reconnect: { minTimeout: 0, stableAfter: 0 }, heartbeat: false });
      await session.connect();
      await session.subscribe(channels, () => {});
      const dropped = nextState(session, 'disconnected');
      const back = nextState(session, 'authenticated');
      await emu.drop();
      const elapsed = (await back) - (await dropped);
      const { confirmed, pending } = session.status().subscriptions;
      await session.close();
      if (confirmed !== count || pending !== 0) throw new Error(`restored ${confirmed}/${count} channels`);
      return elapsed;
    };
    const measureRaw = async (): Promise<number> => {
      const start = performance.now();
      const client = await RawClient.open(emu.url);
      await client.auth();
      const parts: string[][] = [];
      for (let i = 0; i < channels.length; i += 500) parts.push(channels.slice(i, i + 500));
      const granted = await Promise.all(
        parts.map((part) => client.call('public/subscribe', { channels: part })),
      );
      const elapsed = performance.now() - start;
      const total = granted.reduce<number>((sum, list) => sum + (Array.isArray(list) ? list.length : 0), 0);
      if (total !== count) throw new Error(`raw subscribed ${total}/${count} channels`);
      await client.close();
      return elapsed;
    };
    for (let i = 0; i < 2; i++) {
      await measureSession();
      await measureRaw();
    }
    const { ours, theirs } = await alternating(config.resubscribes, measureSession, measureRaw, () =>
      settle(5),
    );
    results.push({
      channels: count,
      p50: { session: median(ours), raw: median(theirs) },
      p90: { session: quantile(ours, 0.9), raw: quantile(theirs, 0.9) },
    });
  }
  return results;
}

export interface RefreshResult {
  /** µs: calls that overlapped a refresh of their own client's token, and calls that did not. */
  readonly p99: { readonly during: Pair; readonly outside: Pair };
  readonly p50: { readonly during: Pair; readonly outside: Pair };
  readonly calls: { readonly during: Pair; readonly outside: Pair };
  readonly refreshes: Pair;
}

interface Pair {
  readonly session: number;
  readonly raw: number;
}

/** Calls and refresh windows of one client, both in time order. */
class Timeline {
  readonly calls: Array<[number, number]> = [];
  readonly refreshes: Array<[number, number]> = [];

  /** Latencies in µs of the calls that overlapped a refresh, and of the others. */
  split(): { during: number[]; outside: number[] } {
    const during: number[] = [];
    const outside: number[] = [];
    let w = 0;
    for (const [start, end] of this.calls) {
      while (w < this.refreshes.length && (this.refreshes[w]?.[1] ?? 0) < start) w += 1;
      const window = this.refreshes[w];
      (window !== undefined && window[0] <= end ? during : outside).push((end - start) * 1000);
    }
    return { during, outside };
  }
}

const REFRESH_EVERY_MS = 400;

/**
 * Sequential round trips during and outside token refreshes: 1 s tokens, each client renewing its own every
 * 400 ms (the session by its refresh options, raw `ws` with a `refresh_token` grant on its socket, scheduled
 * the same way), so both columns pay the same round trip and the same server work.
 */
export async function refreshLatency(config: BenchConfig): Promise<RefreshResult> {
  const emu = await EmulatorHandle.start({ emulator: { tokenTtl: 1 } });
  try {
    // 400 ms apart stays under the session's own limit of 3 auth requests a second.
    const ratio = REFRESH_EVERY_MS / 1000;
    const session = newSession(emu.url, { refresh: { ratio, minRatio: ratio, jitter: 0 } });
    await session.connect();
    const ours = new Timeline();
    let refreshingSince: number | undefined;
    session.on('state', ({ from, to }) => {
      if (to === 'refreshing') refreshingSince = performance.now();
      else if (from === 'refreshing' && refreshingSince !== undefined) {
        ours.refreshes.push([refreshingSince, performance.now()]);
        refreshingSince = undefined;
      }
    });

    const raw = await RawClient.open(emu.url);
    const theirs = new Timeline();
    let refreshToken = ((await raw.auth()) as { refresh_token: string }).refresh_token;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scheduleRawRefresh = (): void => {
      timer = setTimeout(async () => {
        const start = performance.now();
        const result = await raw.call('public/auth', {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        });
        refreshToken = (result as { refresh_token: string }).refresh_token;
        theirs.refreshes.push([start, performance.now()]);
        scheduleRawRefresh();
      }, REFRESH_EVERY_MS);
    };
    scheduleRawRefresh();

    const run = async (client: { call(method: string): Promise<unknown> }, timeline: Timeline) => {
      await settle();
      const until = performance.now() + config.refreshRoundMs;
      while (performance.now() < until) {
        const start = performance.now();
        await client.call('public/test');
        timeline.calls.push([start, performance.now()]);
      }
    };
    const sessionClient = { call: (method: string) => session.call(method) };
    for (let i = 0; i < config.warmup; i++) {
      await sessionClient.call('public/test');
      await raw.call('public/test');
    }
    for (let round = 0; round < config.refreshRounds; round++) {
      if (round % 2 === 0) {
        await run(sessionClient, ours);
        await run(raw, theirs);
      } else {
        await run(raw, theirs);
        await run(sessionClient, ours);
      }
    }
    clearTimeout(timer);
    await session.close();
    await raw.close();
    const a = ours.split();
    const b = theirs.split();
    const at = (q: number) => ({
      during: { session: quantile(a.during, q), raw: quantile(b.during, q) },
      outside: { session: quantile(a.outside, q), raw: quantile(b.outside, q) },
    });
    return {
      p99: at(0.99),
      p50: at(0.5),
      calls: {
        during: { session: a.during.length, raw: b.during.length },
        outside: { session: a.outside.length, raw: b.outside.length },
      },
      refreshes: { session: ours.refreshes.length, raw: theirs.refreshes.length },
    };
  } finally {
    await emu.close();
  }
}
