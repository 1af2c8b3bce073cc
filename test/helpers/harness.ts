/**
 * Test harness: an emulator per test, sessions that are always closed afterwards, and
 * event helpers that await instead of sleeping.
 */
import { on } from 'node:events';
import type { EventEmitter } from 'eventemitter3';
import { DeribitSession } from '../../src/index.js';
import type { SessionOptions } from '../../src/options/options.js';
import type { SessionEvents } from '../../src/session/events.js';
import {
  DEFAULT_ACCOUNT,
  DeribitEmulator,
  type EmulatorEvents,
  type EmulatorOptions,
} from '../../src/testing/index.js';
import { type HostileOptions, HostileServer, type Script } from './hostile-server.js';

/** Everything a test opened, closed in `afterEach` by {@link Harness.cleanup}. */
export class Harness {
  readonly sessions: DeribitSession[] = [];
  emulator: DeribitEmulator | undefined;
  hostile: HostileServer | undefined;

  /** Start an emulator (closed by cleanup). */
  async start(options: EmulatorOptions = {}): Promise<DeribitEmulator> {
    this.emulator = await DeribitEmulator.start(options);
    return this.emulator;
  }

  /** Start a scriptable hostile server (closed by cleanup). */
  async startHostile(script?: Script, options?: HostileOptions): Promise<HostileServer> {
    this.hostile = await HostileServer.start(script, options);
    return this.hostile;
  }

  /** A session against the current emulator with the default account, heartbeats off, fast reconnects. */
  session(options: Partial<SessionOptions> = {}): DeribitSession {
    const url = options.url ?? this.emulator?.url;
    if (url === undefined) throw new Error('start the emulator first, or pass a url');
    const session = new DeribitSession({
      url,
      credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
      heartbeat: false,
      reconnect: { minTimeout: 5, maxTimeout: 50, stableAfter: 0 },
      ...options,
    } as SessionOptions);
    this.sessions.push(session);
    return session;
  }

  /** A URL where nothing listens any more (an emulator started and closed). */
  async deadUrl(): Promise<string> {
    const emulator = await DeribitEmulator.start();
    await emulator.close();
    return emulator.url;
  }

  /** Close every session, then the emulator. */
  async cleanup(): Promise<void> {
    await Promise.all(this.sessions.splice(0).map((session) => session.close()));
    await this.emulator?.close();
    this.emulator = undefined;
    await this.hostile?.close();
    this.hostile = undefined;
  }
}

type EventArgs<K extends keyof SessionEvents> = Parameters<SessionEvents[K]>[0];

/** Resolve with the next `event` whose payload passes `predicate`. */
export function nextEvent<K extends keyof SessionEvents>(
  session: EventEmitter<SessionEvents>,
  event: K,
  predicate: (payload: EventArgs<K>) => boolean = () => true,
): Promise<EventArgs<K>> {
  return new Promise((resolve) => {
    const listener = (payload: EventArgs<K>): void => {
      if (!predicate(payload)) return;
      session.off(event, listener as never);
      resolve(payload);
    };
    session.on(event, listener as never);
  });
}

/** Record every payload of every event, for assertions after the fact. */
export function recordEvents(
  session: DeribitSession,
): Array<{ event: keyof SessionEvents; payload: unknown }> {
  const log: Array<{ event: keyof SessionEvents; payload: unknown }> = [];
  const names: Array<keyof SessionEvents> = [
    'state',
    'authenticated',
    'refreshed',
    'disconnected',
    'reconnecting',
    'tokens',
    'warning',
    'error',
    'closed',
    'forked',
    'exchanged',
  ];
  for (const event of names) session.on(event, (payload: unknown) => log.push({ event, payload }));
  return log;
}

/** Resolve once `count` events of `event` have been emitted. */
export function countEvents<K extends keyof SessionEvents>(
  session: DeribitSession,
  event: K,
  count: number,
): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const listener = (): void => {
      seen += 1;
      if (seen >= count) {
        session.off(event, listener as never);
        resolve();
      }
    };
    session.on(event, listener as never);
  });
}

type RequestEvent = EmulatorEvents['request'][0];

/** Count the emulator's `10028 too_many_requests` answers from now on (`count` reads the tally). */
export function countRateLimited(emulator: DeribitEmulator): { readonly count: number } {
  const tally = { count: 0 };
  emulator.on('rateLimited', () => {
    tally.count += 1;
  });
  return tally;
}

/**
 * Resolve with the next request of `method` the emulator receives (optionally matching `predicate`).
 * Listens from the call on, so a request sent right after is not missed.
 */
export async function nextRequest(
  emulator: DeribitEmulator,
  method: string,
  predicate: (request: RequestEvent) => boolean = () => true,
): Promise<RequestEvent> {
  const requests = on(emulator, 'request') as AsyncIterableIterator<EmulatorEvents['request']>;
  for await (const [request] of requests) {
    if (request.method === method && predicate(request)) return request;
  }
  throw new Error('the emulator stopped emitting requests');
}

/** Channels a session subscribes to for itself (its platform gate follows `platform_state`). */
export const OWN_CHANNELS: readonly string[] = ['platform_state'];

/** Leave out the channels a session subscribes to for itself. */
export function userChannels(channels: readonly string[]): string[] {
  return channels.filter((channel) => !OWN_CHANNELS.includes(channel));
}

/** Whether a request is a subscribe (or unsubscribe) of the session's own channels only. */
export function isOwnSubscribe(request: {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}): boolean {
  const channels = request.params['channels'];
  return (
    /subscribe$/.test(request.method) &&
    Array.isArray(channels) &&
    channels.length > 0 &&
    channels.every((channel) => OWN_CHANNELS.includes(channel as string))
  );
}

/** What a session asks on every connection for itself besides its handshake: the platform's status. */
const OWN_METHODS: readonly string[] = ['public/status'];

/** Requests as a test about something else sees them: without the session's own platform requests. */
export function withoutOwn<
  T extends { readonly method: string; readonly params: Readonly<Record<string, unknown>> },
>(requests: readonly T[]): T[] {
  return requests.filter((request) => !OWN_METHODS.includes(request.method) && !isOwnSubscribe(request));
}
