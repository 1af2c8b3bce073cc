import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, type DeribitEmulator } from '../../src/testing/index.js';
import { Harness } from '../helpers/harness.js';

const h = new Harness();
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await h.cleanup();
});

const script = fileURLToPath(new URL('../fixtures/shutdown-child.ts', import.meta.url));

interface Run {
  readonly lines: string[];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
}

function start(emu: DeribitEmulator, timeout: number): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      EMULATOR_URL: emu.url,
      CLIENT_ID: DEFAULT_ACCOUNT.clientId,
      CLIENT_SECRET: DEFAULT_ACCOUNT.clientSecret,
      SHUTDOWN_TIMEOUT: String(timeout),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  const lines: string[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  proc.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (line.startsWith('ready')) markReady();
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { lines, ready, exited };
}

describe('graceful shutdown', () => {
  it('SIGTERM logs out two sessions and a fork in parallel, then exits 0 within the deadline', async () => {
    const emu = await h.start();
    const logouts: number[] = [];
    emu.on('logout', ({ connectionId, invalidateToken }) => {
      if (invalidateToken) logouts.push(connectionId);
    });
    const run = start(emu, 3000);
    await run.ready;
    expect(run.lines).toContain('ready authenticated');
    expect(emu.connectionCount).toBe(3);
    const signalledAt = Date.now();
    child?.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(3000);
    expect(new Set(logouts).size).toBe(3);
    expect(emu.sessionsOf(DEFAULT_ACCOUNT.clientId)).toEqual([]);
    expect(run.lines.map((line) => (line.startsWith('{') ? JSON.parse(line).type : line))).toEqual([
      'ready authenticated',
      'signal',
      'done',
    ]);
    expect(JSON.parse(run.lines[2] ?? '{}')).toEqual({
      type: 'done',
      loggedOut: 3,
      unconfirmed: 0,
      timedOut: false,
    });
  }, 20_000);

  it('exits 1 at the deadline when the server does not confirm, and a second signal exits at once', async () => {
    const emu = await h.start();
    const run = start(emu, 10_000);
    await run.ready;
    emu.freeze();
    child?.kill('SIGTERM');
    await expect.poll(() => run.lines.some((line) => line.includes('"signal"'))).toBe(true);
    const second = Date.now();
    child?.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - second).toBeLessThan(2000);
  }, 20_000);

  it('gives up at the deadline with exit code 1', async () => {
    const emu = await h.start();
    const run = start(emu, 300);
    await run.ready;
    emu.freeze();
    const signalledAt = Date.now();
    child?.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(3000);
  }, 20_000);
});
