/**
 * Dead-socket detection over real sockets, with default options (only the URL and credentials are given):
 * a frozen socket (`emu.freeze()`: open, but nothing comes back) is dropped within 3 s and the session comes
 * back on a new socket; a socket that is merely quiet is probed and kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIVENESS } from '../../src/connection/liveness.js';
import type { DeribitSession } from '../../src/index.js';
import type { DeribitEmulator } from '../../src/testing/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

/** The bound: a frozen socket is noticed within 3 s with default options. */
const DETECTION_BOUND_MS = 3000;

const h = new Harness();
afterEach(() => h.cleanup());

/** A session with every tuning option at its default (the harness turns heartbeats off and speeds up reconnects). */
function defaultSession(): DeribitSession {
  return h.session({ heartbeat: undefined, reconnect: undefined });
}

/** Resolve on the emulator's next request of `method` (optionally only on socket `connectionId`). */
function nextRequest(emu: DeribitEmulator, method: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (request: { readonly method: string; readonly connectionId: number }): void => {
      if (request.method !== method) return;
      emu.off('request', listener);
      resolve(request.connectionId);
    };
    emu.on('request', listener);
  });
}

/**
 * Freeze the emulator at the moment `freezeWhen` resolves; resolve with the ms from the freeze to the
 * session's `disconnected` transition, after checking its reason and that the session recovers.
 */
async function detectFreeze(session: DeribitSession, emu: DeribitEmulator, freezeWhen: Promise<unknown>) {
  const firstSocket = emu.connectionIds[0];
  const dropped = nextEvent(session, 'state', ({ to }) => to === 'disconnected');
  const back = nextEvent(session, 'authenticated');
  await freezeWhen;
  emu.freeze();
  const frozenAt = performance.now();
  const change = await dropped;
  const elapsed = performance.now() - frozenAt;
  expect(change).toMatchObject({ from: 'authenticated', reason: 'liveness-timeout' });
  await back;
  expect(session.state).toBe('authenticated');
  expect(emu.connectionIds).not.toContain(firstSocket);
  await expect(session.call('public/get_time')).resolves.toBeTypeOf('number');
  return elapsed;
}

describe('liveness with default options over real sockets', () => {
  it('a frozen socket is dropped (liveness-timeout) within 3 s, and the session is authenticated again on a new socket', async () => {
    const emu = await h.start();
    const session = defaultSession();
    await session.connect();
    const elapsed = await detectFreeze(session, emu, Promise.resolve());
    expect(elapsed).toBeLessThanOrEqual(DETECTION_BOUND_MS);
  });

  it('within 3 s also when it freezes right after a probe was answered (the longest silence tolerated)', async () => {
    const emu = await h.start();
    const session = defaultSession();
    await session.connect();
    // The emulator emits `request` before it answers; freeze a few ms later, once the answer is out.
    const answered = nextRequest(emu, 'public/test').then(
      () => new Promise((resolve) => setTimeout(resolve, 5)),
    );
    const elapsed = await detectFreeze(session, emu, answered);
    expect(elapsed).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    // The second freeze, on the new socket, is detected too; then unfreezing changes nothing for new sockets.
    const again = await detectFreeze(session, emu, nextRequest(emu, 'public/test'));
    expect(again).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    emu.unfreeze();
    await expect(session.call('public/test')).resolves.toMatchObject({ version: expect.any(String) });
  });

  it('a quiet socket is probed about once per idle period and never dropped', async () => {
    const emu = await h.start();
    const session = defaultSession();
    const states: string[] = [];
    session.on('state', ({ to }) => states.push(to));
    await session.connect();
    const [socket] = emu.connectionIds;
    emu.clearReceived();
    const start = performance.now();
    const periods = 4;
    for (let i = 0; i < periods; i++) expect(await nextRequest(emu, 'public/test')).toBe(socket);
    const elapsed = performance.now() - start;
    expect(states).toEqual(['connecting', 'authenticating', 'authenticated']);
    expect(emu.connectionIds).toEqual([socket]);
    // Cost: at most one probe per idle period (plus the one that may have been due when counting began).
    const probes = emu.received.filter((m) => m.method === 'public/test').length;
    expect(probes).toBeLessThanOrEqual(Math.floor(elapsed / DEFAULT_LIVENESS.idle) + 1);
    expect(emu.received.every((m) => m.method === 'public/test')).toBe(true);
  });
});
