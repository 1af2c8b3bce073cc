/**
 * LivenessMonitor scheduling with fake time (`setTimeout` and `performance.now`): pure timing math against a
 * stand-in connection that records probes and lets the test say when frames arrive. `setImmediate` stays
 * real: the verdict the monitor defers with it runs in the real turn the async advance yields after each
 * timer, at the fake time of that timer (fake-timers would run an immediate queued in a timer 1 ms later).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_LIVENESS,
  HEARTBEAT_SILENCE_INTERVALS,
  type LivenessMode,
  LivenessMonitor,
  type Watched,
} from '../../src/connection/liveness.js';
import { monotonic } from '../../src/time/clock.js';
import { MAX_TIMER_DELAY } from '../../src/time/wait.js';

interface Probe {
  readonly method: string;
  readonly at: number;
  readonly resolve: (value: unknown) => void;
}

/** A connection whose frames arrive when the test says so. */
class FakeConnection implements Watched {
  lastFrameAt = monotonic();
  lastResponseAt = this.lastFrameAt;
  oldestPendingAt: number | undefined;
  readonly probes: Probe[] = [];

  probe(): Promise<unknown> {
    return new Promise((resolve) => this.probes.push({ method: 'public/test', at: monotonic(), resolve }));
  }

  /** Any inbound frame that is not a response (a notification, a heartbeat). */
  frame(): void {
    this.lastFrameAt = monotonic();
  }

  /** A response to some request. */
  response(): void {
    this.frame();
    this.lastResponseAt = this.lastFrameAt;
  }

