import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { MAX_FRAME_BYTES } from '../../src/testing/index.js';
import { ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { Envelope, RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

/** Send `frame` and return the id-less answer it gets. */
async function answerTo(
  client: RawClient,
  frame: unknown,
  options: { binary?: boolean } = {},
): Promise<Envelope> {
  client.send(frame, options);
  const envelope = await client.nextOrphan();
  expect(envelope).not.toHaveProperty('id');
  expect(envelope.result).toBeUndefined();
  expect(envelope).toMatchObject({ jsonrpc: '2.0', testnet: true, usIn: expect.any(Number) });
  return envelope;
}

describe('oversize and malformed frames (-32600 without an id, as Deribit)', () => {
  it('a frame over 32 kB → {code: -32600, message: "request entity too large"}, no id, no data', async () => {
    await fx.start();
    const client = await fx.client();
    expect(MAX_FRAME_BYTES).toBe(32_768);
    // A readable id does not help: Deribit does not echo it.
    const big = { jsonrpc: '2.0', id: 'big', method: 'public/test', params: { pad: 'x'.repeat(33_000) } };
    expect((await answerTo(client, big)).error).toEqual({
      code: -32600,
      message: 'request entity too large',
    });
    expect((await answerTo(client, 'y'.repeat(40_000))).error?.message).toBe('request entity too large');
    // Just under the limit is served.
    const fits = await client.call('public/test', { pad: 'x'.repeat(MAX_FRAME_BYTES - 100) });
    expect(ok(fits)).toMatchObject({ version: expect.any(String) });
  });

  it('maxFrameBytes sets the limit', async () => {
    await fx.start({ maxFrameBytes: 1000 });
    const client = await fx.client();
    const over = { jsonrpc: '2.0', id: 1, method: 'public/test', params: { pad: 'x'.repeat(1000) } };
    expect((await answerTo(client, over)).error?.code).toBe(ErrorCode.invalidRequest);
    ok(await client.call('public/test', { pad: 'x'.repeat(900) }));
  });

  it('maxFrameBytes above 1 MiB still answers instead of closing the socket', async () => {
    await fx.start({ maxFrameBytes: 2_000_000 });
    const client = await fx.client();
    ok(await client.call('public/test', { pad: 'x'.repeat(1_500_000) }));
    expect((await answerTo(client, 'z'.repeat(2_000_001))).error?.message).toBe('request entity too large');
  });

  it('unparsable text and binary frames → -32600 without an id or data; the socket keeps serving', async () => {
    await fx.start();
    const client = await fx.client();
    for (const garbage of ['{not json', '', '{"id":1,']) {
      expect((await answerTo(client, garbage)).error).toEqual({ code: -32600, message: 'Invalid Request' });
    }
    const binary = Buffer.from('{"jsonrpc":"2.0","id":3,"method":"public/test"}');
    expect((await answerTo(client, binary, { binary: true })).error?.code).toBe(-32600);
    ok(await client.call('public/test'));
  });

  it('JSON the server cannot read as a JSON-RPC call → 11050 bad_request without an id or data', async () => {
    await fx.start();
    const client = await fx.client();
    const badRequest = { code: ErrorCode.badRequest, message: 'bad_request' };
    for (const frame of ['[1,2]', '42', 'null', '"x"']) {
      expect((await answerTo(client, frame)).error).toEqual(badRequest);
    }
    for (const id of [{ nested: true }, 1.5, true]) {
      expect((await answerTo(client, { jsonrpc: '2.0', id, method: 'public/test' })).error).toEqual(
        badRequest,
      );
    }
    // A readable id does not help: the answer to an unreadable call has none.
    expect((await answerTo(client, { jsonrpc: '2.0', id: 'no-method' })).error).toEqual(badRequest);
    ok(await client.call('public/test'));
  });
});
