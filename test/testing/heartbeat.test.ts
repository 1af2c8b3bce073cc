import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/testing/index.js';
import { credentials, fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';

const fx = useEmulator();
const isTestRequest = (n: { method: string; params: { type?: string } }): boolean =>
  n.method === 'heartbeat' && n.params.type === 'test_request';

describe('heartbeats', () => {
  it('set_heartbeat below the minimum → -32602 data.param interval', async () => {
    await fx.start();
    const client = await fx.client();
    const error = fails(await client.call('public/set_heartbeat', { interval: 5 }), -32602);
    expect(error.data).toMatchObject({ param: 'interval' });
    expect(ok(await client.call('public/set_heartbeat', { interval: 10 }))).toBe('ok');
  });

  it('sends test_request; an unanswered one closes the socket (4000) while an answering client stays', async () => {
    const emu = await fx.start({ minHeartbeatInterval: 0.05 });
    const silent = await fx.client();
    const answering = await fx.client({ answerHeartbeats: true });
    expect(ok(await silent.call('public/set_heartbeat', { interval: 0.05 }))).toBe('ok');
    expect(ok(await answering.call('public/set_heartbeat', { interval: 0.1 }))).toBe('ok');
    await silent.nextNotification(isTestRequest);
    const closed = await silent.closed;
    expect(closed.code).toBe(CloseCode.heartbeatTimeout);
    // The answering client sees several more test_requests and is still served.
    for (let i = 0; i < 3; i++) await answering.nextNotification(isTestRequest);
    expect(answering.isClosed).toBe(false);
    ok(await answering.call('public/test'));
    expect(emu.connectionCount).toBe(1);
  });

  it('a test_request goes out at least every other tick', async () => {
    const emu = await fx.start({ minHeartbeatInterval: 0.05 });
    const client = await fx.client({ answerHeartbeats: true });
    const types: string[] = [];
    const done = new Promise<void>((resolve) => {
      emu.on('heartbeat', (event) => {
        types.push(event.type);
        if (types.length === 8) resolve();
      });
    });
    await client.call('public/set_heartbeat', { interval: 0.05 });
    await done;
    for (let i = 1; i < types.length; i++) {
      expect(types[i] === 'test_request' || types[i - 1] === 'test_request').toBe(true);
    }
    expect(types[0]).toBe('test_request');
    // While the client keeps answering, plain heartbeats are interleaved.
    expect(types).toContain('heartbeat');
  });

  it('heartbeat timeout fires cancel-on-disconnect', async () => {
    const emu = await fx.start({ minHeartbeatInterval: 0.05 });
    const client = await fx.client();
    await login(client);
    ok(await client.call('private/enable_cancel_on_disconnect', { scope: 'connection' }));
    ok(await client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 100 }));
    const cod = new Promise<{ cancelled: number }>((resolve) => emu.once('cancelOnDisconnect', resolve));
    ok(await client.call('public/set_heartbeat', { interval: 0.05 }));
    expect((await client.closed).code).toBe(CloseCode.heartbeatTimeout);
    expect((await cod).cancelled).toBe(1);
  });

  it('disable_heartbeat stops heartbeats', async () => {
    const emu = await fx.start({ minHeartbeatInterval: 0.02 });
    const client = await fx.client({ answerHeartbeats: true });
    let beats = 0;
    emu.on('heartbeat', () => {
      beats += 1;
    });
    await client.call('public/set_heartbeat', { interval: 0.05 });
    await client.nextNotification(isTestRequest);
    expect(ok(await client.call('public/disable_heartbeat'))).toBe('ok');
    const after = beats;
    // Wait for a session round trip several intervals long, without sleeping: a delayed response.
    emu.delay('public/hello', 100);
    await client.call('public/hello', { client_name: 'x', client_version: '1' });
    expect(beats).toBe(after);
    expect(client.isClosed).toBe(false);
  });

  it('works on authenticated sessions too (no effect on auth state)', async () => {
    await fx.start({ minHeartbeatInterval: 0.05 });
    const client = await fx.client({ answerHeartbeats: true });
    await login(client, credentials({ scope: 'session:hb' }));
    await client.call('public/set_heartbeat', { interval: 0.1 });
    await client.nextNotification(isTestRequest);
    await client.nextNotification(isTestRequest);
    ok(await client.call('private/get_account_summary', { currency: 'ETH' }));
  });
});
