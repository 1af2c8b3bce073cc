/**
 * The chaos run shared by the CI test (≈ 20 s) and `npm run soak` (minutes): an emulator that drops
 * every socket at random 0.2–2 s intervals, answers bursts of private calls with `13009 unauthorized`,
 * 3-second tokens, several loops of private calls, subscriptions fed with published data, sessions
 * logged out at random moments (connecting, authenticating, reconnecting, refreshing…), generic errors on
 * enable_cancel_on_disconnect and on private subscribes (restores), and bursts of concurrent calls all
 * answered 13009 (late answers about an old token). It returns a report; the caller asserts on it.
 */
import {
  ConnectionClosedError,
  DeribitSession,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from '../../src/index.js';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_INSTRUMENTS,
  DeribitEmulator,
  type EmulatedInstrument,
} from '../../src/testing/index.js';
import { userChannels } from '../helpers/harness.js';

/** What a chaos run saw. Every list should be empty and every count positive. */
export interface ChaosReport {
  readonly durationMs: number;
  readonly drops: number;
  readonly reconnects: number;
  readonly refreshes: number;
  /** 13009 bursts injected on private calls, and the re-authentications in place they caused. */
  readonly unauthorizedBursts: number;
  readonly reauthsInPlace: number;
  /** Glitches (a generic error) injected on enable_cancel_on_disconnect and on a private subscribe (restore). */
  readonly codGlitches: number;
  readonly restoreGlitches: number;
  /** Bursts of 10 concurrent calls all answered 13009, and those that caused more than one re-auth. */
  readonly lateUnauthorizedBursts: number;
  readonly extraReauths: string[];
  readonly calls: { ok: number; connectionClosed: number; timedOut: number; unauthorized: number };
  /** Sessions logged out at a random moment, how many the server confirmed, and logouts that hung. */
  readonly logouts: number;
  readonly logoutsConfirmed: number;
  /** The states the random logouts found their session in. */
  readonly logoutsFrom: Record<string, number>;
  readonly hungLogouts: string[];
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
const LOGOUT_TIMEOUT = 1000;
const PRIVATE_METHODS = ['private/get_account_summary', 'private/get_open_orders_by_currency'] as const;

function activeCount(kind: string): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === kind).length;
}

function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/** Run `fault` at random intervals of `min`–`max` ms until `endAt`; returns how to stop early, and the count. */
function atRandom(
  min: number,
  max: number,
  endAt: number,
  fault: () => void,
): { stop(): void; count(): number } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let count = 0;
  const schedule = (): void => {
    timer = setTimeout(
      () => {
        count += 1;
        fault();
        if (Date.now() < endAt) schedule();
      },
      randomBetween(min, max),
    );
  };
  schedule();
  return { stop: () => clearTimeout(timer), count: () => count };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a call loop may see in chaos: anything else is a finding. */
