/**
 * `maxWait` against fake time (`setTimeout` and `performance.now`): the session is kept `connecting` by an
 * injected WebSocket that never opens, so only the call gate's own timers decide when a waiting call ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketConstructor, WebSocketLike } from '../../src/connection/socket.js';
import { DEFAULT_CONNECT_WAIT, DeribitSession, RequestTimeoutError } from '../../src/index.js';
import type { SessionOptions } from '../../src/options/options.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';

/** A socket stuck in its opening handshake: nothing ever happens on it. */
class NeverOpens implements WebSocketLike {
  readonly readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {}
}

let sockets: NeverOpens[];
let session: DeribitSession | undefined;

function stuckSession(options: Partial<SessionOptions> = {}): DeribitSession {
  const WebSocket: WebSocketConstructor = class extends NeverOpens {
    constructor() {
      super();
      sockets.push(this);
    }
  };
  session = new DeribitSession({
    url: 'ws://127.0.0.1:9/ws/api/v2',
    credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
    connectTimeout: 60_000,
    WebSocket,
    ...options,
  });
  session.connect().catch(() => {}); // ends with SessionClosedError in afterEach
  return session;
}

/** Let promise callbacks and real immediates run without moving fake time. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Track a promise's outcome without awaiting it. */
function track(promise: Promise<unknown>): { settled: boolean; error: unknown } {
  const state: { settled: boolean; error: unknown } = { settled: false, error: undefined };
  promise.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  sockets = [];
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  vi.useRealTimers();
});

describe('maxWait with fake time', () => {
  it('defaults to 5000 ms: a call waiting for readiness rejects unsent at 5000 ms, not before', async () => {
    const s = stuckSession();
    expect(s.state).toBe('connecting');
    const call = track(s.call('public/get_time'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.error).toBeInstanceOf(RequestTimeoutError);
    expect(call.error).toMatchObject({ sent: false, timeout: 5000, method: 'public/get_time' });
    expect((call.error as Error).message).toMatch(/was not sent/);
    expect(sockets.flatMap((socket) => socket.sent)).toEqual([]);
  });

  it('the session option and the per-call option both set it; the call timeout still caps it', async () => {
    const s = stuckSession({ maxWait: 200 });
    const bySession = track(s.call('public/get_time'));
    const byCall = track(s.call('public/get_time', undefined, { maxWait: 50 }));
    const byTimeout = track(s.call('public/get_time', undefined, { maxWait: 10_000, timeout: 120 }));
    await vi.advanceTimersByTimeAsync(50);
    expect([bySession.settled, byCall.settled, byTimeout.settled]).toEqual([false, true, false]);
    await vi.advanceTimersByTimeAsync(70);
    expect([bySession.settled, byTimeout.settled]).toEqual([false, true]);
    await vi.advanceTimersByTimeAsync(80);
    expect(bySession.settled).toBe(true);
    for (const call of [bySession, byCall, byTimeout]) expect(call.error).toMatchObject({ sent: false });
  });

  it('per-call maxWait: 0 rejects at once when the session is not ready, without waiting for any timer', async () => {
    const s = stuckSession();
    const call = track(s.call('public/get_time', undefined, { maxWait: 0 }));
    await flush();
    expect(call.settled).toBe(true);
    expect(call.error).toBeInstanceOf(RequestTimeoutError);
    expect(call.error).toMatchObject({ sent: false });
    // The socket's connect timeout and connect()'s own bound: the call left no timer behind.
    expect(vi.getTimerCount()).toBe(2);
  });

  it('the first connect() gives up after DEFAULT_CONNECT_WAIT with no timeout given; Infinity waits on', async () => {
    const WebSocket: WebSocketConstructor = NeverOpens;
    session = new DeribitSession({
      url: 'ws://127.0.0.1:9/ws/api/v2',
      credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
      connectTimeout: 2 ** 31 - 1,
      WebSocket,
    });
    const first = track(session.connect());
    await vi.advanceTimersByTimeAsync(DEFAULT_CONNECT_WAIT - 1);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.error).toBeInstanceOf(RequestTimeoutError);
    expect(session.state).toBe('disconnected');
    const forever = track(session.connect({ timeout: Number.POSITIVE_INFINITY }));
    await vi.advanceTimersByTimeAsync(10 * DEFAULT_CONNECT_WAIT);
    expect(forever.settled).toBe(false);
    expect(session.state).toBe('connecting');
  });
});
