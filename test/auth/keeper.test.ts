/**
 * The token keeper against a fake of its narrow links (the session context, the socket, the loop) on fake time:
 * when it refreshes, what it does when a refresh fails or never answers, how it treats `13009`s of old and
 * current token generations, and what a child's token request waits for. No socket, no real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Grant } from '../../src/auth/grants.js';
import { type KeeperLink, type KeeperSocket, TokenKeeper } from '../../src/auth/keeper.js';
import { AuthThrottle } from '../../src/auth/throttle.js';
import { RpcError } from '../../src/errors/errors.js';
import { createMetricsPublisher } from '../../src/metrics/publisher.js';
import { resolveOptions } from '../../src/options/options.js';
import type { SessionContext } from '../../src/session/context.js';
import type { SessionEvents, WarningEvent } from '../../src/session/events.js';
import { type SessionState, type TransitionReason, transition } from '../../src/session/state.js';

type Answer = (params: Record<string, unknown>) => unknown;

/** A socket whose requests the test answers: `answers[method]` returns a result, throws, or `'hang'`. */
class FakeSocket implements KeeperSocket {
  readonly controller = new AbortController();
  authenticated = false;
  readonly sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  readonly answers = new Map<string, Answer>();
  dropped: string | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  request(method: string, params: object | undefined, options: { signal?: AbortSignal | undefined }) {
    const p = (params ?? {}) as Record<string, unknown>;
    this.sent.push({ method, params: p });
    const answer = this.answers.get(method);
    if (answer === undefined) return Promise.reject(new Error(`no answer for ${method}`));
    return new Promise<unknown>((resolve, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      try {
        const result = answer(p);
        if (result !== 'hang') resolve(result);
      } catch (error) {
        reject(error);
      }
    });
  }

  drop(reason: TransitionReason): void {
    this.dropped = reason;
    this.controller.abort(new Error(reason));
  }

  grants(): unknown[] {
    return this.sent.filter((r) => r.method === 'public/auth').map((r) => r.params['grant_type']);
  }
}

let counter = 0;
/** A `public/auth` answer echoing the request's state. */
const tokensFor =
  (expiresIn: number): Answer =>
  (params) => {
    counter += 1;
    return {
      access_token: `a${counter}`,
      refresh_token: `r${counter}`,
      expires_in: expiresIn,
      scope: 'session:k trade:read_write',
      state: params['state'],
    };
  };

class FakeContext implements SessionContext {
  readonly options = resolveOptions({
    url: 'ws://127.0.0.1:1/ws/api/v2',
    credentials: { clientId: 'id', clientSecret: 'secret' },
    grant: 'client_credentials',
    refresh: { jitter: 0 },
  });
  readonly metrics = createMetricsPublisher('keeper-test');
  state: SessionState = 'authenticated';
  readonly states: Array<[SessionState, TransitionReason]> = [];
  readonly events: Array<keyof SessionEvents> = [];
  readonly reported: Error[] = [];

  setState(to: SessionState, reason: TransitionReason): void {
    transition(this.state, to, reason);
    this.state = to;
    this.states.push([to, reason]);
  }
  emit<K extends keyof SessionEvents>(event: K): void {
    this.events.push(event);
  }
  report(error: Error): void {
    this.reported.push(error);
  }
  warn(_warning: WarningEvent): void {}
  log(): void {}
}

let ctx: FakeContext;
let socket: FakeSocket;
let keeper: TokenKeeper<FakeSocket>;
let reauths: Grant[];

function link(): KeeperLink<FakeSocket> {
  return {
    current: () => socket,
    fail: (error) => {
      throw error;
    },
    reauthenticated: async (_life, grant) => {
      reauths.push(grant);
      ctx.setState('authenticated', 'auth-ok');
    },
  };
}

/** Authenticate on the fake socket with tokens of `expiresIn` s. */
async function authenticated(expiresIn: number): Promise<void> {
  socket.answers.set('public/auth', tokensFor(expiresIn));
  ctx.state = 'authenticating';
  await keeper.authenticate(socket);
  ctx.state = 'authenticated';
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  ctx = new FakeContext();
  socket = new FakeSocket();
  reauths = [];
  keeper = new TokenKeeper(ctx, link(), undefined);
});

afterEach(() => {
  keeper.dispose();
  vi.useRealTimers();
});

