/**
 * Editor help, as an editor sees it: TypeScript's language service asked for completions inside the quotes of
 * `call('…')`, `subscribe('…')` and `stream('…')` offers Deribit's method and channel names.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PROBE = resolve(ROOT, 'test/types/completion-probe.ts');
const SOURCE = `import type { DeribitSession } from 'deribit-session';
declare const session: DeribitSession;
void session.call('');
void session.subscribe('', () => {});
void session.stream('');
`;

function languageService(): ts.LanguageService {
  const config = ts.readConfigFile(resolve(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [PROBE],
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => {
      const text = file === PROBE ? SOURCE : ts.sys.fileExists(file) ? readFileSync(file, 'utf8') : undefined;
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => ROOT,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (file) => file === PROBE || ts.sys.fileExists(file),
    readFile: (file) => (file === PROBE ? SOURCE : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host);
}

/** Completion names offered inside the quotes after `marker` in the probe. */
function completionsAfter(service: ts.LanguageService, marker: string): string[] {
  const position = SOURCE.indexOf(marker) + marker.length;
  const info = service.getCompletionsAtPosition(PROBE, position, {});
  return (info?.entries ?? []).map((entry) => entry.name);
}

describe('editor help', () => {
  const service = languageService();

  it('call() offers the typed method names', () => {
    const names = completionsAfter(service, "session.call('");
    expect(names).toEqual(expect.arrayContaining(['private/buy', 'private/cancel_all', 'public/get_time']));
  }, 30_000);

  it('subscribe() and stream() offer the channels whose names are fixed', () => {
    for (const marker of ["session.subscribe('", "session.stream('"]) {
      const names = completionsAfter(service, marker);
      expect(names).toEqual(
        expect.arrayContaining(['platform_state', 'user.portfolio.btc', 'announcements']),
      );
    }
  }, 30_000);
});
