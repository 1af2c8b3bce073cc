import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionClosedError } from '../../src/index.js';
import { runScript } from '../helpers/child.js';
import { Harness, recordEvents } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('close()', () => {
  it('is idempotent, terminal, and rejects later calls with SessionClosedError', async () => {
    await h.start();
    const session = h.session();
    const events = recordEvents(session);
    await session.connect();
    await Promise.all([session.close(), session.close()]);
    await session.close();
    expect(session.state).toBe('closed');
    expect(events.filter((e) => e.event === 'closed')).toEqual([
      { event: 'closed', payload: { reason: 'close' } },
    ]);
    await expect(session.call('public/test')).rejects.toBeInstanceOf(SessionClosedError);
    await expect(session.connect()).rejects.toBeInstanceOf(SessionClosedError);
    await expect(session.subscribe('ticker.x', () => {})).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('closes the socket on the server side', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    expect(emu.connectionCount).toBe(1);
    const gone = new Promise((resolve) => emu.once('disconnect', resolve));
    await session.close();
    await gone;
    expect(emu.connectionCount).toBe(0);
  });

  it('mid-handshake ends everything at once', async () => {
    const emu = await h.start();
    emu.delay('public/auth', 5000);
    const session = h.session();
    const connecting = session.connect().catch((error: unknown) => error);
    await new Promise((resolve) => emu.once('request', resolve));
    const started = Date.now();
    await session.close();
    expect(await connecting).toBeInstanceOf(SessionClosedError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(session.state).toBe('closed');
  });

  it('leaves no timer or socket: a process that used a session exits by itself', async () => {
    const { code, out, err, ms } = await runScript(
      fileURLToPath(new URL('../fixtures/exits-by-itself.ts', import.meta.url)),
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim()).toBe('closed closed rejected');
    expect(ms).toBeLessThan(15_000);
  }, 20_000);
});