describe('TokenKeeper: the refresh', () => {
  it('refreshes at the earlier of 80 % of the life and 60 s before expiry, and adopts the new pair', async () => {
    await authenticated(900);
    expect(keeper.generation).toBe(1);
    await vi.advanceTimersByTimeAsync(720_000 - 1);
    expect(socket.grants()).toEqual(['client_credentials']);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.grants()).toEqual(['client_credentials', 'refresh_token']);
    expect(socket.sent.at(-1)?.params['refresh_token']).toBe('r1');
    expect(ctx.states).toEqual([
      ['refreshing', 'refresh-due'],
      ['authenticated', 'refresh-ok'],
    ]);
    expect(ctx.events).toContain('refreshed');
    expect(keeper.generation).toBe(2);
  });

  it('a transient refresh failure is retried within a second, on the same life', async () => {
    await authenticated(900);
    let failures = 1;
    const answer = tokensFor(900);
    socket.answers.set('public/auth', (params) => {
      if (failures-- > 0) throw new RpcError('public/auth', 11094, 'internal_server_error');
      return answer(params);
    });
    await vi.advanceTimersByTimeAsync(720_000);
    expect(ctx.states.at(-1)).toEqual(['authenticated', 'refresh-failed']);
    expect(ctx.reported).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctx.states.at(-1)).toEqual(['authenticated', 'refresh-ok']);
    expect(keeper.generation).toBe(2);
  });

  it('a refresh that never answers gives way at the expiry guard: calls stop, the credentials re-authenticate', async () => {
    await authenticated(10); // refresh at 5 s (minRatio), the guard at 10 s − 0.5 s
    const fresh = tokensFor(10);
    socket.answers.set('public/auth', (params) =>
      params['grant_type'] === 'refresh_token' ? 'hang' : fresh(params),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(ctx.state).toBe('refreshing');
    await vi.advanceTimersByTimeAsync(4499);
    expect(ctx.state).toBe('refreshing');
    await vi.advanceTimersByTimeAsync(1);
    expect(ctx.states.map(([to, reason]) => `${to}:${reason}`)).toEqual([
      'refreshing:refresh-due',
      'authenticating:token-expired',
      'authenticated:auth-ok',
    ]);
    expect(socket.grants()).toEqual(['client_credentials', 'refresh_token', 'client_credentials']);
    expect(reauths).toEqual(['client_credentials']);
  });

  it('timers end with the socket’s life', async () => {
    await authenticated(900);
    socket.controller.abort(new Error('gone'));
    await vi.advanceTimersByTimeAsync(2_000_000);
    expect(socket.grants()).toEqual(['client_credentials']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('TokenKeeper: 13009 to a private call', () => {
  it('re-authenticates in place for the current generation only; an older one starts nothing', async () => {
    await authenticated(900);
    keeper.onUnauthorized(socket, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(ctx.states.map(([to, reason]) => `${to}:${reason}`)).toEqual([
      'authenticating:unauthorized',
      'authenticated:auth-ok',
    ]);
    expect(keeper.generation).toBe(2);
    keeper.onUnauthorized(socket, 1); // late: sent under the first pair
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.grants()).toEqual(['client_credentials', 'refresh_token']); // no second re-auth
    expect(ctx.states).toHaveLength(2);
  });

  it('a repeat within 30 s backs off before it re-authenticates', async () => {
    await authenticated(900);
    keeper.onUnauthorized(socket, keeper.generation);
    await vi.advanceTimersByTimeAsync(0);
    const before = socket.grants().length;
    keeper.onUnauthorized(socket, keeper.generation);
    await vi.advanceTimersByTimeAsync(499); // the default minTimeout is 500 ms (× a jitter in [1, 2))
    expect(socket.grants()).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.grants()).toHaveLength(before + 1);
  });

  it('at most 3 auth requests a second, whatever happens', async () => {
    const throttle = new AuthThrottle();
    const done: number[] = [];
    const start = performance.now();
    const waits = Array.from({ length: 5 }, (_, i) =>
      throttle.wait(new AbortController().signal, () => {}).then(() => done.push(i)),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(waits);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(performance.now() - start).toBe(1000);
  });
});

describe('TokenKeeper: tokens for children', () => {
  it('issue() waits for a refresh in flight and uses the refresh token it brought', async () => {
    await authenticated(900);
    let answerRefresh: (() => void) | undefined;
    const fresh = tokensFor(900);
    socket.answers.set('public/auth', (params) => {
      if (params['grant_type'] !== 'refresh_token') return fresh(params);
      return new Promise((resolve) => {
        answerRefresh = () => resolve(fresh(params));
      });
    });
    socket.answers.set('public/fork_token', tokensFor(900));
    await vi.advanceTimersByTimeAsync(720_000);
    expect(ctx.state).toBe('refreshing');
    const issued = keeper.issue('public/fork_token', (refreshToken) => ({ refresh_token: refreshToken }));
    await vi.advanceTimersByTimeAsync(10);
    expect(socket.sent.map((r) => r.method)).not.toContain('public/fork_token');
    answerRefresh?.();
    await issued;
    const fork = socket.sent.find((r) => r.method === 'public/fork_token');
    expect(fork?.params['refresh_token']).toBe(`r${counter - 1}`); // the refresh's pair, not the spent one
  });
});
