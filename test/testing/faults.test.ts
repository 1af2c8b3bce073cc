import { describe, expect, it } from 'vitest';
import { CloseCode, DEFAULT_ACCOUNT, DeribitEmulator } from '../../src/testing/index.js';
import { credentials, fails, login, ok, signed, useEmulator } from '../helpers/emulator-fixture.js';
import { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

describe('fault hooks', () => {
  it('dropConnections severs every socket without a close frame', async () => {
    const emu = await fx.start();
    const a = await fx.client();
    const b = await fx.client();
    emu.dropConnections();
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    const c = await fx.client();
    ok(await c.call('public/test'));
  });

  it('freeze: live sockets swallow requests and send nothing; new sockets work; unfreeze restores', async () => {
    const emu = await fx.start();
    const frozen = await fx.client();
    await frozen.call('public/subscribe', { channels: ['x.1'] });
    emu.freeze();
    const seen = new Promise((resolve) => emu.once('request', resolve));
    const swallowed = frozen.call('public/test', {}, 'swallowed');
    await seen;
    expect(emu.publish('x.1', 1)).toBe(0);
    const fresh = await fx.client();
    ok(await fresh.call('public/test'));
    expect(frozen.isClosed).toBe(false);
    expect(emu.received.some((m) => m.id === 'swallowed')).toBe(true);
    emu.unfreeze();
    ok(await frozen.call('public/test'));
    expect(frozen.frames.some((f) => (f as { id?: unknown }).id === 'swallowed')).toBe(false);
    swallowed.catch(() => undefined);
  });

  it('failNext: the next N calls of a method get the error, then normal service', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    emu.failNext('public/get_time', 2, { code: 10040 });
    expect(fails(await client.call('public/get_time'), 10040).message).toBe('retry');
    const second = fails(await client.call('public/get_time'), 10040);
    expect(second.data).toBeUndefined();
    expect(typeof ok(await client.call('public/get_time'))).toBe('number');
    emu.failNext('public/test', 1, { code: 11051, message: 'custom', data: { reason: 'maint' } });
    expect(fails(await client.call('public/test'), 11051)).toEqual({
      code: 11051,
      message: 'custom',
      data: { reason: 'maint' },
    });
  });

  it('failNext with close: sends the error, then closes the socket (4001)', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    emu.failNext('public/auth', 1, { code: 11051 }, { close: true });
    fails(await client.call('public/auth', credentials()), 11051);
    expect((await client.closed).code).toBe(CloseCode.fault);
    await login(await fx.client());
  });

  it('rateLimitAuth: 10028 then the socket is closed', async () => {
    const emu = await fx.start();
    emu.rateLimitAuth(1);
    const client = await fx.client();
    const error = fails(await client.call('public/auth', credentials()), 10028);
    expect(error.message).toBe('too_many_requests');
    expect((await client.closed).code).toBe(CloseCode.rateLimited);
    await login(await fx.client());
  });

  it('delay holds back only that method’s responses (out of order)', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    emu.delay('public/get_time', 50);
    const order: string[] = [];
    const slow = client.call('public/get_time').then(() => order.push('slow'));
    const fast = client.call('public/test').then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
    emu.clearDelays();
    const again: string[] = [];
    await Promise.all([
      client.call('public/get_time').then(() => again.push('time')),
      client.call('public/test').then(() => again.push('test')),
    ]);
    expect(again).toEqual(['time', 'test']);
  });

  it('setClockSkew moves get_time', async () => {
    const emu = await fx.start();
    emu.setClockSkew(-3_600_000);
    const client = await fx.client();
    const time = ok<number>(await client.call('public/get_time'));
    expect(Date.now() - time).toBeGreaterThan(3_500_000);
    expect(Math.abs(emu.now() - time)).toBeLessThan(5_000);
  });

  it('received log: every request with its auth state, secrets redacted; clearReceived', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await client.call('public/test');
    await client.call('private/get_account_summary', { currency: 'BTC' });
    const tokens = await login(client);
    await client.call('public/auth', await signed(DEFAULT_ACCOUNT.clientId, 'x', Date.now(), 'n1'));
    await client.call('private/get_account_summary', { currency: 'BTC' });
    await client.call('private/get_account_summary', { currency: 'BTC', access_token: tokens.access_token });
    await client.call('private/get_account_summary', { currency: 'BTC', access_token: 'bogus' });
    emu.expireAllTokens();
    await client.call('private/get_account_summary', { currency: 'BTC' });
    const log = emu.received;
    expect(log.map((m) => m.auth)).toEqual([
      'none',
      'none',
      'none',
      'socket',
      'socket',
      'token',
      'invalid',
      'expired',
    ]);
    expect(log[2]?.params).toMatchObject({
      client_secret: '[redacted]',
      client_id: DEFAULT_ACCOUNT.clientId,
    });
    expect(log[3]?.params).toMatchObject({ signature: '[redacted]' });
    expect(log[5]?.params).toMatchObject({ access_token: '[redacted]' });
    expect(JSON.stringify(log)).not.toContain(DEFAULT_ACCOUNT.clientSecret);
    expect(JSON.stringify(log)).not.toContain(tokens.access_token);
    expect(log[0]).toMatchObject({
      method: 'public/test',
      id: 1,
      connectionId: expect.any(Number),
      at: expect.any(Number),
    });
    emu.clearReceived();
    expect(emu.received).toEqual([]);
  });

  it('received log is capped', async () => {
    const emu = await fx.start({ receivedLogLimit: 5 });
    const client = await fx.client();
    for (let i = 0; i < 20; i++) await client.call('public/test', {}, i);
    expect(emu.received.map((m) => m.id)).toEqual([15, 16, 17, 18, 19]);
  });

  it('request events carry redacted params and auth', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    const event = new Promise<{ method: string; params: Record<string, unknown>; authenticated: boolean }>(
      (resolve) => emu.once('request', resolve),
    );
    await login(client);
    expect(await event).toMatchObject({
      method: 'public/auth',
      authenticated: false,
      params: { client_secret: '[redacted]' },
    });
  });

  it('addMethod adds a custom method', async () => {
    const emu = await fx.start();
    emu.addMethod('public/custom', (ctx) => ({ echo: ctx.params['x'] }));
    const client = await fx.client();
    expect(ok(await client.call('public/custom', { x: 5 }))).toEqual({ echo: 5 });
  });

  it('a throwing custom handler becomes 11094 and the server keeps serving', async () => {
    const emu = await fx.start();
    emu.addMethod('public/boom', () => {
      throw new Error('kaboom');
    });
    const client = await fx.client();
    expect(fails(await client.call('public/boom'), 11094).data).toMatchObject({ reason: 'kaboom' });
    ok(await client.call('public/test'));
  });

  it('requests are handled in arrival order even around the async signature check', async () => {
    await fx.start();
    const client = await fx.client();
    const auth = client.call(
      'public/auth',
      await signed(DEFAULT_ACCOUNT.clientId, DEFAULT_ACCOUNT.clientSecret, Date.now(), 'o1'),
    );
    const summary = client.call('private/get_account_summary', { currency: 'BTC' });
    ok(await auth);
    ok(await summary);
  });

  it('close() with frozen and busy sockets still finishes and clears timers', async () => {
    const emu = await DeribitEmulator.start({ minHeartbeatInterval: 0.05 });
    const raw = await RawClient.connect(emu.url);
    await raw.call('public/set_heartbeat', { interval: 0.05 });
    emu.delay('public/test', 10_000);
    raw.call('public/test').catch(() => undefined);
    emu.freeze();
    await emu.close();
    expect((await raw.closed).code).toBe(1001);
    expect(emu.connectionCount).toBe(0);
  });
});
