/**
 * The library under test, as users run it: src/ compiled to plain ES2022 JavaScript with esbuild (into
 * .tmp/bench-lib, once a run), not through tsx — tsx compiles with `keepNames`, which adds a
 * `defineProperty(fn, 'name')` to every named closure and would inflate memory and CPU figures.
 * Child processes inherit the built copy through DERIBIT_BENCH_LIB.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type * as RedisStore from '../src/calls/credits/redis-store.js';
import type * as Library from '../src/index.js';
import type * as Testing from '../src/testing/index.js';

let dir = process.env['DERIBIT_BENCH_LIB'];
if (dir === undefined) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  dir = join(root, '.tmp', 'bench-lib');
  buildSync({
    entryPoints: [join(root, 'src', '**', '*.ts')],
    outdir: dir,
    outbase: join(root, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'error',
  });
  process.env['DERIBIT_BENCH_LIB'] = dir;
}

export const library = (await import(pathToFileURL(join(dir, 'index.js')).href)) as typeof Library;
export const testing = (await import(pathToFileURL(join(dir, 'testing', 'index.js')).href)) as typeof Testing;

/** The Redis credit store (`deribit-session/redis`) from the built copy, loaded only where it is used. */
export async function redisStoreModule(): Promise<typeof RedisStore> {
  return (await import(
    pathToFileURL(join(dir as string, 'calls', 'credits', 'redis-store.js')).href
  )) as typeof RedisStore;
}
