/**
 * The smaller items of issue 18 (item 10): graceful shutdown validates its options and survives a throwing
 * `onEvent`; a call made from a `disconnected` listener waits for the reconnect; many calls on one AbortSignal
 * raise no MaxListenersExceededWarning; a non-numeric error code is no NaN; timeouts read in whole ms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  installGracefulShutdown,
  MalformedResponseError,
  RequestTimeoutError,
  RpcError,
} from '../../src/index.js';
import { Harness, nextEvent } from '../helpers/harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('installGracefulShutdown', () => {
  it.each([0, -1, Number.NaN, '5000'])('refuses timeout %s', (timeout) => {
    expect(() => installGracefulShutdown([], { timeout: timeout as number })).toThrow(InvalidArgumentError);
  });

  it('refuses unknown signals and an onEvent that is not a function', () => {
    expect(() => installGracefulShutdown([], { signals: ['SIGKILL' as 'SIGINT'] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => installGracefulShutdown([], { onEvent: 'log' as never })).toThrow(InvalidArgumentError);
  });

  it('an onEvent that throws stops neither the logout nor the exit', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    let code: number | undefined;
    const exited = new Promise<void>((resolve) => {
      const uninstall = installGracefulShutdown([session], {
        signals: ['SIGUSR2'],
        exit: (c) => {
          code = c;
          uninstall();
          resolve();
        },
        onEvent: () => {
          throw new Error('a broken log line');
        },
      });
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await exited;
    expect(code).toBe(0);
    expect(emu.received.map((m) => m.method)).toContain('private/logout');
    expect(session.state).toBe('closed');
  });
});

describe('calls at odd moments', () => {
  it('a call made from a disconnected listener waits for the reconnect and is sent then', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    const fromListener = new Promise<unknown>((resolve) => {
      session.once('disconnected', () => resolve(session.call('public/test').catch((e: unknown) => e)));
    });
    emu.dropConnections();
    expect(await fromListener).toEqual({ version: expect.any(String) });
  });

  it('a hundred calls sharing one AbortSignal raise no MaxListenersExceededWarning', async () => {
    await h.start();
    const session = h.session();
    await session.connect();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const calls = Array.from({ length: 100 }, () =>
        session.call('public/test', undefined, { signal: controller.signal }),
      );
      await Promise.all(calls);
      const aborted = Array.from({ length: 20 }, () =>
        session.call('public/test', undefined, { signal: controller.signal }).catch((e: unknown) => e),
      );
      controller.abort(new Error('stop'));
      expect((await Promise.all(aborted)).every((e) => e instanceof Error && e.message === 'stop')).toBe(
        true,
      );
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

describe('error details', () => {
  it('a code that is no number makes a MalformedResponseError, never a NaN code; numeric strings are read', () => {
    expect(RpcError.fromWire('private/buy', { code: 'abc', message: 'x' })).toBeInstanceOf(
      MalformedResponseError,
    );
    expect(RpcError.fromWire('private/buy', { code: '13009', message: 'unauthorized' })).toMatchObject({
      code: 13009,
    });
  });

  it('timeouts read in whole milliseconds', () => {
    expect(new RequestTimeoutError('public/test', 299.997525).message).toBe(
      'public/test got no response within 300 ms; it may or may not have been processed',
    );
    expect(new RequestTimeoutError('public/test', 4999.4, true).message).toMatch(/within 4999 ms/);
  });
});

describe('status() inside listeners', () => {
  it('is current in the authenticated listener of a reconnect: no attempt, no last error', async () => {
    const emu = await h.start();
    const session = h.session();
    await session.connect();
    emu.failNext('public/auth', 1, { code: 11094 });
    const seen = new Promise<ReturnType<typeof session.status>>((resolve) =>
      session.once('authenticated', () => resolve(session.status())),
    );
    const retried = nextEvent(session, 'reconnecting');
    emu.dropConnections();
    await retried;
    expect(await seen).toMatchObject({ state: 'authenticated', attempt: 0, lastError: undefined });
  });
});
