import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECONNECT, retryWithBackoff } from '../src/connection/backoff.js';
import { sleep } from '../src/time/wait.js';

const fixed = { factor: 2, minTimeout: 100, maxTimeout: 1000, randomize: false };

describe('backoffDelay (p-retry formula)', () => {
  it('grows exponentially from minTimeout and caps at maxTimeout', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, fixed))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('randomize multiplies by a factor in [1, 2)', () => {
    const options = { ...fixed, randomize: true };
    expect(backoffDelay(1, options, () => 0)).toBe(100);
    expect(backoffDelay(1, options, () => 0.5)).toBe(150);
    expect(backoffDelay(2, options, () => 0.999)).toBe(400);
  });
});

describe('retryWithBackoff', () => {
  it('reports each retry with its delay, then succeeds', async () => {
    const seen: Array<{ attempt: number; delay: number }> = [];
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      { ...DEFAULT_RECONNECT, minTimeout: 1, maxTimeout: 4, randomize: false },
      { signal: new AbortController().signal, shouldRetry: () => true, onRetry: (info) => seen.push(info) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([
      expect.objectContaining({ attempt: 1, delay: 1 }),
      expect.objectContaining({ attempt: 2, delay: 2 }),
    ]);
  });

  it('stops at once on an error shouldRetry refuses', async () => {
    let calls = 0;
    const fatal = new Error('fatal');
    await expect(
      retryWithBackoff(
        async () => {
          calls += 1;
          throw fatal;
        },
        { ...DEFAULT_RECONNECT, minTimeout: 1 },
        { signal: new AbortController().signal, shouldRetry: (e) => e !== fatal, onRetry: () => {} },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('abort during the wait ends the loop at once', async () => {
    const controller = new AbortController();
    const reason = new Error('closed');
    const loop = retryWithBackoff(
      async () => {
        throw new Error('down');
      },
      { ...DEFAULT_RECONNECT, minTimeout: 60_000, randomize: false },
      { signal: controller.signal, shouldRetry: () => true, onRetry: () => controller.abort(reason) },
    );
    await expect(loop).rejects.toBe(reason);
  });

  it('sleep rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });
});
