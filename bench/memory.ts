/**
 * Memory a idle authenticated session holds, against a raw socket that authenticated once. Each side runs in
 * its own fresh child process with `--expose-gc` and reports (heap + external) growth after a full GC / count.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';

export interface MemoryResult {
  readonly bytes: { session: number; raw: number };
  readonly rssBytes: { session: number; raw: number };
}

function runChild(
  url: string,
  count: number,
  kind: 'session' | 'raw',
): Promise<{ bytes: number; rssBytes: number }> {
  const script = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', script, url, String(count), kind],
      { maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as { bytes: number; rssBytes: number });
      },
    );
  });
}

export async function memory(url: string, config: BenchConfig): Promise<MemoryResult> {
  const raw = await runChild(url, config.idleSessions, 'raw');
  const session = await runChild(url, config.idleSessions, 'session');
  return {
    bytes: { session: session.bytes, raw: raw.bytes },
    rssBytes: { session: session.rssBytes, raw: raw.rssBytes },
  };
}
