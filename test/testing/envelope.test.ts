import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { DeribitEmulator } from '../../src/testing/index.js';
import { fails, ok, useEmulator } from '../helpers/emulator-fixture.js';
import { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

describe('envelope', () => {
  it('binds to 127.0.0.1 on a free port with the Deribit path', async () => {
    const emu = await fx.start();
    expect(emu.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/api\/v2$/);
    expect(emu.port).toBeGreaterThan(0);
  });

  it('answers with jsonrpc, id, result, integer µs timings and testnet', async () => {
    await fx.start();
    const client = await fx.client();
    const response = await client.call('public/test', {}, 7);
    expect(response).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      result: { version: expect.any(String) },
      testnet: true,
    });
    expect(Number.isInteger(response.usIn)).toBe(true);
    expect(Number.isInteger(response.usOut)).toBe(true);
    expect(response.usDiff).toBe(response.usOut - response.usIn);
    expect(response.usOut).toBeGreaterThanOrEqual(response.usIn);
    expect(Math.abs(response.usIn / 1000 - Date.now())).toBeLessThan(5_000);
  });

  it('testnet flag follows the option', async () => {
    await fx.start({ testnet: false });
    const client = await fx.client();
    expect((await client.call('public/test')).testnet).toBe(false);
  });

  it('echoes string and integer ids exactly', async () => {
    await fx.start();
    const client = await fx.client();
    expect((await client.call('public/test', {}, 'abc-1')).id).toBe('abc-1');
    expect((await client.call('public/test', {}, 0)).id).toBe(0);
    expect((await client.call('public/test', {}, 9_007_199_254_740_991)).id).toBe(9_007_199_254_740_991);
  });

  it('answers a request without id with id null', async () => {
    await fx.start();
    const client = await fx.client();
    client.send({ jsonrpc: '2.0', method: 'public/get_time' });
    const response = await client.nextOrphan();
    expect(response.id).toBeNull();
    expect(typeof response.result).toBe('number');
  });

  it('rejects params that are not an object with -32602', async () => {
    await fx.start();
    const client = await fx.client();
    const response = await client.call('public/test', [1, 2] as unknown as Record<string, unknown>);
    expect(fails(response, -32602).data).toMatchObject({ param: 'params' });
  });

  it('answers unknown methods with -32601 Method not found', async () => {
    await fx.start();
    const client = await fx.client();
    const error = fails(await client.call('public/nope'), ErrorCode.methodNotFound);
    expect(error.message).toBe('Method not found');
    fails(await client.call('private/nope'), ErrorCode.methodNotFound);
  });

  it('answers bad params with -32602 naming the param', async () => {
    await fx.start();
    const client = await fx.client();
    const error = fails(await client.call('public/set_heartbeat', { interval: 'ten' }), -32602);
    expect(error).toMatchObject({
      message: 'Invalid params',
      data: { param: 'interval', reason: expect.any(String) },
    });
  });

  it('public/get_time, public/hello, public/status, public/test', async () => {
    await fx.start({ version: '9.9.9' });
    const client = await fx.client();
    const before = Date.now();
    const time = ok<number>(await client.call('public/get_time'));
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(ok(await client.call('public/hello', { client_name: 't', client_version: '1' }))).toEqual({
      version: '9.9.9',
    });
    expect(ok(await client.call('public/status'))).toEqual({ locked: 'false', locked_indices: [] });
    expect(ok(await client.call('public/test'))).toEqual({ version: '9.9.9' });
    const error = fails(
      await client.call('public/test', { expected_result: 'exception' }),
      ErrorCode.internalServerError,
    );
    expect(error.message).toBe('internal_server_error');
  });

  it('refuses the 33rd simultaneous socket with HTTP 429, and a wrong path with 404', async () => {
    const emu = await fx.start({ maxConnections: 2 });
    await fx.client();
    await fx.client();
    await expect(RawClient.connect(emu.url)).rejects.toThrow('HTTP 429');
    await expect(RawClient.connect(emu.url.replace('/ws/api/v2', '/other'))).rejects.toThrow('HTTP 404');
    expect(emu.connectionCount).toBe(2);
  });

  it('emits connection and disconnect events', async () => {
    const emu = await fx.start();
    const connected = new Promise<{ connectionId: number }>((resolve) => emu.once('connection', resolve));
    const client = await fx.client();
    const { connectionId } = await connected;
    const disconnected = new Promise<{ connectionId: number; code: number }>((resolve) =>
      emu.once('disconnect', resolve),
    );
    await client.close();
    expect(await disconnected).toMatchObject({ connectionId, code: 1000 });
    expect(emu.connectionCount).toBe(0);
  });

  it('close() closes sockets with 1001 and frees the port', async () => {
    const emu = await DeribitEmulator.start();
    const client = await RawClient.connect(emu.url);
    await emu.close();
    expect((await client.closed).code).toBe(1001);
    await expect(RawClient.connect(emu.url)).rejects.toThrow();
    await emu.close(); // idempotent
  });
});
