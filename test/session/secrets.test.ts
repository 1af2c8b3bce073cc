import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DeribitSession, type Logger } from '../../src/index.js';
import { DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { Harness, recordEvents } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

function deepText(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  const parts: string[] = [inspect(value, { depth: 6, showHidden: true })];
  if (value instanceof Error) parts.push(value.message, String(value.stack), deepText(value.cause, seen));
  for (const key of Object.getOwnPropertyNames(value)) {
    parts.push(deepText((value as Record<string, unknown>)[key], seen));
  }
  return parts.join('\n');
}

describe('secrets never leak', () => {
  it('not in events (except tokens), errors, logs, JSON or inspect output', async () => {
    const emu = await h.start({ tokenTtl: 2 });
    const logLines: unknown[] = [];
    const logger: Logger = {
      debug: (...args) => logLines.push(args),
      info: (...args) => logLines.push(args),
      warn: (...args) => logLines.push(args),
      error: (...args) => logLines.push(args),
    };
    const session = h.session({ scope: 'session:secret-test', logger });
    const events = recordEvents(session);
    const errors: unknown[] = [];
    await session.connect();
    await session.call('private/get_account_summary', { currency: 'BTC' });
    await new Promise<void>((resolve) => session.once('refreshed', () => resolve()));
    errors.push(await session.call('public/set_heartbeat', { interval: 1 }).catch((e: unknown) => e));
    emu.dropConnections();
    await new Promise<void>((resolve) => session.once('authenticated', () => resolve()));
    emu.revokeRefreshTokens();
    emu.expireAllTokens();
    await session.close();
    // A fatal auth error, too.
    const bad = new DeribitSession({
      url: emu.url,
      credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: 'wrong-secret-value' },
      heartbeat: false,
      logger,
    });
    const badEvents = recordEvents(bad);
    errors.push(await bad.connect().catch((e: unknown) => e));

    const tokens = events
      .filter((e) => e.event === 'tokens')
      .map((e) => e.payload as { accessToken: string; refreshToken: string });
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    const secrets = [
      DEFAULT_ACCOUNT.clientSecret,
      'wrong-secret-value',
      ...tokens.flatMap((t) => [t.accessToken, t.refreshToken]),
    ];
    const exposed = [
      deepText(events.filter((e) => e.event !== 'tokens')),
      deepText(badEvents.filter((e) => e.event !== 'tokens')),
      deepText(errors),
      deepText(logLines),
      JSON.stringify(session),
      inspect(session, { depth: 10, showHidden: true }),
      inspect(bad, { depth: 10, showHidden: true }),
      String(session),
    ].join('\n');
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    expect(logLines.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(exposed).not.toContain(secret);
    // Signatures never appear either: the emulator's log shows what was sent, redacted.
    const signatures = emu.received.map((m) => m.params['signature']).filter((s) => s !== undefined);
    expect(signatures.length).toBeGreaterThan(0);
    expect(signatures.every((s) => s === '[redacted]')).toBe(true);
  }, 15_000);
});
