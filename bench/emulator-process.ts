/**
 * The emulator, in its own process, so that its cost lands on another core and is not charged to the
 * client under test. Driven over IPC by {@link ./emulator-handle.ts}.
 */
import { testing } from './lib.js';

export type EmulatorCommand =
  | {
      readonly id: number;
      readonly op: 'publish';
      readonly channel: string;
      readonly data: unknown;
      readonly count: number;
    }
  | { readonly id: number; readonly op: 'drop' }
  | { readonly id: number; readonly op: 'close' };

const emu = await testing.DeribitEmulator.start({
  tokenTtl: 3600,
  maxConnections: 5000,
  receivedLogLimit: 1,
  // Benchmarks measure the clients, not Deribit's credits: 30,000 pipelined requests, 500 idle sessions
  // and back-to-back reconnects would exhaust the default pools (100 requests burst, 20/s) at once.
  rateLimits: false,
});

process.on('message', (command: EmulatorCommand) => {
  let result: unknown = null;
  if (command.op === 'publish') {
    let delivered = 0;
    for (let i = 0; i < command.count; i++) delivered += emu.publish(command.channel, command.data);
    result = delivered;
  } else if (command.op === 'drop') {
    emu.dropConnections();
  } else if (command.op === 'close') {
    void emu.close().then(() => {
      process.send?.({ id: command.id, result: null }, () => process.exit(0));
    });
    return;
  }
  process.send?.({ id: command.id, result });
});

process.send?.({ id: 0, result: emu.url });
