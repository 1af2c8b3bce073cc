/**
 * The metrics must not break the browser build: nothing imports a `node:` module, and where the runtime has no
 * `process.getBuiltinModule` (a browser) every metric is a no-op and a collector stays empty. The browser-built
 * bundle is run in a fresh `node:vm` context, which has no `process` at all, and in one that is handed Node's.
 */
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDiagnostics, NO_DIAGNOSTICS } from '../../src/metrics/diagnostics.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** What the bundle under test puts on the context's `metrics` global. */
interface BundledMetrics {
  createMetricsCollector(): { active: boolean; snapshot(): unknown; close(): void };
  createMetricsPublisher(session: string): {
    call(method: string, outcome: string, duration: number): void;
    notification(channel: string, data?: unknown): void;
  };
}

let libraryInputs: string[] = [];
let libraryText = '';
let metricsBundle = '';

beforeAll(async () => {
  const library = await build({
    entryPoints: [`${ROOT}src/index.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  libraryInputs = Object.keys(library.metafile.inputs);
  libraryText = library.outputFiles[0]?.text ?? '';

  const metrics = await build({
    stdin: {
      contents: [
        "export { createMetricsCollector } from './src/metrics/collector.ts';",
        "export { createMetricsPublisher } from './src/metrics/publisher.ts';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'metrics',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  metricsBundle = metrics.outputFiles[0]?.text ?? '';
});

/** Run the metrics bundle in a new context holding `globals`; return what it exported. */
function runBundle(globals: Record<string, unknown>): BundledMetrics {
  const context: Record<string, unknown> = { ...globals };
  runInNewContext(metricsBundle, context);
  return context['metrics'] as BundledMetrics;
}

describe('the browser bundle', () => {
  it('holds the metrics module and imports nothing from node:', () => {
    expect(libraryInputs).toContain('src/metrics/index.ts');
    expect(libraryInputs.filter((input) => input.startsWith('src/metrics/')).length).toBeGreaterThan(3);
    expect(libraryInputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(libraryText).not.toMatch(/\b(?:from|import|require)\s*\(?\s*["']node:/);
  });

  it('without process: metrics are no-ops and a collector stays empty and inactive', () => {
    const bundled = runBundle({});
    const collector = bundled.createMetricsCollector();
    const publisher = bundled.createMetricsPublisher('browser');
    expect(() => {
      publisher.call('public/test', 'ok', 1);
      publisher.notification('ticker.BTC-PERPETUAL.raw', { timestamp: 1 });
    }).not.toThrow();
    expect(collector.active).toBe(false);
    expect(JSON.parse(JSON.stringify(collector.snapshot()))).toEqual({ sessions: {} });
    collector.close();
  });

  it("with Node's process: the same bundle finds diagnostics_channel at run time", () => {
    const bundled = runBundle({ process });
    const collector = bundled.createMetricsCollector();
    bundled.createMetricsPublisher('bundled').call('public/test', 'ok', 1);
    expect(collector.active).toBe(true);
    expect(JSON.parse(JSON.stringify(collector.snapshot()))).toMatchObject({
      sessions: { bundled: { calls: { 'public/test': { ok: 1 } } } },
    });
    collector.close();
  });
});

describe('loadDiagnostics', () => {
  it.each([
    ['no process', {}],
    ['a process without getBuiltinModule (Node < 20.16)', { process: {} }],
    [
      'a getBuiltinModule that knows no diagnostics_channel',
      { process: { getBuiltinModule: () => undefined } },
    ],
    [
      'a getBuiltinModule that returns something else',
      { process: { getBuiltinModule: () => ({ channel: 1 }) } },
    ],
    [
      'a getBuiltinModule that throws (a sandbox)',
      {
        process: {
          getBuiltinModule: () => {
            throw new Error('denied');
          },
        },
      },
    ],
  ])('falls back to no-ops with %s', (_name, globals) => {
    expect(loadDiagnostics(globals)).toBe(NO_DIAGNOSTICS);
  });

  it("uses Node's own module when there is one", () => {
    const found = loadDiagnostics();
    expect(found).not.toBe(NO_DIAGNOSTICS);
    expect(found).toBe(process.getBuiltinModule('node:diagnostics_channel'));
  });

  it('the stand-in never has subscribers and accepts anything', () => {
    const silent = NO_DIAGNOSTICS.channel('deribit-session:call');
    NO_DIAGNOSTICS.subscribe('deribit-session:call', () => {});
    expect(silent.hasSubscribers).toBe(false);
    expect(() => silent.publish({})).not.toThrow();
    expect(NO_DIAGNOSTICS.unsubscribe('deribit-session:call', () => {})).toBe(false);
  });
});
