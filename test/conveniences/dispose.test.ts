/**
 * `await using session = new DeribitSession(…)`: `Symbol.asyncDispose` logs out at scope end, or only
 * closes with `dispose: 'close'`. Vitest compiles `await using` down for Node 20, which has
 * `Symbol.asyncDispose` but no native `using` syntax.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClosedEvent } from '../../src/index.js';
import { Harness } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('await using', () => {
  it('Node has Symbol.asyncDispose, and the session implements it', () => {
    expect(typeof Symbol.asyncDispose).toBe('symbol');
    expect(typeof h.session({ url: 'ws://127.0.0.1:1/ws/api/v2' })[Symbol.asyncDispose]).toBe('function');
  });

  it('logs out at scope end by default: the server sees private/logout, the session is closed', async () => {
    const emu = await h.start();
    const closed: ClosedEvent[] = [];
    let state = '';
    {
      await using session = h.session();
      session.on('closed', (event) => closed.push(event));
      await session.connect();
      state = session.state;
      expect(emu.received.some((m) => m.method === 'private/logout')).toBe(false);
    }
    expect(state).toBe('authenticated');
    const logouts = emu.received.filter((m) => m.method === 'private/logout');
    expect(logouts).toHaveLength(1);
    expect(logouts[0]?.params['invalidate_token']).toBe(true);
    expect(closed).toEqual([{ reason: 'logout' }]);
    expect(h.sessions[0]?.state).toBe('closed');
    await expect.poll(() => emu.connectionCount).toBe(0);
  });

  it("with dispose: 'close' it closes without logging out", async () => {
    const emu = await h.start();
    const closed: ClosedEvent[] = [];
    {
      await using session = h.session({ dispose: 'close' });
      session.on('closed', (event) => closed.push(event));
      await session.connect();
    }
    expect(emu.received.map((m) => m.method)).not.toContain('private/logout');
    expect(closed).toEqual([{ reason: 'close' }]);
    expect(h.sessions[0]?.state).toBe('closed');
    await expect.poll(() => emu.connectionCount).toBe(0);
  });

  it('disposes when the scope throws, and the error still propagates', async () => {
    const emu = await h.start();
    const failure = new Error('strategy crashed');
    const run = async (): Promise<void> => {
      await using session = h.session();
      await session.connect();
      throw failure;
    };
    await expect(run()).rejects.toBe(failure);
    expect(emu.received.filter((m) => m.method === 'private/logout')).toHaveLength(1);
    expect(h.sessions[0]?.state).toBe('closed');
  });

  it('a session that never connected disposes quietly', async () => {
    await h.start();
    const warnings: string[] = [];
    {
      await using session = h.session();
      session.on('warning', ({ code }) => warnings.push(code));
    }
    expect(h.sessions[0]?.state).toBe('closed');
    expect(warnings).toEqual(['logout-unconfirmed']);
  });
});