  /** The answer to the latest probe: a response, then the call settles (and what the monitor defers runs). */
  async answer(): Promise<void> {
    this.response();
    this.probes.at(-1)?.resolve({ version: 'test' });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const { idle, timeout } = DEFAULT_LIVENESS;
const probeMode: LivenessMode = { probe: DEFAULT_LIVENESS };

let rpc: FakeConnection;
let onDead: ReturnType<typeof vi.fn<() => void>>;
let monitor: LivenessMonitor | undefined;
let start: number;

function watch(mode: LivenessMode): LivenessMonitor {
  monitor = new LivenessMonitor(rpc, mode, onDead);
  return monitor;
}

/** Advance fake time to `at` ms after the start (timers, immediates and promise callbacks run on the way). */
async function until(at: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(start + at - monotonic());
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  rpc = new FakeConnection();
  onDead = vi.fn<() => void>();
  start = monotonic();
});

afterEach(() => {
  monitor?.stop();
  monitor = undefined;
  vi.useRealTimers();
});

describe('LivenessMonitor, probe mode (defaults: idle 1000 ms, timeout 1500 ms)', () => {
  it('probes once after idle ms of silence and declares the socket dead at idle + timeout', async () => {
    watch(probeMode);
    await until(idle - 1);
    expect(rpc.probes).toHaveLength(0);
    await until(idle);
    expect(rpc.probes.map((p) => [p.method, p.at - start])).toEqual([['public/test', idle]]);
    await until(idle + timeout - 1);
    expect(onDead).not.toHaveBeenCalled();
    await until(idle + timeout);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(rpc.probes).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an answered probe keeps it alive, and silence after the answer is detected at answer + idle + timeout', async () => {
    watch(probeMode);
    await until(idle + 100);
    await rpc.answer();
    const answeredAt = idle + 100;
    await until(answeredAt + idle - 1);
    expect(rpc.probes).toHaveLength(1);
    await until(answeredAt + idle);
    expect(rpc.probes.map((p) => p.at - start)).toEqual([idle, answeredAt + idle]);
    await until(answeredAt + idle + timeout - 1);
    expect(onDead).not.toHaveBeenCalled();
    await until(answeredAt + idle + timeout);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('a quiet socket whose probes are answered is probed once per idle period and never dropped', async () => {
    watch(probeMode);
    for (let i = 1; i <= 20; i++) {
      await until(i * idle);
      expect(rpc.probes).toHaveLength(i);
      await rpc.answer();
    }
    expect(onDead).not.toHaveBeenCalled();
  });

  it('any response during the probe window counts as life, even without the probe’s own answer', async () => {
    watch(probeMode);
    await until(idle + 400);
    rpc.response();
    await until(idle + timeout);
    expect(onDead).not.toHaveBeenCalled();
    // The response is older than idle by now: a second probe goes out at the end of the window…
    expect(rpc.probes.map((p) => p.at - start)).toEqual([idle, idle + timeout]);
    // …and silence after it is fatal a timeout later.
    await until(idle + 2 * timeout);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('a notification during the probe window is no answer: a server that streams but answers nothing is dead', async () => {
    watch(probeMode);
    await until(idle);
    expect(rpc.probes).toHaveLength(1);
    for (let at = idle + 100; at < idle + timeout; at += 100) {
      await until(at);
      rpc.frame();
    }
    await until(idle + timeout);
    expect(onDead).toHaveBeenCalledWith('unanswered');
  });

  it('a request unanswered for idle ms is probed even while notifications flow, and dropped if nothing answers', async () => {
    watch(probeMode);
    rpc.oldestPendingAt = monotonic(); // a call went out, and its answer never comes
    for (let at = 100; at <= idle + timeout; at += 100) {
      await until(at);
      rpc.frame(); // a ticker keeps streaming
    }
    expect(rpc.probes.map((p) => p.at - start)).toEqual([idle]);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(onDead).toHaveBeenCalledWith('unanswered');
  });

  it('a request waiting on a socket whose other answers keep coming is no alarm', async () => {
    watch(probeMode);
    rpc.oldestPendingAt = monotonic(); // a slow call
    for (let at = 200; at <= 5 * idle; at += 200) {
      await until(at);
      rpc.response(); // answers to other calls
    }
    expect(rpc.probes).toHaveLength(0);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('re-arms after each frame: a socket with traffic more often than idle is never probed', async () => {
    watch(probeMode);
    for (let at = 900; at <= 10_000; at += 900) {
      await until(at);
      rpc.frame();
    }
    const last = monotonic() - start;
    expect(rpc.probes).toHaveLength(0);
    await until(last + idle - 1);
    expect(rpc.probes).toHaveLength(0);
    await until(last + idle);
    expect(rpc.probes.map((p) => p.at - start)).toEqual([last + idle]);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('stop() leaves no timer, whether idle, in a probe window or with a verdict pending', async () => {
    watch(probeMode).stop();
    expect(vi.getTimerCount()).toBe(0);

    watch(probeMode);
    await until(idle + 10);
    expect(rpc.probes).toHaveLength(1);
    monitor?.stop();
    expect(vi.getTimerCount()).toBe(0);

    rpc.frame();
    watch(probeMode);
    const armedAt = monotonic() - start;
    // Fire the look's timer synchronously: its verdict (a real setImmediate) is still pending.
    vi.advanceTimersToNextTimer();
    expect(monotonic() - start).toBe(armedAt + idle);
    expect(vi.getTimerCount()).toBe(0);
    monitor?.stop();
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(10 * timeout);
    expect(rpc.probes).toHaveLength(1); // the cancelled verdict would have sent a second probe
    expect(onDead).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('LivenessMonitor, heartbeat mode (liveness: false)', () => {
  it(`drops after ${HEARTBEAT_SILENCE_INTERVALS} silent heartbeat intervals, counted from the last frame, and never probes`, async () => {
    const interval = 10_000;
    watch({ heartbeatSeconds: interval / 1000 });
    await until(interval);
    rpc.frame();
    await until(interval + HEARTBEAT_SILENCE_INTERVALS * interval - 1);
    expect(onDead).not.toHaveBeenCalled();
    await until(interval + HEARTBEAT_SILENCE_INTERVALS * interval);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(rpc.probes).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a heartbeat interval whose silence limit exceeds setTimeout’s range does not spin the timer', async () => {
    const seconds = MAX_TIMER_DELAY / 1000; // the largest interval the options accept
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    watch({ heartbeatSeconds: seconds });
    await vi.advanceTimersByTimeAsync(1000);
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(1);
    expect(onDead).not.toHaveBeenCalled();
    setTimeoutSpy.mockRestore();
  });
});
