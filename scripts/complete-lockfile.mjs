// The registry mirror on our build machines serves only some platform builds of packages with native
// binaries, so `npm install` silently leaves the other platforms' optional packages out of
// package-lock.json, and `npm ci` then refuses the lock file. This adds the missing optional entries,
// with the os/cpu/libc their names encode, so `npm ci` skips them on every other platform.
// Run after `npm install` changes the lock file: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;

function platformOf(name) {
  const base = name
    .split('/')
    .pop()
    .replace(/^(rollup|cli)-/, '');
  const [os, cpu, abi = ''] = base.split('-');
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') entry.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return entry;
}

for (const [path, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] || packages[`${path}/node_modules/${name}`]) continue;
    if (!/^@(rollup|biomejs)\//.test(name)) {
      console.warn(`not completing ${name}: unknown naming scheme`);
      continue;
    }
    // Keys in the order npm writes them (version first, then alphabetical), so `npm install` causes no churn.
    const fields = { ...(meta.dev ? { dev: true } : {}), optional: true, ...platformOf(name) };
    packages[key] = {
      version,
      ...Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
