import { describe, expect, it } from 'vitest';
import { runChaos } from './run-chaos.js';

describe('chaos (short run; `npm run soak -- <seconds>` for a long one)', () => {
  it('random drops, 13009 bursts, 3 s tokens, logouts at random moments, glitches on COD and restores, late 13009s: no hang, no leak, no unauthenticated private call', async () => {
    const report = await runChaos(20_000);
    expect(report.drops).toBeGreaterThanOrEqual(8);
    expect(report.reconnects).toBeGreaterThan(report.drops);
    expect(report.refreshes).toBeGreaterThan(0);
    expect(report.unauthorizedBursts).toBeGreaterThanOrEqual(4);
    expect(report.calls.unauthorized).toBeGreaterThan(0);
    expect(report.reauthsInPlace).toBeGreaterThan(0);
    expect(report.codGlitches).toBeGreaterThanOrEqual(4);
    expect(report.restoreGlitches).toBeGreaterThanOrEqual(4);
    expect(report.lateUnauthorizedBursts).toBeGreaterThanOrEqual(3);
    expect(report.extraReauths).toEqual([]);
    expect(report.logouts).toBeGreaterThanOrEqual(5);
    expect(report.hungLogouts).toEqual([]);
    expect(report.calls.ok).toBeGreaterThan(1000);
    expect(report.notifications).toBeGreaterThan(100);
    expect(report.hung).toEqual([]);
    expect(report.unexpectedErrors).toEqual([]);
    expect(report.unhandledRejections).toEqual([]);
    expect(report.unauthenticatedPrivateCalls).toEqual([]);
    expect(report.missingSubscriptions).toEqual([]);
    expect(report.timersAfter).toBeLessThanOrEqual(report.timersBefore);
    expect(report.socketsAfter).toBeLessThanOrEqual(report.socketsBefore);
    // The session's own listeners are gone only when the user removes theirs; ours add none.
    expect(report.listenersAfterClose).toBe(8);
  }, 60_000);
});
