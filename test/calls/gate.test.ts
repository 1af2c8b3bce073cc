/**
 * The call gate against a fake of its narrow links (the context, the socket, the loop and keeper) on fake time:
 * what waits, for how long, what is sent and under which token generation. No socket, no real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallGate, type GateLink, type GateSocket } from '../../src/calls/gate.js';
import type { PlatformGate } from '../../src/calls/platform.js';
import {
  NotConnectedError,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from '../../src/errors/errors.js';
import { createMetricsPublisher } from '../../src/metrics/publisher.js';
import { resolveOptions } from '../../src/options/options.js';
import type { SessionContext } from '../../src/session/context.js';
import type { SessionState } from '../../src/session/state.js';

class FakeSocket implements GateSocket {
  readonly calls: Array<{ method: string; timeout: number }> = [];
  answer: (method: string) => Promise<unknown> = () => Promise.resolve('ok');
  readonly rpc = {
    serverOffset: 0,
    usDiff: undefined,
    call: (method: string, _params: object | undefined, timeout: number): Promise<unknown> => {
      this.calls.push({ method, timeout });
      return this.answer(method);
    },
  };
}

let state: SessionState;
let connecting: boolean;
let generation: number;
let socket: FakeSocket;
let unauthorized: Array<[FakeSocket, number]>;
let gate: CallGate<FakeSocket>;

const ctx = {
  metrics: createMetricsPublisher('gate-test'),
  options: resolveOptions({
    url: 'ws://127.0.0.1:1/ws/api/v2',
    credentials: { clientId: 'i', clientSecret: 's' },
  }),
  get state() {
    return state;
  },
} as unknown as SessionContext;

const link: GateLink<FakeSocket> = {
  ready: () => (state === 'authenticated' || state === 'refreshing' ? socket : undefined),
  connecting: () => connecting,
  generation: () => generation,
  onUnauthorized: (life, g) => unauthorized.push([life, g]),
  lost: () => {},
  governor: () => undefined,
  tooManyRequests: () => {},
  ordering: () => {},
  platformGate: () => ({ locked: false }) as PlatformGate,
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  state = 'authenticated';
  connecting = true;
  generation = 1;
  socket = new FakeSocket();
  unauthorized = [];
  gate = new CallGate(ctx, link);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('CallGate', () => {
  it('sends at once on a ready session, with the request timeout', async () => {
    await expect(gate.call('public/test', undefined, undefined)).resolves.toBe('ok');
    expect(socket.calls).toEqual([{ method: 'public/test', timeout: 30_000 }]);
  });

  it('holds a call while not ready, at most maxWait, then rejects it unsent and never sends it', async () => {
    state = 'authenticating';
    const call = gate.call('private/buy', {}, { maxWait: 200 });
    const outcome = call.catch((error: unknown) => error);
    expect(gate.size).toBe(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(gate.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ sent: false });
    expect(gate.size).toBe(0);
    state = 'authenticated';
    gate.open();
    expect(socket.calls).toEqual([]);
  });

  it('sends a held call once the gate opens, with what is left of its timeout', async () => {
    state = 'authenticating';
    const call = gate.call('public/test', undefined, { timeout: 1000 });
    await vi.advanceTimersByTimeAsync(300);
    state = 'authenticated';
    gate.open();
    await expect(call).resolves.toBe('ok');
    expect(socket.calls).toEqual([{ method: 'public/test', timeout: 700 }]);
  });

  it('maxWait 0 rejects at once when not ready; NotConnectedError when nothing is connecting', async () => {
    state = 'connecting';
    await expect(gate.call('public/test', undefined, { maxWait: 0 })).rejects.toMatchObject({ sent: false });
    state = 'disconnected';
    connecting = false;
    await expect(gate.call('public/test', undefined, {})).rejects.toBeInstanceOf(NotConnectedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stamps each private call with the generation it was sent under', async () => {
    let refuse: ((error: unknown) => void) | undefined;
    socket.answer = () =>
      new Promise((_resolve, reject) => {
        refuse = reject;
      });
    const call = gate.call('private/get_positions', {}, undefined).catch(() => {});
    generation = 2; // a re-auth happened while the call was in flight
    refuse?.(new RpcError('private/get_positions', 13009, 'unauthorized'));
    await call;
    expect(unauthorized).toEqual([[socket, 1]]);
  });

  it('leaves a call with its own access_token, and public calls, to the caller', async () => {
    socket.answer = () => Promise.reject(new RpcError('m', 13009, 'unauthorized'));
    await gate.call('private/get_positions', { access_token: 'theirs' }, undefined).catch(() => {});
    await gate.call('public/get_time', undefined, undefined).catch(() => {});
    expect(unauthorized).toEqual([]);
  });

  it('fail() gives connect() callers the fatal error and calls a SessionClosedError', async () => {
    state = 'authenticating';
    const connect = gate.waitForConnect({ timeout: Number.POSITIVE_INFINITY }).catch((e: unknown) => e);
    const call = gate.call('public/test', undefined, {}).catch((e: unknown) => e);
    expect(gate.hasConnectWaiter).toBe(true);
    const fatal = new Error('bad key');
    gate.fail(fatal, new SessionClosedError());
    expect(await connect).toBe(fatal);
    expect(await call).toBeInstanceOf(SessionClosedError);
    expect(gate.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
