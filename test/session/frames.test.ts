import { afterEach, describe, expect, it } from 'vitest';
import { DeribitSession, InvalidArgumentError, MAX_REQUEST_BYTES, RpcError } from '../../src/index.js';
import { deribitLike, HostileServer } from '../helpers/hostile-server.js';

let server: HostileServer | undefined;
const sessions: DeribitSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await server?.close();
  server = undefined;
});

async function connected(): Promise<DeribitSession> {
  if (!server) throw new Error('start the server first');
  const s = new DeribitSession({
    url: server.url,
    credentials: { clientId: 'id', clientSecret: 'secret' },
    heartbeat: false,
    liveness: false,
  });
  sessions.push(s);
  await s.connect();
  return s;
}

/** Deribit answers an oversize or unparsable request with -32600 and no id. */
const idless = { jsonrpc: '2.0', error: { code: -32600, message: 'request entity too large' } };

describe('frames Deribit cannot take', () => {
  it('a request over the 32 kB frame limit rejects at once, unsent', async () => {
    server = await HostileServer.start();
    const s = await connected();
    const before = server.received.length;
    const call = s.call('public/echo' as string, { blob: 'x'.repeat(MAX_REQUEST_BYTES) });
    await expect(call).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(call).rejects.toThrow(/was not sent.*32768-byte limit/);
    // Multi-byte characters count as bytes, not UTF-16 units.
    await expect(
      s.call('public/echo' as string, { blob: 'é'.repeat(MAX_REQUEST_BYTES / 2) }),
    ).rejects.toThrow(/not sent/);
    await expect(s.call('public/test')).resolves.toEqual({ version: 'hostile' });
    expect(server.received.length - before).toBe(1);
  });

  it('an id-less error right after one request rejects that request, not its timeout', async () => {
    server = await HostileServer.start((request, peer) => {
      if (request.method === 'public/odd') peer.send(idless);
      else deribitLike(request, peer);
    });
    const s = await connected();
    const call = s.call('public/odd' as string, {}, { timeout: 30_000 });
    await expect(call).rejects.toBeInstanceOf(RpcError);
    await expect(call).rejects.toMatchObject({ code: -32600, method: 'public/odd' });
    expect(s.state).toBe('authenticated');
  });

  it('with several requests outstanding an id-less error cannot be matched: it is reported, not guessed', async () => {
    let held = 0;
    server = await HostileServer.start((request, peer) => {
      if (request.method === 'public/slow') {
        held += 1;
        if (held === 2) peer.send(idless);
        return; // never answered
      }
      deribitLike(request, peer);
    });
    const s = await connected();
    const reported = new Promise<Error>((resolve) => s.once('error', resolve));
    const first = s.call('public/slow' as string, {}, { timeout: 300 });
    const second = s.call('public/slow' as string, {}, { timeout: 300 });
    // Neither is guessed: both end by their own timeout (outcome unknown), and the error is reported.
    const timedOut = { code: 'REQUEST_TIMEOUT', sent: true };
    const ends = Promise.all([
      expect(first).rejects.toMatchObject(timedOut),
      expect(second).rejects.toMatchObject(timedOut),
    ]);
    expect(await reported).toMatchObject({ code: -32600 });
    await ends;
  });
});
