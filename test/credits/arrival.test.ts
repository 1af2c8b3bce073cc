/**
 * The arrival shadow's arithmetic (pure, on explicit times): after a burst from a full pool it holds what was
 * left and refills nothing until an answer comes to a request sent after the burst began; then it refills from
 * that answer and goes once it is full.
 */
import { describe, expect, it } from 'vitest';
import { ArrivalShadow, MAX_PAUSE_MS } from '../../src/calls/credits/arrival.js';

const RATE = 500;
const BURST = 75;

describe('the arrival shadow', () => {
  it('holds what was left until the answer to a request sent after the burst began', () => {
    const shadow = new ArrivalShadow(1, 0);
    expect(shadow.waitMs(0, RATE, BURST)).toBe(0);
    shadow.taken();
    // Paused: 200 ms later it still refilled nothing (our own bucket would hold 100 by then).
    expect(shadow.waitMs(200, RATE, BURST)).toBe(MAX_PAUSE_MS - 200);
    shadow.sending(7);
    expect(shadow.answered(6, 250)).toBe(false); // sent before the probe: says nothing
    expect(shadow.paused).toBe(true);
    expect(shadow.answered(7, 300)).toBe(true);
    expect(shadow.paused).toBe(false);
    // Refills from the answer: 1 token takes 2 ms at 500/s.
    expect(shadow.waitMs(300, RATE, BURST)).toBeCloseTo(2);
    expect(shadow.waitMs(302, RATE, BURST)).toBe(0);
  });

  it('an answer before any request was sent after the burst began ends nothing', () => {
    const shadow = new ArrivalShadow(0, 0);
    expect(shadow.answered(1, 10)).toBe(false);
    expect(shadow.paused).toBe(true);
  });

  it('refills anyway once the pause has lasted its maximum', () => {
    const shadow = new ArrivalShadow(0, 0);
    expect(shadow.waitMs(MAX_PAUSE_MS - 1, RATE, BURST)).toBe(1);
    expect(shadow.waitMs(MAX_PAUSE_MS + 10, RATE, BURST)).toBe(0);
    expect(shadow.paused).toBe(false);
  });

  it('says it has caught up (undefined) once full, so the governor drops it', () => {
    const shadow = new ArrivalShadow(10, 0);
    shadow.sending(1);
    shadow.answered(1, 5);
    expect(shadow.waitMs(50, RATE, BURST)).toBe(0);
    expect(shadow.waitMs(5 + ((BURST - 10) / RATE) * 1000, RATE, BURST)).toBeUndefined();
  });
});
