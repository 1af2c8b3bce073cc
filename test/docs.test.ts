/**
 * `npm run docs`: TypeDoc, with the project's own typedoc.json. Every export of both entry points (as the
 * TypeScript compiler lists them) appears in the docs with a summary and a source link, and the README's page
 * contents list each heading whole: a heading that TypeDoc renders blank or cut short fails here.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Application,
  type Comment,
  type DeclarationReflection,
  type ProjectReflection,
  TSConfigReader,
  TypeDocReader,
} from 'typedoc';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY_POINTS = {
  'deribit-session': join(ROOT, 'src', 'index.ts'),
  'deribit-session/testing': join(ROOT, 'src', 'testing', 'index.ts'),
} as const;
/** typedoc.json links to `main` of the repository package.json names (git is not asked: see CONTRIBUTING.md). */
const SOURCE_LINK =
  /^https:\/\/github\.com\/deribit-session\/deribit-session\/blob\/main\/src\/[\w/.-]+\.ts#L\d+$/;

let app: Application;
let project: ProjectReflection;
let out = '';

beforeAll(async () => {
  app = await Application.bootstrapWithPlugins({ options: join(ROOT, 'typedoc.json'), logLevel: 'Error' }, [
    new TypeDocReader(),
    new TSConfigReader(),
  ]);
  const converted = await app.convert();
  if (converted === undefined) throw new Error('TypeDoc could not convert the project');
  project = converted;
  app.validate(project);
  out = await mkdtemp(join(tmpdir(), 'deribit-session-docs-'));
  await app.generateDocs(project, out);
}, 120_000);

afterAll(async () => {
  if (out !== '') await rm(out, { recursive: true, force: true });
});

/** The names each entry point exports, from the TypeScript compiler itself. */
function compilerExports(): Record<keyof typeof ENTRY_POINTS, string[]> {
  const program = ts.createProgram(Object.values(ENTRY_POINTS), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const names = (file: string): string[] => {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`no module symbol for ${file}`);
    return checker.getExportsOfModule(symbol).map((exported) => exported.getName());
  };
  return {
    'deribit-session': names(ENTRY_POINTS['deribit-session']),
    'deribit-session/testing': names(ENTRY_POINTS['deribit-session/testing']),
  };
}

function moduleNamed(name: string): DeclarationReflection {
  const found = project.children?.find((child) => child.name === name);
  if (found === undefined) throw new Error(`no module ${name} in the docs`);
  return found;
}

function summary(comment: Comment | undefined): string {
  return (comment?.summary ?? [])
    .map((part) => part.text)
    .join('')
    .trim();
}

/** The summary of an export: its own comment, or a signature's (functions), or its type's (re-exported aliases). */
function documentation(reflection: DeclarationReflection): string {
  const own = summary(reflection.comment);
  if (own !== '') return own;
  const signature = reflection.signatures?.map((each) => summary(each.comment)).find((text) => text !== '');
  return signature ?? '';
}

describe('npm run docs', () => {
  it('converts and validates without a warning or an error', () => {
    expect({ errors: app.logger.errorCount, warnings: app.logger.warningCount }).toEqual({
      errors: 0,
      warnings: 0,
    });
  });

  it.each(Object.keys(ENTRY_POINTS) as Array<keyof typeof ENTRY_POINTS>)(
    'lists every export of %s, each with a summary and a source link',
    (entry) => {
      const expected = compilerExports()[entry];
      const documented = moduleNamed(entry).children ?? [];
      expect(expected.length).toBeGreaterThan(5);
      expect(documented.map((child) => child.name).sort()).toEqual([...expected].sort());
      expect(documented.filter((child) => documentation(child) === '').map((child) => child.name)).toEqual(
        [],
      );
      const unlinked = documented.filter((child) => !SOURCE_LINK.test(child.sources?.[0]?.url ?? ''));
      expect(unlinked.map((child) => `${child.name}: ${child.sources?.[0]?.url}`)).toEqual([]);
    },
  );

  it("lists every README heading whole in the front page's contents", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const headings = [...readme.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,3} (.+)$/gm)].map((match) =>
      (match[1] ?? '').replace(/`/g, '').trim(),
    );
    const page = await readFile(join(out, 'index.html'), 'utf8');
    const contents = page.slice(page.indexOf('On This Page'));
    const section = contents.slice(0, contents.indexOf('</details>'));
    const entries = [...section.matchAll(/<a href="#[^"]*"[^>]*>([\s\S]*?)<\/a>/g)].map((match) =>
      (match[1] ?? '')
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .trim(),
    );
    expect(headings.length).toBeGreaterThan(10);
    expect(entries).toEqual(headings);
  });
});
