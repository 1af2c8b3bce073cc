/**
 * The arrival shadow's arithmetic (pure, on explicit times): after a burst from a full pool it holds what was
 * left and refills nothing until the answer to the first request sent after the burst began (its probe); then
 * it refills from that answer, and says when it has caught up.
 */
import { describe, expect, it } from 'vitest';
import { ArrivalShadow, MAX_PAUSE_MS } from '../../src/calls/credits/arrival.js';
import { RpcError } from '../../src/index.js';

const RATE = 500;
const BURST = 75;
const isAnswer = (error: unknown): boolean => error instanceof RpcError;

/** A request's answer, settled by the test. */
function request() {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const sent = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { sent, resolve, reject };
}

describe('the arrival shadow', () => {
  it('holds what was left, refilling nothing, until its probe is answered; then refills from the answer', async () => {
    const shadow = new ArrivalShadow(1, 0);
    const probe = request();
    expect(shadow.sending(probe.sent)).toBe(true);
    expect(shadow.sending(request().sent)).toBe(false); // not the probe: only the first counts
    expect(shadow.waitMs(0, RATE, BURST)).toBe(0);
    shadow.taken();
    // Paused: 200 ms later it still refilled nothing (our own bucket would hold 100 by then).
    expect(shadow.waitMs(200, RATE, BURST)).toBe(MAX_PAUSE_MS - 200);
    let answeredAt = -1;
    shadow.listen(() => {
      answeredAt = 300;
      shadow.resume(300);
    }, isAnswer);
    probe.resolve({});
    await probe.sent;
    expect(answeredAt).toBe(300);
    expect(shadow.paused).toBe(false);
    // Refills from the answer: 1 token takes 2 ms at 500/s.
    expect(shadow.waitMs(300, RATE, BURST)).toBeCloseTo(2);
    expect(shadow.waitMs(302, RATE, BURST)).toBe(0);
  });

  it('a server error answers the probe; a local failure (timeout, closed socket) does not', async () => {
    const answered = new ArrivalShadow(0, 0);
    const byServer = request();
    answered.sending(byServer.sent);
    let ended = false;
    answered.listen(() => {
      ended = true;
    }, isAnswer);
    byServer.reject(new RpcError('private/buy', 10009, 'not_enough_funds'));
    await byServer.sent.catch(() => {});
    expect(ended).toBe(true);

    const local = new ArrivalShadow(0, 0);
    const failed = request();
    local.sending(failed.sent);
    let endedLocally = false;
    local.listen(() => {
      endedLocally = true;
    }, isAnswer);
    failed.reject(new Error('connection closed'));
    await failed.sent.catch(() => {});
    expect(endedLocally).toBe(false);
    expect(local.paused).toBe(true);
  });

  it('refills anyway once the pause has lasted its maximum (a probe never answered)', () => {
    const shadow = new ArrivalShadow(0, 0);
    expect(shadow.waitMs(MAX_PAUSE_MS - 1, RATE, BURST)).toBe(1);
    expect(shadow.waitMs(MAX_PAUSE_MS + 10, RATE, BURST)).toBe(0);
    expect(shadow.paused).toBe(false);
  });

  it('goes out of force once it has caught up (full), and restarts paused for the next burst', () => {
    const shadow = new ArrivalShadow(10, 0);
    shadow.resume(5);
    expect(shadow.waitMs(50, RATE, BURST)).toBe(0);
    expect(shadow.active).toBe(true);
    expect(shadow.waitMs(5 + ((BURST - 10) / RATE) * 1000, RATE, BURST)).toBe(0);
    expect(shadow.active).toBe(false);
    shadow.restart(0, 1000);
    expect(shadow.active).toBe(true);
    expect(shadow.paused).toBe(true);
    expect(shadow.waitMs(1100, RATE, BURST)).toBe(MAX_PAUSE_MS - 100);
  });
});
