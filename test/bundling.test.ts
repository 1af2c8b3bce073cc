/**
 * The README's bundling recipes, built for real and run: esbuild ESM for Node (where `ws`, a CommonJS package,
 * needs `--packages=external` or a `createRequire` banner), and a Vite browser build whose size the README quotes.
 * Builds go under `node_modules/.cache/`, so the packages left external resolve as in a user's project.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = join(ROOT, 'test', 'fixtures', 'bundled-app.ts');
const BROWSER_APP = join(ROOT, 'test', 'browser', 'entry.ts');
/** As a user's project resolves the package once installed. */
const PACKAGE_ALIAS = {
  'deribit-session': join(ROOT, 'src', 'index.ts'),
  'deribit-session/testing': join(ROOT, 'src', 'testing', 'index.ts'),
};
/** The README's budget for a browser app's bundle, gzipped. */
const BROWSER_GZIP_BUDGET = 45 * 1024;
const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

let dir = '';

beforeAll(async () => {
  await mkdir(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  dir = await mkdtemp(join(ROOT, 'node_modules', '.cache', 'bundling-'));
});

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** Bundle the app for Node as ESM with `extra` options; return the output path and the bundled node_modules. */
async function bundleForNode(
  name: string,
  extra: BuildOptions,
): Promise<{ file: string; packages: string[] }> {
  const file = join(dir, `${name}.mjs`);
  const result = await esbuild({
    entryPoints: [APP],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: PACKAGE_ALIAS,
    outfile: file,
    metafile: true,
    logLevel: 'silent',
    ...extra,
  });
  if (result.metafile === undefined) throw new Error('esbuild returned no metafile');
  const inputs = Object.keys(result.metafile.inputs);
  // The library itself is always inside: only its dependencies may stay out.
  expect(inputs).toContain('src/session/session.ts');
  const packages = inputs
    .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((found): found is string => found !== undefined);
  return { file, packages: [...new Set(packages)] };
}

/** Run a built file; resolve with what it printed, or reject with its stderr. */
async function runNode(file: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 20_000 });
  return JSON.parse(stdout);
}

describe('esbuild, ESM for Node', () => {
  it('fails without a recipe: ws is CommonJS and requires Node built-ins', async () => {
    const { file, packages } = await bundleForNode('plain', {});
    expect(packages).toContain('ws');
    await expect(runNode(file)).rejects.toThrow(/Dynamic require of "\w+" is not supported/);
  });

  it('works with --packages=external: dependencies stay in node_modules', async () => {
    const { file, packages } = await bundleForNode('external', { packages: 'external' });
    expect(packages).toEqual([]);
    await expect(runNode(file)).resolves.toEqual({ state: 'authenticated', time: 'number' });
  });

  it('works with a createRequire banner: one file, ws inside', async () => {
    const { file, packages } = await bundleForNode('banner', { banner: { js: BANNER } });
    expect(packages).toContain('ws');
    await expect(runNode(file)).resolves.toEqual({ state: 'authenticated', time: 'number' });
  });
});

describe('Vite, a browser build', () => {
  it(`bundles the session for the browser within ${BROWSER_GZIP_BUDGET / 1024} KiB gzipped, with no ws and no node:`, async () => {
    const output = await vite({
      configFile: false,
      logLevel: 'silent',
      root: ROOT,
      resolve: { alias: PACKAGE_ALIAS },
      build: { write: false, target: 'es2022', minify: true, rollupOptions: { input: BROWSER_APP } },
    });
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) =>
      'output' in result ? result.output.filter((item) => item.type === 'chunk') : [],
    );
    expect(chunks).toHaveLength(1);
    const chunk = chunks[0];
    if (chunk === undefined) throw new Error('Vite produced no chunk');
    const modules = Object.keys(chunk.modules);
    expect(modules.filter((id) => /node_modules\/ws\//.test(id) || id.startsWith('node:'))).toEqual([]);
    expect(modules.some((id) => id.includes('isomorphic-ws/browser.js'))).toBe(true);
    const gzipped = gzipSync(chunk.code, { level: 9 }).length;
    expect(gzipped).toBeLessThan(BROWSER_GZIP_BUDGET);
  });
});
