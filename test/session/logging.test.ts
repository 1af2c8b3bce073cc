import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(async () => {
  vi.restoreAllMocks();
  await h.cleanup();
});

describe('logging', () => {
  it('is silent by default', async () => {
    const emu = await h.start();
    const spies = (['log', 'debug', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level),
    );
    const session = h.session();
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    await session.close();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('sends lifecycle lines to any {debug, info, warn, error} logger (context first, as pino), and survives a logger that throws', async () => {
    const emu = await h.start();
    const lines: Array<[keyof Logger, string]> = [];
    const logger: Logger = {
      debug: (_context, message) => lines.push(['debug', message]),
      info: (_context, message) => lines.push(['info', message]),
      warn: (_context, message) => {
        lines.push(['warn', message]);
        throw new Error('broken logger');
      },
      error: (_context, message) => lines.push(['error', message]),
    };
    const session = h.session({ logger });
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    expect(lines).toContainEqual(['info', '[deribit-session] authenticated']);
    expect(lines).toContainEqual(['warn', '[deribit-session] socket closed']);
    expect(
      lines.some(
        ([level, message]) => level === 'debug' && message.includes('state connecting → authenticating'),
      ),
    ).toBe(true);
    expect(session.state).toBe('authenticated');
  });
});
