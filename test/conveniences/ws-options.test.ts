/**
 * `wsOptions`: Node `ws` client options passed through to the socket (headers, local address, agent, …),
 * while `maxPayload` and `perMessageDeflate` stay the session's own options.
 */
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

/** An `http.Agent` that counts the connections it makes. */
class CountingAgent extends Agent {
  connections = 0;

  override createConnection(
    ...args: Parameters<Agent['createConnection']>
  ): ReturnType<Agent['createConnection']> {
    this.connections += 1;
    return super.createConnection(...args);
  }
}

describe('wsOptions', () => {
  it('headers and origin go on the upgrade request, on every reconnect too', async () => {
    const hostile = await h.startHostile();
    const session = h.session({
      url: hostile.url,
      wsOptions: {
        headers: { 'X-Desk': 'mm-eu', 'User-Agent': 'my-bot/1.2' },
        origin: 'https://desk.example',
      },
    });
    await session.connect();
    const back = nextEvent(session, 'authenticated');
    hostile.peers[0]?.terminate();
    await back;
    expect(hostile.peers).toHaveLength(2);
    for (const peer of hostile.peers) {
      expect(peer.headers['x-desk']).toBe('mm-eu');
      expect(peer.headers['user-agent']).toBe('my-bot/1.2');
      expect(peer.headers.origin).toBe('https://desk.example');
    }
  });

  it("localAddress: '127.0.0.1' connects, and another loopback address is the one the server sees", async () => {
    const hostile = await h.startHostile();
    const plain = h.session({ url: hostile.url, wsOptions: { localAddress: '127.0.0.1', family: 4 } });
    await plain.connect();
    expect(hostile.peers[0]?.remoteAddress).toBe('127.0.0.1');
    const other = h.session({ url: hostile.url, wsOptions: { localAddress: '127.0.0.2' } });
    await other.connect();
    expect(hostile.peers[1]?.remoteAddress).toBe('127.0.0.2');
  });

  it('an agent makes the connections, a new one for every reconnect', async () => {
    const hostile = await h.startHostile();
    const agent = new CountingAgent();
    const session = h.session({ url: hostile.url, wsOptions: { agent } });
    await session.connect();
    expect(agent.connections).toBe(1);
    const back = nextEvent(session, 'authenticated');
    hostile.peers[0]?.terminate();
    await back;
    expect(agent.connections).toBe(2);
    agent.destroy();
  });

  it('an agent that fails to connect fails the attempt with its error', async () => {
    const hostile = await h.startHostile();
    class RefusingAgent extends Agent {
      override createConnection(): Socket {
        throw new Error('proxy refused the tunnel');
      }
    }
    const session = h.session({
      url: hostile.url,
      reconnect: false,
      wsOptions: { agent: new RefusingAgent() },
    });
    await expect(session.connect()).rejects.toThrow('proxy refused the tunnel');
    expect(hostile.peers).toHaveLength(0);
  });

  it('maxPayload and perMessageDeflate are refused inside wsOptions, and work at the top level', async () => {
    for (const key of ['maxPayload', 'perMessageDeflate']) {
      let thrown: unknown;
      try {
        h.session({ url: 'ws://127.0.0.1:1/ws/api/v2', wsOptions: { [key]: 1 } as never });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidArgumentError);
      expect(thrown).toMatchObject({ argument: `wsOptions.${key}` });
    }

    const hostile = await h.startHostile(undefined, { perMessageDeflate: true });
    const plain = h.session({ url: hostile.url });
    await plain.connect();
    expect(hostile.peers[0]?.headers['sec-websocket-extensions']).toBeUndefined();
    const deflating = h.session({
      url: hostile.url,
      perMessageDeflate: true,
      wsOptions: { headers: { 'X-A': '1' } },
    });
    await deflating.connect();
    expect(hostile.peers[1]?.headers['sec-websocket-extensions']).toContain('permessage-deflate');
    expect(hostile.peers[1]?.headers['x-a']).toBe('1');

    const small = h.session({
      url: hostile.url,
      maxPayload: 1024,
      reconnect: false,
      wsOptions: { headers: {} },
    });
    await small.connect();
    const dropped = nextEvent(small, 'disconnected');
    hostile.peers[2]?.send({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: 'x', data: 'y'.repeat(2048) },
    });
    await dropped;
    expect((await hostile.closedPeer(3)).closed?.code).toBe(1009); // the client refused the frame: too big
  });
});
