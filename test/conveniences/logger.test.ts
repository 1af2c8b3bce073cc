/**
 * The logger option takes pino's calling convention, `logger.info(context, message)`: a real pino instance
 * writes JSON lines with the context's fields and the message, and `console` prints both. No line ever
 * holds a secret.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(async () => {
  vi.restoreAllMocks();
  await h.cleanup();
});

interface PinoLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A pino logger at `debug` writing to an array, one JSON text per line. */
function capturedPino(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** Every secret-bearing value the client sent (signatures, tokens, the secret itself), read off the wire. */
function secretsOnTheWire(frames: readonly unknown[]): string[] {
  const secrets: string[] = [];
  for (const frame of frames) {
    if (typeof frame !== 'string' || !frame.includes('"method"')) continue;
    const { params } = JSON.parse(frame) as { params?: Record<string, unknown> };
    for (const key of ['signature', 'client_secret', 'refresh_token', 'access_token']) {
      const value = params?.[key];
      if (typeof value === 'string') secrets.push(value);
    }
  }
  return secrets;
}

describe('logger', () => {
  it('a real pino instance writes JSON lines with the context fields and the message, never a secret, across connect, refresh, reconnect and logout', async () => {
    const emu = await h.start({ tokenTtl: 1 });
    const send = vi.spyOn(WebSocket.prototype, 'send');
    const { logger, lines } = capturedPino();
    const session = h.session({ scope: 'session:pino', logger });
    const tokens: string[] = [];
    session.on('tokens', ({ accessToken, refreshToken }) => tokens.push(accessToken, refreshToken));

    await session.connect();
    await nextEvent(session, 'refreshed');
    const back = nextEvent(session, 'authenticated');
    emu.dropConnections();
    await back;
    expect((await session.logout()).confirmed).toBe(true);

    const parsed = lines.map((line) => JSON.parse(line) as PinoLine);
    expect(
      parsed.every((line) => typeof line.time === 'number' && line.msg.startsWith('[deribit-session] ')),
    ).toBe(true);
    const find = (msg: string): PinoLine | undefined =>
      parsed.find((line) => line.msg === `[deribit-session] ${msg}`);
    expect(find('authenticated')).toMatchObject({
      level: 30,
      grant: 'client_signature',
      expiresAt: expect.any(Number),
    });
    expect(
      parsed.filter((line) => line.msg === '[deribit-session] authenticated').map((line) => line['grant']),
    ).toContain('refresh_token');
    expect(find('state connecting → authenticating')).toMatchObject({ level: 20, reason: 'socket-open' });
    expect(find('state authenticated → refreshing')).toMatchObject({ level: 20, reason: 'refresh-due' });
    expect(find('socket closed')).toMatchObject({ level: 40, code: 1006, willReconnect: true });
    expect(find('session closed')).toMatchObject({ level: 30, reason: 'logout' });

    const secrets = [
      DEFAULT_ACCOUNT.clientSecret,
      ...tokens,
      ...secretsOnTheWire(send.mock.calls.map(([data]) => data)),
    ];
    expect(tokens.length).toBeGreaterThanOrEqual(6); // connect, refresh, reconnect: three pairs
    expect(secrets.some((secret) => secret.length > 20)).toBe(true); // the signatures were seen
    const text = lines.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('console works as a logger: it prints the context and the message', async () => {
    await h.start();
    const printed = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    const session = h.session({ logger: console });
    await session.connect();
    await session.close();
    const [debug, info] = printed;
    expect(info).toHaveBeenCalledWith(
      { grant: 'client_signature', expiresAt: expect.any(Number) },
      '[deribit-session] authenticated',
    );
    expect(info).toHaveBeenCalledWith({ reason: 'close' }, '[deribit-session] session closed');
    expect(debug).toHaveBeenCalledWith(
      { reason: 'auth-ok' },
      '[deribit-session] state authenticating → authenticated',
    );
  });
});
