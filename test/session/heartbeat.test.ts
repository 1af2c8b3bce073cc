import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('heartbeats', () => {
  it('sets the heartbeat on every (re)connect and answers test_request, so the server keeps the socket', async () => {
    const emu = await h.start({ minHeartbeatInterval: 0.05 });
    const session = h.session({ heartbeat: { interval: 0.05 } });
    await session.connect();
    let testRequests = 0;
    await new Promise<void>((resolve) => {
      const onBeat = ({ type }: { type: string }): void => {
        if (type === 'test_request' && ++testRequests >= 5) {
          emu.off('heartbeat', onBeat);
          resolve();
        }
      };
      emu.on('heartbeat', onBeat);
    });
    expect(emu.connectionCount).toBe(1);
    expect(session.state).toBe('authenticated');
    expect(emu.received.filter((m) => m.method === 'public/test').length).toBeGreaterThanOrEqual(4);
    expect(emu.received.find((m) => m.method === 'public/set_heartbeat')?.params).toEqual({ interval: 0.05 });
  });

  it('without liveness probes, detects a half-dead socket (server stops answering) by heartbeat silence and reconnects', async () => {
    const emu = await h.start({ minHeartbeatInterval: 0.05 });
    const session = h.session({ heartbeat: { interval: 0.05 }, liveness: false });
    await session.connect();
    const dead = nextEvent(session, 'state', (s) => s.reason === 'heartbeat-timeout');
    const back = nextEvent(session, 'authenticated');
    emu.freeze();
    expect(await dead).toMatchObject({ from: 'authenticated', to: 'disconnected' });
    await back;
    expect(session.state).toBe('authenticated');
    await expect(session.call('public/test')).resolves.toBeTruthy();
  });
});
