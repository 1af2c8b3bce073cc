/**
 * The chaos run shared by the CI test (≈ 20 s) and `npm run soak` (minutes): an emulator that drops
 * every socket at random 0.2–2 s intervals, 3-second tokens, several loops of private calls, and
 * subscriptions fed with published data. It returns a report; the caller asserts on it.
 */
import {
  ConnectionClosedError,
  DeribitSession,
  RequestTimeoutError,
  SessionClosedError,
} from '../../src/index.js';
import { DEFAULT_ACCOUNT, DeribitEmulator } from '../../src/testing/index.js';

/** What a chaos run saw. Every list should be empty and every count positive. */
export interface ChaosReport {
  readonly durationMs: number;
  readonly drops: number;
  readonly reconnects: number;
  readonly refreshes: number;
  readonly calls: { ok: number; connectionClosed: number; timedOut: number };
  readonly notifications: number;
  /** Calls that outlived their timeout by more than the slack. */
  readonly hung: string[];
  /** Errors of a kind a caller should never see here. */
  readonly unexpectedErrors: string[];
  readonly unhandledRejections: string[];
  /** Private calls that reached the server without a valid token. */
  readonly unauthenticatedPrivateCalls: string[];
  /** Reconnects after which some subscription was not active on the server. */
  readonly missingSubscriptions: string[];
  readonly timersBefore: number;
  readonly timersAfter: number;
  readonly socketsBefore: number;
  readonly socketsAfter: number;
  readonly listenersAfterClose: number;
}

const CALL_TIMEOUT = 2000;
const HANG_SLACK = 500;

function activeCount(kind: string): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === kind).length;
}

function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/** Run the chaos scenario for `durationMs`. */
export async function runChaos(
  durationMs: number,
  log: (line: string) => void = () => {},
): Promise<ChaosReport> {
  const unhandledRejections: string[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandledRejections.push(String(reason instanceof Error ? reason.stack : reason));
  };
  process.on('unhandledRejection', onUnhandled);

  // The chaos run is about drops and refreshes: its call loops (thousands of calls over 20 s, far above
  // Deribit's 20 requests/s) would only measure the credit pools, so it runs without rate limits.
  const emu = await DeribitEmulator.start({ tokenTtl: 3, minHeartbeatInterval: 0.5, rateLimits: false });
  const timersBefore = activeCount('Timeout');
  const socketsBefore = activeCount('TCPSocketWrap');
  const unauthenticatedPrivateCalls: string[] = [];
  emu.on('request', ({ method, authenticated, connectionId }) => {
    if (method.startsWith('private/') && !authenticated)
      unauthenticatedPrivateCalls.push(`${method} on #${connectionId}`);
  });

  const credentials = { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret };
  const reconnect = { minTimeout: 10, maxTimeout: 200, stableAfter: 100 };
  const sessions = [
    new DeribitSession({
      url: emu.url,
      credentials,
      scope: 'session:chaos',
      heartbeat: { interval: 0.5 },
      reconnect,
      cancelOnDisconnect: 'connection',
    }),
    new DeribitSession({
      url: emu.url,
      credentials,
      grant: 'client_credentials',
      heartbeat: { interval: 0.5 },
      reconnect,
    }),
  ];
  let reconnects = 0;
  let refreshes = 0;
  let notifications = 0;
  const missingSubscriptions: string[] = [];
  const channelsOf = (index: number) => [`ticker.CHAOS-${index}.100ms`, `user.orders.CHAOS-${index}.raw`];

  for (const [index, session] of sessions.entries()) {
    session.on('refreshed', () => {
      refreshes += 1;
    });
    session.on('error', () => {});
    session.on('authenticated', () => {
      reconnects += 1;
      // Subscriptions are restored before `authenticated` fires: the server must hold them now.
      const wanted = [...session.channels].sort().join(',');
      if (wanted === '') return;
      const held = emu.connectionIds.some((id) => [...emu.channelsOf(id)].sort().join(',') === wanted);
      if (!held)
        missingSubscriptions.push(`session ${index} after reconnect ${reconnects}: wanted ${wanted}`);
    });
    await session.connect();
    await session.subscribe(channelsOf(index), () => {
      notifications += 1;
    });
  }

  const started = Date.now();
  const endAt = started + durationMs;
  let drops = 0;
  let dropTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleDrop = (): void => {
    dropTimer = setTimeout(
      () => {
        drops += 1;
        emu.dropConnections();
        if (Date.now() < endAt) scheduleDrop();
      },
      randomBetween(200, 2000),
    );
  };
  scheduleDrop();
  const publisher = setInterval(() => {
    for (const index of sessions.keys())
      for (const channel of channelsOf(index)) emu.publish(channel, { at: Date.now() });
  }, 25);
  const reporter = setInterval(
    () =>
      log(
        `… ${Math.round((Date.now() - started) / 1000)} s, ${drops} drops, ${reconnects} auths, ${refreshes} refreshes`,
      ),
    10_000,
  );

  const calls = { ok: 0, connectionClosed: 0, timedOut: 0 };
  const hung: string[] = [];
  const unexpectedErrors: string[] = [];
  const loop = async (
    session: DeribitSession,
    method: string,
    params: Record<string, unknown>,
  ): Promise<void> => {
    while (Date.now() < endAt) {
      const callStarted = Date.now();
      try {
        await session.call(method, params, { timeout: CALL_TIMEOUT });
        calls.ok += 1;
      } catch (error) {
        if (error instanceof ConnectionClosedError) calls.connectionClosed += 1;
        else if (error instanceof RequestTimeoutError) calls.timedOut += 1;
        else unexpectedErrors.push(String(error));
      }
      const took = Date.now() - callStarted;
      if (took > CALL_TIMEOUT + HANG_SLACK) hung.push(`${method} took ${took} ms`);
    }
  };
  await Promise.all(
    sessions.flatMap((session) => [
      loop(session, 'private/get_account_summary', { currency: 'BTC' }),
      loop(session, 'private/get_open_orders_by_currency', { currency: 'BTC' }),
      loop(session, 'public/test', {}),
    ]),
  );

  clearTimeout(dropTimer);
  clearInterval(publisher);
  clearInterval(reporter);
  const allGone = new Promise<void>((resolve) => {
    if (emu.connectionCount === 0) resolve();
    const check = (): void => {
      if (emu.connectionCount === 0) {
        emu.off('disconnect', check);
        resolve();
      }
    };
    emu.on('disconnect', check);
  });
  await Promise.all(sessions.map((session) => session.close()));
  for (const session of sessions) {
    const late = await session.call('public/test').catch((error: unknown) => error);
    if (!(late instanceof SessionClosedError)) unexpectedErrors.push(`call after close: ${String(late)}`);
  }
  await allGone;
  // Give every socket's close callbacks one turn of the event loop to release their handles.
  await new Promise((resolve) => setImmediate(resolve));
  const timersAfter = activeCount('Timeout');
  const socketsAfter = activeCount('TCPSocketWrap');
  const listenersAfterClose = sessions.reduce(
    (sum, session) => sum + session.eventNames().reduce((n, name) => n + session.listenerCount(name), 0),
    0,
  );
  for (const session of sessions) session.removeAllListeners();
  await emu.close();
  process.off('unhandledRejection', onUnhandled);
  return {
    durationMs: Date.now() - started,
    drops,
    reconnects,
    refreshes,
    calls,
    notifications,
    hung,
    unexpectedErrors,
    unhandledRejections,
    unauthenticatedPrivateCalls,
    missingSubscriptions,
    timersBefore,
    timersAfter,
    socketsBefore,
    socketsAfter,
    listenersAfterClose,
  };
}
