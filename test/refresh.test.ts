import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_REFRESH, refreshDelay } from '../src/auth/refresh.js';
import { monotonic } from '../src/time/clock.js';
import { DeadlineTimer, MAX_TIMER_DELAY } from '../src/time/wait.js';

const noJitter = () => 0;

describe('refreshDelay (pure schedule math)', () => {
  it('takes seconds, returns milliseconds: 80 % of a 900 s token', () => {
    expect(refreshDelay(900, DEFAULT_REFRESH, noJitter)).toBe(720_000);
  });

  it('uses expires_in − margin when that comes first', () => {
    // 80 % of 600 s = 480 s; 600 − 300 = 300 s
    expect(refreshDelay(600, { ...DEFAULT_REFRESH, margin: 300 }, noJitter)).toBe(300_000);
  });

  it('never refreshes before minRatio of the life (short tokens do not loop)', () => {
    expect(refreshDelay(2, DEFAULT_REFRESH, noJitter)).toBe(1000);
    expect(refreshDelay(30, DEFAULT_REFRESH, noJitter)).toBe(15_000);
  });

  it('applies jitter only to make it earlier, by at most the jitter fraction', () => {
    const max = refreshDelay(900, DEFAULT_REFRESH, () => 0);
    const min = refreshDelay(900, DEFAULT_REFRESH, () => 0.999_999);
    expect(min).toBeLessThan(max);
    expect(min).toBeGreaterThanOrEqual(Math.floor(max * 0.95));
  });

  it('does not overflow for year-long tokens (the timer clamps, the math does not)', () => {
    const delay = refreshDelay(31_536_000, DEFAULT_REFRESH, noJitter);
    expect(delay).toBe(31_536_000 * 800);
    expect(delay).toBeGreaterThan(MAX_TIMER_DELAY);
  });

  it('is never negative', () => {
    expect(refreshDelay(0, DEFAULT_REFRESH, noJitter)).toBe(0);
    expect(refreshDelay(-5, DEFAULT_REFRESH, noJitter)).toBe(0);
  });
});

describe('DeadlineTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires at a deadline beyond 2^31−1 ms by re-arming, not early', () => {
    vi.useFakeTimers();
    const timer = new DeadlineTimer();
    const onDue = vi.fn();
    const year = 365 * 24 * 3600 * 1000;
    timer.schedule(monotonic() + year, onDue);
    vi.advanceTimersByTime(MAX_TIMER_DELAY + 1);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(year - MAX_TIMER_DELAY);
    expect(onDue).toHaveBeenCalledTimes(1);
    expect(timer.dueAt).toBeUndefined();
  });

  it('scheduling again replaces the previous schedule (no two chains)', () => {
    vi.useFakeTimers();
    const timer = new DeadlineTimer();
    const first = vi.fn();
    const second = vi.fn();
    timer.schedule(monotonic() + 1000, first);
    timer.schedule(monotonic() + 2000, second);
    vi.advanceTimersByTime(5000);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('cancel leaves no timer behind', () => {
    vi.useFakeTimers();
    const timer = new DeadlineTimer();
    timer.schedule(monotonic() + 1000, () => {});
    expect(vi.getTimerCount()).toBe(1);
    timer.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });
});
