/**
 * A real `redis-server` for the Redis store's tests, on a free loopback port, with no persistence. Tests that
 * need it use `describe.skipIf(!hasRedisServer)` and say so on the console when it is missing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** Whether `redis-server` can be run here. */
export const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Print, once per file, that the Redis tests did not run (so a green run never hides them). */
export function warnIfSkipped(what: string): void {
  if (hasRedisServer) return;
  console.warn(
    `SKIPPED: ${what}: redis-server is not installed (Debian: apt-get install redis-server; .ci/run does it)`,
  );
}

/** A running server. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolve once the server says it is ready; reject with its output if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (): void => reject(new Error(`redis-server exited:\n${output}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Start `redis-server` on 127.0.0.1 and a free port (tried again on another port if that one got taken). */
export async function startRedisServer(): Promise<RedisServer> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await ready(child);
    } catch (error) {
      if (attempt >= 3) throw error;
      continue;
    }
    child.stdout?.resume();
    child.stderr?.resume();
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      },
    };
  }
}
