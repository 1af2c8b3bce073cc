/** Run a TypeScript file in a child Node process (through tsx) and collect what it printed and how it ended. */
import { spawn } from 'node:child_process';

/** How a child process ended: killed (code null) if it had not exited by itself within the deadline. */
export interface ChildResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

/** Run `script` (an absolute path) with `args` and resolve once it exits, or kill it after `deadlineMs`. */
export function runScript(
  script: string,
  deadlineMs = 15_000,
  args: readonly string[] = [],
): Promise<ChildResult> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}
