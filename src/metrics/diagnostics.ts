/**
 * `node:diagnostics_channel`, obtained at run time so that nothing imports a `node:` module: the library also runs
 * in browsers. `process.getBuiltinModule` exists in Node ≥ 20.16, Bun and Deno; anywhere else every channel is a
 * no-op that never has subscribers, and a collector sees nothing.
 * @module
 */

/** What the publisher needs of a channel. */
export interface MetricChannel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** A subscriber callback, as `diagnostics_channel` calls it. */
export type ChannelListener = (message: unknown, name: string | symbol) => void;

/** The part of `node:diagnostics_channel` this module uses. */
export interface DiagnosticsChannels {
  channel(name: string): MetricChannel;
  subscribe(name: string, listener: ChannelListener): void;
  unsubscribe(name: string, listener: ChannelListener): boolean;
}

/** The shape of `globalThis` this module looks at. */
export interface RuntimeGlobals {
  readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } | undefined;
}

const SILENT: MetricChannel = Object.freeze({ hasSubscribers: false, publish() {} });

/** Stand-in where the runtime has no `diagnostics_channel`: nothing is ever published or received. */
export const NO_DIAGNOSTICS: DiagnosticsChannels = Object.freeze({
  channel: () => SILENT,
  subscribe() {},
  unsubscribe: () => false,
});

function isDiagnostics(value: unknown): value is DiagnosticsChannels {
  if (typeof value !== 'object' || value === null) return false;
  const module = value as Partial<Record<keyof DiagnosticsChannels, unknown>>;
  return (
    typeof module.channel === 'function' &&
    typeof module.subscribe === 'function' &&
    typeof module.unsubscribe === 'function'
  );
}

/** `diagnostics_channel` of the runtime behind `globals`, or {@link NO_DIAGNOSTICS}. Never throws. */
export function loadDiagnostics(globals: RuntimeGlobals = globalThis as RuntimeGlobals): DiagnosticsChannels {
  try {
    const module = globals.process?.getBuiltinModule?.('node:diagnostics_channel');
    return isDiagnostics(module) ? module : NO_DIAGNOSTICS;
  } catch {
    // A sandbox that forbids the lookup gets no metrics, never a broken session.
    return NO_DIAGNOSTICS;
  }
}

let shared: DiagnosticsChannels | undefined;

/** This runtime's `diagnostics_channel`, looked up once. */
export function diagnostics(): DiagnosticsChannels {
  shared ??= loadDiagnostics();
  return shared;
}
