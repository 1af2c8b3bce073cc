/**
 * Continuity's cost (issue 20): drop → `authenticated` when 20 order calls lost their answers at the drop and
 * 1,000 trades happened during the gap (all resynced and delivered before `authenticated`), against drop →
 * `authenticated` with nothing to resync, in the same run, on the same session. Also: drop → every lost call's
 * outcome known. The session holds `user.orders.BTC-PERPETUAL.raw` and `user.trades.BTC-PERPETUAL.raw`.
 */
import type { ConnectionClosedError, NotificationInfo, UserTrade } from '../src/index.js';
import { newSession } from './clients.js';
import type { BenchConfig } from './config.js';
import { EmulatorHandle } from './emulator-handle.js';
import { AUTH_SPACING_MS } from './reconnect.js';
import { median, settle } from './stats.js';

const LOST_CALLS = 20;
/**
 * The session reaches 5 s before a gap's start (clock skew), so a drop within 5 s of a round's 1,000 fills
 * fetches them again: rounds are spaced further apart, and each measures only its own gap.
 */
const ROUND_SPACING_MS = 5500;
const MISSED_TRADES = 1000;
// Enough matching credits that the setup orders and the lost calls are not paced: this measures the resync.
const TIERS = { 100001: { matching: { rate: 10_000, burst: 10_000 } } } as const;

/** ms to `authenticated`, from the drop and from the new socket's open. */
export interface Timing {
  readonly fromDrop: number;
  readonly fromOpen: number;
}

export interface ContinuityResult {
  /** Nothing to resync, medians. */
  readonly plain: Timing;
  /**
   * 20 lost calls and 1,000 missed trades, medians. `fromDrop` includes the emulator's own work of making the
   * 1,000 fills, done before it accepts the new socket; `fromOpen` is the client's part.
   */
  readonly resync: Timing;
  /** Drop → every lost call's outcome known, ms, median. */
  readonly outcomes: number;
  /** Replayed trades delivered a round (must be 1,000) and lost calls resolved `placed` (must be 20). */
  readonly replayed: number;
  readonly placed: number;
}

export async function continuity(config: BenchConfig): Promise<ContinuityResult> {
  const emu = await EmulatorHandle.start({ emulator: { rateLimits: { tiers: TIERS } } });
  const session = newSession(emu.url, {
    reconnect: { minTimeout: 0, stableAfter: 0 },
    heartbeat: false,
    credits: {}, // the resync is paced by the real pools, as for a user
  });
  let replayed = 0;
  await session.subscribe(
    'user.trades.BTC-PERPETUAL.raw',
    (data: readonly UserTrade[], _channel, info: NotificationInfo) => {
      if (info.replayed) replayed += data.length;
    },
  );
  await session.subscribe('user.orders.BTC-PERPETUAL.raw', () => {});
  await session.connect();

  /** ms from the drop, and from the new socket's open (state `authenticating`), to `authenticated`. */
  const dropToAuthenticated = async (drop: () => Promise<void>): Promise<Timing> => {
    let droppedAt = 0;
    let openedAt = 0;
    session.once('disconnected', () => {
      droppedAt = performance.now();
    });
    const onState = ({ to }: { readonly to: string }): void => {
      if (to === 'authenticating') openedAt = performance.now();
    };
    session.on('state', onState);
    const back = new Promise<number>((resolve) =>
      session.once('authenticated', () => resolve(performance.now())),
    );
    await drop();
    const at = await back;
    session.off('state', onState);
    return { fromDrop: at - droppedAt, fromOpen: at - openedAt };
  };
  const plain = (): Promise<Timing> => dropToAuthenticated(() => emu.drop());
  const withGap = async (round: number): Promise<{ ms: Timing; outcomesMs: number; placed: number }> => {
    const { order } = await session.call('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: MISSED_TRADES * 10,
      price: 40_000,
    });
    // The next buys are executed but their answers are held, then lost with the socket.
    await emu.delay('private/buy', 60_000);
    const arrived = await emu.awaitRequests('private/buy', LOST_CALLS);
    const lost = Array.from({ length: LOST_CALLS }, (_, index) =>
      session
        .call('private/buy', {
          instrument_name: 'BTC-PERPETUAL',
          amount: 10,
          price: 30_000,
          label: `gap-${round}-${index}`,
        })
        .then(
          () => undefined,
          (error: unknown) => error as ConnectionClosedError,
        ),
    );
    await arrived.done;
    let droppedAt = 0;
    const ms = await dropToAuthenticated(async () => {
      droppedAt = performance.now();
      await emu.dropAndFill(order.order_id, MISSED_TRADES, 10);
    });
    const outcomes = await Promise.all(lost.map(async (error) => (await error)?.outcome));
    const outcomesMs = performance.now() - droppedAt;
    await emu.clearDelays();
    await session.call('private/cancel_all');
    return { ms, outcomesMs, placed: outcomes.filter((outcome) => outcome?.status === 'placed').length };
  };

  const plainTimes: Timing[] = [];
  const resyncTimes: Timing[] = [];
  const outcomeTimes: number[] = [];
  let placed = 0;
  let replayedLast = 0;
  try {
    for (let round = 0; round < config.continuityRounds + 1; round++) {
      await settle(round === 0 ? AUTH_SPACING_MS : ROUND_SPACING_MS);
      const plainMs = await plain();
      await settle(AUTH_SPACING_MS);
      const before = replayed;
      const gap = await withGap(round);
      replayedLast = replayed - before;
      placed = gap.placed;
      if (round === 0) continue; // warm-up
      plainTimes.push(plainMs);
      resyncTimes.push(gap.ms);
      outcomeTimes.push(gap.outcomesMs);
    }
  } finally {
    await session.close();
    await emu.close();
  }
  const medians = (times: readonly Timing[]): Timing => ({
    fromDrop: median(times.map((time) => time.fromDrop)),
    fromOpen: median(times.map((time) => time.fromOpen)),
  });
  return {
    plain: medians(plainTimes),
    resync: medians(resyncTimes),
    outcomes: median(outcomeTimes),
    replayed: replayedLast,
    placed,
  };
}
