/**
 * The package as users get it. `dist/` is deleted first, as in a fresh clone, so the tarball proves that
 * `prepare` builds it; `npm pack` itself lists what ships (the `files` field, npm's always-included files
 * and ignore files, exactly as a publish would). Then a user project outside this tree installs the
 * tarball with npm (so only the declared dependencies are there, and no `@types/ws`), compiles
 * `test/fixtures/consumer/` with `skipLibCheck: false`, and runs it as an ES module and as CommonJS.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/consumer', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Node versions where `require()` of an ES module works without a flag. */
const REQUIRE_ESM_ENGINES = '^20.19.0 || >=22.12.0';
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
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

type ExportTarget = string | { readonly [condition: string]: ExportTarget };

interface PackageJson {
  readonly main?: string;
  readonly types?: string;
  readonly exports: Readonly<Record<string, ExportTarget>>;
  readonly engines: { readonly node: string };
  readonly dependencies: Readonly<Record<string, string>>;
}

let work = '';
let consumer = '';
let packed: string[] = [];
let manifest: PackageJson;
/** What `tsc` printed for the consumer project (empty when it compiled cleanly). */
let compileOutput = '';

function targets(target: ExportTarget): string[] {
  return typeof target === 'string' ? [target] : Object.values(target).flatMap(targets);
}

/** Run a command; on failure, reject with its output so the test shows why. */
async function sh(file: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    return (await run(file, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'deribit-session-package-'));
  await rm(join(ROOT, 'dist'), { recursive: true, force: true });
  const entries = JSON.parse(
    await sh('npm', ['pack', '--json', '--pack-destination', work], ROOT, 180_000),
  ) as PackEntry[];
  expect(entries).toHaveLength(1);
  const entry = entries[0] as PackEntry;
  packed = entry.files.map((file) => file.path).sort();
  manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

  consumer = join(work, 'consumer');
  await cp(FIXTURE, consumer, { recursive: true });
  await writeFile(
    join(consumer, 'package.json'),
    '{ "name": "consumer", "private": true, "type": "module" }\n',
  );
  const typesNode = JSON.parse(
    await readFile(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
  ) as { version: string };
  await sh(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(work, entry.filename),
      `@types/node@${typesNode.version}`,
    ],
    consumer,
  );
  // tsc emits even when it reports errors, so the run tests below do not depend on the compile test.
  compileOutput = await sh(process.execPath, [TSC, '-p', '.'], consumer).catch(
    (error: Error) => error.message,
  );
}, 300_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('is built by prepare: a tree without dist/ packs both entry points with their declarations', () => {
    for (const path of REQUIRED) expect(packed).toContain(path);
  });

  it('holds only dist/**, the src/**/*.ts its declaration maps point to, README.md, LICENSE and package.json', () => {
    const stray = packed.filter(
      (path) => !path.startsWith('dist/') && !/^src\/.+\.ts$/.test(path) && !ALWAYS_INCLUDED.has(path),
    );
    expect(stray).toEqual([]);
  });

  it('ships a declaration map beside every declaration, and the source each one maps to', async () => {
    const declarations = packed.filter((path) => path.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(10);
    expect(declarations.filter((path) => !packed.includes(`${path}.map`))).toEqual([]);
    const missing: string[] = [];
    for (const path of declarations) {
      const map = JSON.parse(await readFile(join(ROOT, `${path}.map`), 'utf8')) as { sources: string[] };
      for (const source of map.sources) {
        const target = posix.normalize(posix.join(posix.dirname(path), source));
        if (!packed.includes(target)) missing.push(`${path}.map → ${target}`);
      }
    }
    expect(missing).toEqual([]);
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

  it('takes runtime dependencies as caret ranges, so users get one deduplicated ws', () => {
    const ranges = Object.entries(manifest.dependencies);
    expect(ranges.length).toBeGreaterThan(0);
    for (const [name, range] of ranges) expect(`${name}@${range}`).toMatch(/@\^\d+\.\d+\.\d+$/);
  });

  it('asks in engines for a Node where require() of this ES module works', () => {
    expect(manifest.engines.node).toBe(REQUIRE_ESM_ENGINES);
  });
});

describe('a user project that installs the tarball', () => {
  it('gets the declared runtime dependencies and no @types/ws', async () => {
    const installed = await readdir(join(consumer, 'node_modules'));
    for (const name of Object.keys(manifest.dependencies)) expect(installed).toContain(name);
    expect(await readdir(join(consumer, 'node_modules', '@types'))).toEqual(['node']);
  });

  it('compiles against both entry points with skipLibCheck: false', () => {
    expect(compileOutput).toBe('');
  });

  it('runs typed calls and a typed channel against the emulator as an ES module', async () => {
    const output = await sh(process.execPath, ['out/main.js'], consumer);
    expect(JSON.parse(output)).toEqual({ state: 'authenticated', time: 'number', order: 'open', mark: 42 });
  });

  it('require()s both entry points from CommonJS', async () => {
    const output = await sh(process.execPath, ['out/require.cjs'], consumer);
    expect(JSON.parse(output)).toEqual({ DeribitSession: 'function', DeribitEmulator: 'function' });
  });
});
