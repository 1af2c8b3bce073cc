import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const testing = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/testing');
const src = resolve(testing, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the emulator keeps its own rules', () => {
  it('imports nothing from the client but Deribit’s facts: the code table and the signing algorithm', () => {
    const outside = new Set<string>();
    for (const file of files(testing)) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = resolve(dirname(file), specifier ?? '');
        if (!target.startsWith(testing)) outside.add(relative(src, target));
      }
    }
    expect([...outside].sort()).toEqual(['auth/signature.js', 'errors/codes.js']);
  });
});
