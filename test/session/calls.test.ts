import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, RequestTimeoutError, RpcError } from '../../src/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('calls', () => {
  it('resolves results and rejects Deribit errors as RpcError with code, message and data', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    await expect(session.call('public/test')).resolves.toMatchObject({ version: expect.any(String) });
    const error = await session.call('public/set_heartbeat', { interval: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32602, data: { param: 'interval' } });
    await expect(session.call('public/no_such_method')).rejects.toMatchObject({ code: -32601 });
  });

  it('matches out-of-order responses by id', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.delay('public/get_time', 150);
    const slow = session.call('public/get_time');
    const fast = session.call('public/test');
    const order: string[] = [];
    await Promise.all([slow.then(() => order.push('slow')), fast.then(() => order.push('fast'))]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('times out a call that gets no answer, and ignores the late answer', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.delay('public/get_time', 300);
    const error = await session.call('public/get_time', undefined, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    // The session still works, and the late answer to the timed-out id changes nothing.
    emu.clearDelays();
    await expect(session.call('public/test')).resolves.toBeTruthy();
  });

  it('aborts a call with its AbortSignal', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.delay('public/get_time', 1000);
    const controller = new AbortController();
    const call = session.call('public/get_time', undefined, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(call).rejects.toThrow('user gave up');
  });

  it('rejects calls in flight at once when the socket drops, saying the outcome is unknown', async () => {
    const emu = await h.start();
    const session = h.session({ reconnect: false });
    await session.connect();
    emu.delay('private/buy', 5000);
    const buy = session.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10 });
    await nextEventFromEmulator(emu, 'private/buy');
    emu.dropConnections();
    const error = await buy.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/private\/buy.*outcome is unknown/);
  });

  it('reports frames that are not JSON or not JSON-RPC as error events, drops them, and keeps working', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const errors: Error[] = [];
    session.on('error', (error) => errors.push(error));
    const slow = session.call('public/get_time');
    expect(emu.injectFrame('this is not json')).toBe(1);
    emu.injectFrame('42');
    emu.injectFrame('{"jsonrpc":"2.0","method":"mystery","params":{}}');
    emu.injectFrame('{"jsonrpc":"2.0","id":987654,"result":"answer to nothing"}');
    emu.injectFrame('{"jsonrpc":"2.0","id":1,"usIn":"1","usOut":"2","result":"string envelope fields"}');
    await expect(slow).resolves.toEqual(expect.any(Number));
    await expect(session.call('public/test')).resolves.toBeTruthy();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/not a JSON-RPC object/),
      expect.stringMatching(/does not understand/),
    ]);
    expect(session.state).toBe('authenticated');
  });

  it('a throwing notification handler is reported as an error event, and the session keeps working', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const error = nextEvent(session, 'error');
    await session.subscribe('ticker.BTC-PERPETUAL.100ms', () => {
      throw new Error('handler bug');
    });
    h.emulator?.publish('ticker.BTC-PERPETUAL.100ms', { price: 1 });
    expect((await error).message).toMatch(/handler bug|threw/);
    await expect(session.call('public/test')).resolves.toBeTruthy();
  });

  it('rejects bad arguments with TypeError before sending anything', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.clearReceived();
    await expect(session.call('')).rejects.toBeInstanceOf(TypeError);
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const unserializable = session.call('private/buy' as string, circular);
    await expect(unserializable).rejects.toThrow(/cannot be serialized/);
    await expect(session.call('private/buy' as string, { amount: 10n })).rejects.toBeInstanceOf(TypeError);
    await expect(session.subscribe([], () => {})).rejects.toBeInstanceOf(TypeError);
    await expect(session.subscribe('x', 'nope' as never)).rejects.toBeInstanceOf(TypeError);
    expect(emu.received).toEqual([]);
  });
});

function nextEventFromEmulator(emu: NonNullable<Harness['emulator']>, method: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (request: { method: string }): void => {
      if (request.method !== method) return;
      emu.off('request', listener);
      resolve();
    };
    emu.on('request', listener);
  });
}
