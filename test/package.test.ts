/**
 * What `npm publish` would ship. It builds `dist/` first (a fresh clone has none), then asks npm itself
 * for the tarball listing with `npm pack --dry-run --json`, so the `files` field, npm's always-included
 * files and any ignore files are all taken into account exactly as a publish would.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Files npm adds to every tarball when they exist; everything else must come from `dist/`. */
const ALWAYS_INCLUDED = new Set(['package.json', 'README.md', 'LICENSE']);
const REQUIRED = [
  'package.json',
  'LICENSE',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/testing/index.js',
  'dist/testing/index.d.ts',
];

interface PackEntry {
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

type ExportTarget = string | { readonly [condition: string]: ExportTarget };

interface PackageJson {
  readonly main?: string;
  readonly types?: string;
  readonly exports: Readonly<Record<string, ExportTarget>>;
}

let packed: string[] = [];
let manifest: PackageJson;

function targets(target: ExportTarget): string[] {
  return typeof target === 'string' ? [target] : Object.values(target).flatMap(targets);
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 180_000 });
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const entries = JSON.parse(stdout) as PackEntry[];
  expect(entries).toHaveLength(1);
  packed = (entries[0]?.files ?? []).map((file) => file.path).sort();
  manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;
}, 240_000);

describe('the published package', () => {
  it('holds only dist/**, README.md, LICENSE and package.json', () => {
    const stray = packed.filter((path) => !path.startsWith('dist/') && !ALWAYS_INCLUDED.has(path));
    expect(stray).toEqual([]);
  });

  it('holds both entry points, with their type declarations', () => {
    for (const path of REQUIRED) expect(packed).toContain(path);
  });

  it('ships every file that main, types and exports point to', () => {
    const pointed = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.exports).flatMap((target) => targets(target)),
    ]
      .filter((path): path is string => path !== undefined)
      .map((path) => path.replace(/^\.\//, ''));
    expect(pointed.length).toBeGreaterThan(0);
    for (const path of pointed) expect(packed).toContain(path);
  });
});
