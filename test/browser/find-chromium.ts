/**
 * Which Chromium the browser test drives, in this order:
 * 1. `CHROMIUM_PATH`, when set (it must exist: a wrong path fails rather than falling through);
 * 2. a system Chromium or Chrome (Debian's `chromium`, Google Chrome, macOS apps, or one on `PATH`);
 * 3. the Chromium shipped inside the `@sparticuz/chromium` devDependency: brotli-compressed in the package,
 *    unpacked once into `node_modules/.cache/`. Nothing is ever downloaded.
 * @module
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Where the browser came from. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';

/** A browser executable and where it was found. */
export interface FoundChromium {
  readonly path: string;
  readonly source: ChromiumSource;
}

/** What {@link findChromium} looks at; tests replace these. */
export interface FindChromiumDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** True when `path` is an executable file. */
  readonly isExecutable: (path: string) => Promise<boolean>;
  /** Unpack the packaged Chromium; resolves with its executable, or rejects saying why it cannot. */
  readonly unpackPackaged: () => Promise<string>;
}

/** Executable names looked up on `PATH`, most specific first. */
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

/** Fixed install locations that are often not on `PATH`. */
const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
};

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE = '@sparticuz/chromium';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Candidate system executables, in the order they are tried. */
export function systemCandidates(env: FindChromiumDeps['env'], platform: NodeJS.Platform): string[] {
  const onPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .flatMap((dir) => SYSTEM_NAMES.map((name) => join(dir, name)));
  return [...new Set([...(SYSTEM_PATHS[platform] ?? []), ...onPath])];
}

/** Find a browser; rejects with a message naming every place tried. Never downloads anything. */
export async function findChromium(deps: FindChromiumDeps = defaultDeps()): Promise<FoundChromium> {
  const override = deps.env['CHROMIUM_PATH'];
  if (override !== undefined && override !== '') {
    if (await deps.isExecutable(override)) return { path: override, source: 'CHROMIUM_PATH' };
    throw new Error(`CHROMIUM_PATH=${override} is not an executable file`);
  }
  const candidates = systemCandidates(deps.env, deps.platform);
  for (const path of candidates) {
    if (await deps.isExecutable(path)) return { path, source: 'system' };
  }
  try {
    return { path: await deps.unpackPackaged(), source: PACKAGE };
  } catch (error) {
    throw new Error(
      `No Chromium: CHROMIUM_PATH is not set, none of ${candidates.join(', ')} exists, and the ` +
        `${PACKAGE} devDependency could not be used (${error instanceof Error ? error.message : String(error)}). ` +
        'Run `npm install`, or set CHROMIUM_PATH to a Chromium or Chrome executable.',
      { cause: error },
    );
  }
}

/** The packaged browser is a Linux x64 build; other platforms need a system browser or `CHROMIUM_PATH`. */
async function unpackPackaged(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`it ships a linux-x64 build only, and this is ${process.platform}-${process.arch}`);
  }
  const entry = createRequire(join(PROJECT_ROOT, 'package.json')).resolve(PACKAGE);
  const manifest = await findManifest(dirname(entry));
  const version = (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
  const target = join(PROJECT_ROOT, 'node_modules', '.cache', 'deribit-session', `chromium-${version}`);
  const executable = join(target, 'chromium');
  if (await isExecutable(executable)) return executable;
  // Unpacked in a child process with TMPDIR pointing at a private staging folder, because the package
  // always unpacks into os.tmpdir(); the rename publishes a complete folder or nothing, so runs in
  // parallel and interrupted runs never see a half-written binary.
  const staging = `${target}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const script = `import c from '${PACKAGE}'; process.stdout.write(await c.executablePath());`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: staging },
      timeout: 120_000,
    });
    await rename(staging, target).catch(async (error: unknown) => {
      if (!(await isExecutable(executable))) throw error; // a parallel run may have published it first
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!(await isExecutable(executable))) throw new Error(`unpacking gave no executable at ${executable}`);
  return executable;
}

async function findManifest(from: string): Promise<string> {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    const text = await readFile(candidate, 'utf8').catch(() => undefined);
    if (text !== undefined && (JSON.parse(text) as { name?: string }).name === PACKAGE) return candidate;
  }
  throw new Error(`no package.json of ${PACKAGE} above ${from}`);
}

function defaultDeps(): FindChromiumDeps {
  return { env: process.env, platform: process.platform, isExecutable, unpackPackaged };
}
