/**
 * The shape of `src/`, checked: no import cycle (type imports count), no library file over 450 lines, parts in
 * folders (few files at the top), every folder introduced by a short README, and the emulator importing nothing
 * of the client but Deribit's own facts (the code table, the signature algorithm).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = filesUnder(SRC);

/** Relative imports of `file` (static, dynamic, type-only and re-exports), resolved to `.ts` paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string): string => relative(SRC, file);

describe('src/ architecture', () => {
  it('has no import cycle, type imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open')
          cycles.push([...stack.slice(stack.indexOf(next)), next].map(name).join(' → '));
        else if (!state.has(next) && graph.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('keeps every library file at 450 lines or fewer', () => {
    const long = files
      .map((file) => [name(file), readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 450);
    expect(long).toEqual([]);
  });

  it('groups the parts in folders, each with a README that says what it holds', () => {
    const top = readdirSync(SRC).filter((entry) => statSync(join(SRC, entry)).isFile());
    expect(top.length).toBeLessThanOrEqual(12);
    const folders = readdirSync(SRC).filter((entry) => statSync(join(SRC, entry)).isDirectory());
    const withoutReadme = folders.filter((folder) => !readdirSync(join(SRC, folder)).includes('README.md'));
    expect(withoutReadme).toEqual([]);
  });

  it('lets the emulator import nothing of the client but Deribit’s facts', () => {
    const allowed = new Set([join(SRC, 'errors/codes.ts'), join(SRC, 'auth/signature.ts')]);
    const testing = join(SRC, 'testing');
    const leaks = files
      .filter((file) => file.startsWith(testing))
      .flatMap((file) => (graph.get(file) ?? []).map((target) => [file, target] as const))
      .filter(([, target]) => !target.startsWith(testing) && !allowed.has(target))
      .map(([file, target]) => `${name(file)} → ${name(target)}`);
    expect(leaks).toEqual([]);
  });
});
