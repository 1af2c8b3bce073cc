/**
 * Reconnect → authenticated after a server drop (zero backoff, no heartbeat): from the session's
 * `disconnected` event to its `authenticated` event, in ms, median of many. The raw column opens a socket
 * and makes one `public/auth` client_credentials round trip — the least any client must do. Session samples
 * are {@link AUTH_SPACING_MS} apart: a session sends at most 3 auth requests a second, and a sample that
 * waited for that limit would measure the limit, not the reconnect.
 */
import { newSession, RawClient } from './clients.js';
import type { BenchConfig } from './config.js';
import type { EmulatorHandle } from './emulator-handle.js';
import { alternating, median, quantile, settle } from './stats.js';

/** Over a third of a second between a session's reconnects keeps them under its auth throttle. */
export const AUTH_SPACING_MS = 350;

export interface ReconnectResult {
  readonly p50: { session: number; raw: number };
  readonly p90: { session: number; raw: number };
}

export async function reconnect(emu: EmulatorHandle, config: BenchConfig): Promise<ReconnectResult> {
  const session = newSession(emu.url, { reconnect: { minTimeout: 0, stableAfter: 0 }, heartbeat: false });
  await session.connect();
  const measureSession = async (): Promise<number> => {
    let droppedAt = 0;
    const onDisconnected = (): void => {
      droppedAt = performance.now();
    };
    session.once('disconnected', onDisconnected);
    const authenticated = new Promise<number>((resolve) =>
      session.once('authenticated', () => resolve(performance.now())),
    );
    await emu.drop();
    const at = await authenticated;
    return at - droppedAt;
  };
  const measureRaw = async (): Promise<number> => {
    const start = performance.now();
    const client = await RawClient.open(emu.url);
    await client.auth();
    const elapsed = performance.now() - start;
    await client.close();
    return elapsed;
  };
  for (let i = 0; i < 5; i++) {
    await settle(AUTH_SPACING_MS);
    await measureSession();
    await measureRaw();
  }
  // Session samples keep their distance; raw ones only let I/O settle.
  const pause = (side: 'ours' | 'theirs'): Promise<void> => settle(side === 'ours' ? AUTH_SPACING_MS : 5);
  const { ours, theirs } = await alternating(config.reconnects, measureSession, measureRaw, pause);
  await session.close();
  return {
    p50: { session: median(ours), raw: median(theirs) },
    p90: { session: quantile(ours, 0.9), raw: quantile(theirs, 0.9) },
  };
}
