/**
 * The emulator, in its own process, so that its cost lands on another core and is not charged to the
 * client under test, and so that it keeps running while the client's event loop is blocked. Driven over IPC
 * by {@link ./emulator-handle.ts}. `DERIBIT_EMULATOR_OPTIONS` (JSON) overrides the options below;
 * `DERIBIT_EMULATOR_SOURCE=src` loads the emulator from `src/` through tsx (tests) instead of the
 * esbuild-built copy the benchmarks measure.
 */
import type * as Testing from '../src/testing/index.js';

export type EmulatorCommand =
  | {
      readonly id: number;
      readonly op: 'publish';
      readonly channel: string;
      readonly data: unknown;
      readonly count: number;
    }
  | { readonly id: number; readonly op: 'drop' | 'freeze' | 'unfreeze' | 'close' }
  | { readonly id: number; readonly op: 'freezeAfter'; readonly method: string }
  | { readonly id: number; readonly op: 'delay'; readonly method: string; readonly ms: number }
  | { readonly id: number; readonly op: 'clearDelays' | 'rateLimited' }
  | {
      readonly id: number;
      readonly op: 'awaitRequests';
      readonly method: string;
      readonly count: number;
      readonly doneId: number;
    }
  | {
      readonly id: number;
      readonly op: 'dropAndFill';
      readonly orderId: string;
      readonly fills: number;
      readonly amount: number;
    };

const testing: typeof Testing =
  process.env['DERIBIT_EMULATOR_SOURCE'] === 'src'
    ? await import('../src/testing/index.js')
    : (await import('./lib.js')).testing;

const overrides = JSON.parse(process.env['DERIBIT_EMULATOR_OPTIONS'] ?? '{}') as Testing.EmulatorOptions;
// The benchmarks' tickers are on made-up instruments (BENCH-RAW, BENCH-0, …): listed, so they are served.
const perpetual = testing.DEFAULT_INSTRUMENTS[0] as Testing.EmulatedInstrument;
const benchNames = ['RAW', 'SESSION', ...Array.from({ length: 5000 }, (_, i) => String(i))];
const instruments = benchNames.map((name) => ({ ...perpetual, instrument_name: `BENCH-${name}` }));
const emu = await testing.DeribitEmulator.start({
  instruments,
  tokenTtl: 3600,
  maxConnections: 5000,
  receivedLogLimit: 1,
  // Benchmarks measure the clients, not Deribit's credits: 30,000 pipelined requests, 500 idle sessions
  // and back-to-back reconnects would exhaust the default pools (100 requests burst, 20/s) at once.
  rateLimits: false,
  ...overrides,
});

// 10028 answers so far, for the benchmarks at the credit limit.
let rateLimited = 0;
emu.on('rateLimited', () => {
  rateLimited += 1;
});

process.on('message', (command: EmulatorCommand) => {
  let result: unknown = null;
  if (command.op === 'publish') {
    let delivered = 0;
    for (let i = 0; i < command.count; i++) delivered += emu.publish(command.channel, command.data);
    result = delivered;
  } else if (command.op === 'drop') {
    emu.dropConnections();
  } else if (command.op === 'freeze') {
    emu.freeze();
  } else if (command.op === 'unfreeze') {
    emu.unfreeze();
  } else if (command.op === 'freezeAfter') {
    // Freeze just after the next request of `method` has been answered; reply once frozen.
    const onRequest = ({ method }: { readonly method: string }): void => {
      if (method !== command.method) return;
      emu.off('request', onRequest);
      setTimeout(() => {
        emu.freeze();
        process.send?.({ id: command.id, result: null });
      }, 1);
    };
    emu.on('request', onRequest);
    return;
  } else if (command.op === 'delay') {
    emu.delay(command.method, command.ms);
  } else if (command.op === 'clearDelays') {
    emu.clearDelays();
  } else if (command.op === 'rateLimited') {
    result = rateLimited;
  } else if (command.op === 'dropAndFill') {
    // Sever every socket, then fill while nobody is connected: what a gap misses.
    emu.dropConnections();
    for (let i = 0; i < command.fills; i++) emu.fill(command.orderId, { amount: command.amount });
  } else if (command.op === 'awaitRequests') {
    // Reply now (armed), and to `doneId` once `count` requests of `method` have arrived from now on.
    let seen = 0;
    const onRequest = ({ method }: { readonly method: string }): void => {
      if (method !== command.method || ++seen < command.count) return;
      emu.off('request', onRequest);
      process.send?.({ id: command.doneId, result: null });
    };
    emu.on('request', onRequest);
  } else if (command.op === 'close') {
    void emu.close().then(() => {
      process.send?.({ id: command.id, result: null }, () => process.exit(0));
    });
    return;
  }
  process.send?.({ id: command.id, result });
});

process.send?.({ id: 0, result: emu.url });
