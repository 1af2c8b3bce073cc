/**
 * No false alarm under a 1 s event-loop stall. The emulator runs in a child process so that it keeps
 * answering while this process is blocked; the session uses the default liveness options. The stalls are
 * injected through the `WebSocket` option: a `ws` socket that notices its probes (`public/test`) going out
 * and their answers coming in, and blocks the event loop with a busy loop at chosen moments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EmulatorHandle } from '../../bench/emulator-handle.js';
import { DEFAULT_LIVENESS } from '../../src/connection/liveness.js';
import type { WebSocketConstructor } from '../../src/connection/socket.js';
import { DeribitSession } from '../../src/index.js';
import type { SessionOptions } from '../../src/options/options.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';

const STALL_MS = 1100;
const { idle } = DEFAULT_LIVENESS;

/** Block this process's event loop for `ms` (timers, sockets, everything). */
function stall(ms: number): number {
  const start = performance.now();
  let spins = 0;
  while (performance.now() - start < ms) spins += 1;
  return spins;
}

/** What the injected socket does around probes. */
interface ProbeHooks {
  /** A probe was written to the socket (called synchronously, right after `send`). */
  sent(): void;
  /** A probe's answer was received. */
  answered(): void;
}

let hooks: ProbeHooks = { sent() {}, answered() {} };

/** `ws`, plus a look at the probes: the ids of `public/test` requests sent, and responses carrying them. */
class ProbeWatchingSocket extends WebSocket {
  readonly #probeIds = new Set<number>();

  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('message', (data) => {
      const id = (JSON.parse(String(data)) as { id?: unknown }).id;
      if (typeof id === 'number' && this.#probeIds.delete(id)) hooks.answered();
    });
  }

  override send(data: Parameters<WebSocket['send']>[0]): void {
    super.send(data);
    const text = String(data);
    if (!text.includes('"public/test"')) return;
    this.#probeIds.add((JSON.parse(text) as { id: number }).id);
    hooks.sent();
  }
}

let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await EmulatorHandle.start({ fromSource: true });
});

afterAll(async () => {
  hooks = { sent() {}, answered() {} };
  await emu.close();
});

/** Resolve after the next `n` probe answers (proof that time passed and the socket was judged alive). */
function answers(n: number): Promise<void> {
  let left = n;
  return new Promise((resolve, reject) => {
    lost = reject;
    hooks.answered = () => {
      left -= 1;
      if (left === 0) {
        hooks.answered = () => {};
        resolve();
      }
    };
  });
}

function newSession(options: Partial<SessionOptions> = {}): DeribitSession {
  return new DeribitSession({
    url: emu.url,
    credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
    WebSocket: ProbeWatchingSocket as unknown as WebSocketConstructor,
    ...options,
  });
}

/** Fails the current wait for answers: a dropped socket would otherwise leave it waiting until the test times out. */
let lost: (error: Error) => void = () => {};

/** Record the reasons of every transition to `disconnected` (and fail any wait for answers at once). */
function disconnectsOf(session: DeribitSession): string[] {
  const reasons: string[] = [];
  session.on('state', ({ to, reason }) => {
    if (to !== 'disconnected') return;
    reasons.push(reason);
    lost(new Error(`the session disconnected: ${reason}`));
  });
  return reasons;
}

describe('liveness under a 1 s event-loop stall (emulator in a child process)', () => {
  it('no disconnect when the loop stalls right after a probe, across the idle deadline, or both back to back', async () => {
    const session = newSession();
    const disconnects = disconnectsOf(session);
    const stalls: number[] = [];
    const measured = (ms: number): void => {
      const start = performance.now();
      stall(ms);
      stalls.push(performance.now() - start);
    };
    /** After the next answer, stall from 100 ms before idle elapses; resolves once the stall is over. */
    const stallBeforeIdle = (then: () => void = () => {}): Promise<void> =>
      new Promise((resolve) => {
        hooks.answered = () => {
          hooks.answered = () => {};
          setTimeout(() => {
            measured(STALL_MS);
            then();
            resolve();
          }, idle - 100);
        };
      });
    const stallAfterNextProbe = (): void => {
      hooks.sent = () => {
        hooks.sent = () => {};
        measured(STALL_MS);
      };
    };
    try {
      await session.connect();
      await answers(1);

      // 1. Right after a probe is written: its answer arrives while the loop is blocked.
      stallAfterNextProbe();
      await answers(2);
      expect(stalls).toHaveLength(1);

      // 2. Just before idle elapses after an answer: the look that sends the next probe fires 1.1 s late.
      await stallBeforeIdle();
      await answers(2);
      expect(stalls).toHaveLength(2);

      // 3. Both, back to back: 2.2 s blocked, with the late probe written between the two stalls.
      await stallBeforeIdle(stallAfterNextProbe);
      await answers(2);
      expect(stalls).toHaveLength(4);

      for (const ms of stalls) expect(ms).toBeGreaterThanOrEqual(STALL_MS);
      expect(disconnects).toEqual([]);
      expect(session.state).toBe('authenticated');

      // The same setup does see a real outage: a frozen socket is dropped.
      const dropped = new Promise<string>((resolve) =>
        session.on('state', ({ to, reason }) => {
          if (to === 'disconnected') resolve(reason);
        }),
      );
      await emu.freeze();
      expect(await dropped).toBe('liveness-timeout');
    } finally {
      hooks = { sent() {}, answered() {} };
      await session.close();
    }
  });

  it('reads what arrived during a stall before judging: a stall longer than the probe timeout is no alarm either', async () => {
    // 1100 ms blocked right after a probe, with only 500 ms allowed for its answer. The stall runs in a
    // setImmediate callback: after it, Node's loop runs due timers before it reads any socket, so the overdue
    // look fires while the answer still sits in the socket buffer; the verdict must wait until it is read.
    const session = newSession({ liveness: { idle, timeout: 500 } });
    const disconnects = disconnectsOf(session);
    try {
      await session.connect();
      await answers(1);
      let stalled = 0;
      hooks.sent = () => {
        hooks.sent = () => {};
        setImmediate(() => {
          const start = performance.now();
          stall(STALL_MS);
          stalled = performance.now() - start;
        });
      };
      await answers(2);
      expect(stalled).toBeGreaterThanOrEqual(STALL_MS);
      expect(disconnects).toEqual([]);
      expect(session.state).toBe('authenticated');
    } finally {
      hooks = { sent() {}, answered() {} };
      await session.close();
    }
  });
});
