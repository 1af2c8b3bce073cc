import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { CloseCode, DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { Notification, RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const isTestRequest = (n: Notification): boolean =>
  n.method === 'heartbeat' && n.params.type === 'test_request';

/** Answer `count` test_requests with `spelling`, then stop answering. */
async function answerTestRequests(client: RawClient, spelling: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await client.nextNotification(isTestRequest);
    ok(await client.call(spelling));
  }
}

describe('method spellings', () => {
  it('accepts /public/x and /api/v2/public/x as public/x', async () => {
    const emu = await fx.start({ version: '7.7.7' });
    const client = await fx.client();
    for (const spelling of ['public/test', '/public/test', '/api/v2/public/test']) {
      expect(ok(await client.call(spelling))).toEqual({ version: '7.7.7' });
    }
    // The log records the canonical name, whatever the spelling.
    expect(emu.received.map((m) => m.method)).toEqual(['public/test', 'public/test', 'public/test']);
    fails(await client.call('/api/v2/public/nope'), ErrorCode.methodNotFound);
    fails(await client.call('/api/v3/public/test'), ErrorCode.methodNotFound);
  });

  it('accepts /private/buy and /api/v2/private/buy once authenticated', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    fails(
      await client.call('/private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 }),
      13009,
    );
    await login(client);
    const order = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 1 };
    ok(await client.call('/private/buy', order));
    ok(await client.call('/api/v2/private/buy', order));
    expect(emu.openOrders(DEFAULT_ACCOUNT.id)).toHaveLength(2);
  });

  it.each(['/public/test', '/api/v2/public/test'])('%s answers a test_request', async (spelling) => {
    await fx.start({ minHeartbeatInterval: 0.05 });
    const client = await fx.client();
    ok(await client.call('public/set_heartbeat', { interval: 0.05 }));
    await answerTestRequests(client, spelling, 3);
    expect(client.isClosed).toBe(false);
    // Silence now closes the socket, so the answers above are what kept it open.
    expect((await client.closed).code).toBe(CloseCode.heartbeatTimeout);
  });

  it('failNext, delay and addMethod take any spelling', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    emu.failNext('/api/v2/public/get_time', 1, { code: ErrorCode.retry });
    fails(await client.call('/public/get_time'), ErrorCode.retry);
    expect(typeof ok(await client.call('public/get_time'))).toBe('number');
    emu.addMethod('/public/echo', (ctx) => ctx.params);
    expect(ok(await client.call('/api/v2/public/echo', { a: 1 }))).toEqual({ a: 1 });
  });
});