function expectedFailure(error: unknown, calls: ChaosReport['calls']): boolean {
  if (error instanceof ConnectionClosedError) calls.connectionClosed += 1;
  else if (error instanceof RequestTimeoutError) calls.timedOut += 1;
  else if (error instanceof RpcError && error.code === 13009) calls.unauthorized += 1;
  else return false;
  return true;
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
  // Its channels are on made-up instruments (CHAOS-0, …): listed, so the emulator serves them as Deribit would.
  const perpetual = DEFAULT_INSTRUMENTS[0] as EmulatedInstrument;
  const instruments = Array.from({ length: 8 }, (_, i) => ({ ...perpetual, instrument_name: `CHAOS-${i}` }));
  const emu = await DeribitEmulator.start({
    tokenTtl: 3,
    minHeartbeatInterval: 0.5,
    rateLimits: false,
    instruments,
  });
  const timersBefore = activeCount('Timeout');
  const socketsBefore = activeCount('TCPSocketWrap');
  const unauthenticatedPrivateCalls: string[] = [];
  emu.on('request', ({ method, authenticated, connectionId }) => {
    if (method.startsWith('private/') && !authenticated)
      unauthenticatedPrivateCalls.push(`${method} on #${connectionId}`);
  });

  const credentials = { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret };
  const reconnect = { minTimeout: 10, maxTimeout: 200, stableAfter: 100 };
  // Nor is it about credit pacing (the rate-limit tests are): its sessions send without it.
  const credits = false;
  const sessions = [
    new DeribitSession({
      url: emu.url,
      credentials,
      scope: 'session:chaos',
      heartbeat: { interval: 0.5 },
      reconnect,
      credits,
      cancelOnDisconnect: 'connection',
    }),
    new DeribitSession({
      url: emu.url,
      credentials,
      grant: 'client_credentials',
      heartbeat: { interval: 0.5 },
      reconnect,
      credits,
    }),
  ];
  // Only this one sees the concurrent 13009 bursts, so its re-auths in place can be counted per burst.
  const burstSession = new DeribitSession({
    url: emu.url,
    credentials,
    heartbeat: { interval: 0.5 },
    reconnect,
    credits,
  });
  let burstReauths = 0;
  burstSession.on('state', (change) => {
    if (change.reason === 'unauthorized') burstReauths += 1;
  });
  let burstDrops = 0;
  burstSession.on('disconnected', () => {
    burstDrops += 1;
  });
  burstSession.on('error', () => {});
  await burstSession.connect();
  let reconnects = 0;
  let refreshes = 0;
  let reauthsInPlace = 0;
  let notifications = 0;
  const missingSubscriptions: string[] = [];
  const channelsOf = (index: number) => [`ticker.CHAOS-${index}.100ms`, `user.orders.CHAOS-${index}.raw`];

  for (const [index, session] of sessions.entries()) {
    session.on('refreshed', () => {
      refreshes += 1;
    });
    session.on('state', (change) => {
      if (change.reason === 'unauthorized') reauthsInPlace += 1;
    });
    session.on('error', () => {});
    session.on('authenticated', () => {
      reconnects += 1;
      // Subscriptions are restored before `authenticated` fires: the server must hold them now.
      const wanted = [...session.channels].sort().join(',');
      if (wanted === '') return;
      const held = emu.connectionIds.some(
        (id) =>
          userChannels([...emu.channelsOf(id)])
            .sort()
            .join(',') === wanted,
      );
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
  const drops = atRandom(200, 2000, endAt, () => emu.dropConnections());
  // 13009 bursts: the next 1–4 calls of a private method are refused as unauthorized.
  const unauthorizedBursts = atRandom(1000, 4000, endAt, () => {
    const method = PRIVATE_METHODS[Math.floor(Math.random() * PRIVATE_METHODS.length)] ?? PRIVATE_METHODS[0];
    emu.failNext(method, 1 + Math.floor(Math.random() * 4), { code: 13009, message: 'unauthorized' });
  });
  // Glitches while a socket is being set up: transient, so the session must retry, never give up or lie.
  const codGlitches = atRandom(1000, 3000, endAt, () =>
    emu.failNext('private/enable_cancel_on_disconnect', 1, { code: -32603, message: 'Internal error' }),
  );
  const restoreGlitches = atRandom(1000, 3000, endAt, () =>
    emu.failNext('private/subscribe', 1, { code: 11094, message: 'internal_server_error' }),
  );
  // Late 13009s about an old token: ten calls go out together; one is refused at once (a re-auth starts), the
  // other nine are answered 13009 only 150 ms later, after the re-auth. They must start nothing more.
  const LATE = 'private/get_open_orders_by_instrument';
  emu.delay(LATE, 150);
  let lateUnauthorizedBursts = 0;
  const extraReauths: string[] = [];
  const lateBursts = (async () => {
    while (Date.now() < endAt - 1000) {
      await sleep(randomBetween(500, 2000));
      if (burstSession.state !== 'authenticated') continue;
      const before = burstReauths;
      const dropsBefore = burstDrops;
      emu.failNext('private/get_positions', 1, { code: 13009, message: 'unauthorized' });
      emu.failNext(LATE, 9, { code: 13009, message: 'unauthorized' });
      const options = { timeout: CALL_TIMEOUT };
      await Promise.all([
        burstSession.call('private/get_positions', {}, options).catch(() => {}),
        ...Array.from({ length: 9 }, () =>
          burstSession.call(LATE, { instrument_name: 'BTC-PERPETUAL' }, options).catch(() => {}),
        ),
      ]);
      await sleep(100);
      if (burstDrops !== dropsBefore) continue; // a drop mid-burst: its calls failed otherwise; not a measure
      lateUnauthorizedBursts += 1;
      if (burstReauths - before !== 1)
        extraReauths.push(`burst ${lateUnauthorizedBursts}: ${burstReauths - before} re-auths`);
    }
  })();
  const publisher = setInterval(() => {
    for (const index of sessions.keys())
      for (const channel of channelsOf(index)) emu.publish(channel, { at: Date.now() });
  }, 25);
  const reporter = setInterval(
    () =>
      log(
        `… ${Math.round((Date.now() - started) / 1000)} s, ${drops.count()} drops, ${reconnects} auths, ${refreshes} refreshes`,
      ),
    10_000,
  );

  const calls = { ok: 0, connectionClosed: 0, timedOut: 0, unauthorized: 0 };
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
        if (!expectedFailure(error, calls)) unexpectedErrors.push(String(error));
      }
      const took = Date.now() - callStarted;
      if (took > CALL_TIMEOUT + HANG_SLACK) hung.push(`${method} took ${took} ms`);
    }
  };

  // One session after another, each logged out at a random moment of its life, whatever it is doing.
  let logouts = 0;
  let logoutsConfirmed = 0;
  const logoutsFrom: Record<string, number> = {};
  const hungLogouts: string[] = [];
  const logOutAtRandom = async (): Promise<void> => {
    while (Date.now() < endAt - 1000) {
      const victim = new DeribitSession({
        url: emu.url,
        credentials,
        heartbeat: { interval: 0.5 },
        reconnect,
        credits,
        logoutTimeout: LOGOUT_TIMEOUT,
      });
      victim.on('error', () => {});
      const connecting = victim.connect().catch((error: unknown) => {
        if (!(error instanceof SessionClosedError)) unexpectedErrors.push(`victim connect: ${String(error)}`);
      });
      const calling = (async () => {
        for (;;) {
          try {
            await victim.call('private/get_account_summary', { currency: 'BTC' }, { timeout: CALL_TIMEOUT });
          } catch (error) {
            if (error instanceof SessionClosedError) return;
            if (!expectedFailure(error, calls)) {
              unexpectedErrors.push(`victim call: ${String(error)}`);
              return;
            }
          }
        }
      })();
      // A third of them mid-handshake (opening, authenticating, restoring), the rest at any time later.
      await sleep(Math.random() < 1 / 3 ? randomBetween(0, 4) : randomBetween(0, 2500));
      logoutsFrom[victim.state] = (logoutsFrom[victim.state] ?? 0) + 1;
      const started = Date.now();
      let guard: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        victim.logout(),
        new Promise<'hung'>((resolve) => {
          guard = setTimeout(() => resolve('hung'), LOGOUT_TIMEOUT + 2 * HANG_SLACK);
        }),
      ]);
      clearTimeout(guard);
      if (outcome === 'hung')
        hungLogouts.push(`logout ${logouts + 1} (from ${victim.state}) did not resolve`);
      else if (outcome.confirmed) logoutsConfirmed += 1;
      if (victim.state !== 'closed') unexpectedErrors.push(`victim in ${victim.state} after logout`);
      await Promise.all([connecting, calling]);
      const took = Date.now() - started;
      if (took > LOGOUT_TIMEOUT + 2 * HANG_SLACK) hungLogouts.push(`logout ${logouts + 1} took ${took} ms`);
      logouts += 1;
      victim.removeAllListeners();
    }
  };

  await Promise.all([
    ...sessions.flatMap((session) => [
      loop(session, PRIVATE_METHODS[0], { currency: 'BTC' }),
      loop(session, PRIVATE_METHODS[1], { currency: 'BTC' }),
      loop(session, 'public/test', {}),
    ]),
    logOutAtRandom(),
    lateBursts,
  ]);

  drops.stop();
  unauthorizedBursts.stop();
  codGlitches.stop();
  restoreGlitches.stop();
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
  await Promise.all([...sessions, burstSession].map((session) => session.close()));
  burstSession.removeAllListeners();
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
    drops: drops.count(),
    reconnects,
    refreshes,
    unauthorizedBursts: unauthorizedBursts.count(),
    reauthsInPlace,
    codGlitches: codGlitches.count(),
    restoreGlitches: restoreGlitches.count(),
    lateUnauthorizedBursts,
    extraReauths,
    calls,
    logouts,
    logoutsConfirmed,
    logoutsFrom,
    hungLogouts,
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
