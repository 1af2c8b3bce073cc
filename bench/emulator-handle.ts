/** Parent side of {@link ./emulator-process.ts}: start the emulator child and send it commands. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorOptions } from '../src/testing/index.js';

interface Reply {
  readonly id: number;
  readonly result: unknown;
}

/** How to start the child. */
export interface EmulatorStartOptions {
  /** Emulator options, over the benchmark's defaults (`tokenTtl` 3600, `maxConnections` 5000). */
  readonly emulator?: EmulatorOptions;
  /** Load the emulator from `src/` through tsx (tests) rather than the benchmarks' built copy. */
  readonly fromSource?: boolean;
}

/** The emulator running in a child process. */
export class EmulatorHandle {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (result: unknown) => void>();
  #nextId = 1;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
    child.on('message', (reply: Reply) => {
      const resolve = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      resolve?.(reply.result);
    });
  }

  static start(options: EmulatorStartOptions = {}): Promise<EmulatorHandle> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (options.emulator !== undefined) env['DERIBIT_EMULATOR_OPTIONS'] = JSON.stringify(options.emulator);
    if (options.fromSource === true) env['DERIBIT_EMULATOR_SOURCE'] = 'src';
    const child = fork(fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env,
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      child.once('message', (reply: Reply) => resolve(new EmulatorHandle(child, String(reply.result))));
    });
  }

  #send(command: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#child.send({ ...command, id });
    });
  }

  /** Publish `count` notifications on `channel`; resolves with how many frames went out. */
  async publish(channel: string, data: unknown, count: number): Promise<number> {
    return Number(await this.#send({ op: 'publish', channel, data, count }));
  }

  /** Sever every socket. */
  async drop(): Promise<void> {
    await this.#send({ op: 'drop' });
  }

  /** Every open socket stops answering (a half-dead connection); new sockets are unaffected. */
  async freeze(): Promise<void> {
    await this.#send({ op: 'freeze' });
  }

  /**
   * Freeze right after the next `method` request has been answered (e.g. `public/test`: a probe, or the
   * answer to a heartbeat `test_request`); resolves once frozen.
   */
  async freezeAfter(method: string): Promise<void> {
    await this.#send({ op: 'freezeAfter', method });
  }

  /** Undo {@link freeze}. */
  async unfreeze(): Promise<void> {
    await this.#send({ op: 'unfreeze' });
  }

  /** Hold the answers to `method` for `ms` (the request is still executed). */
  async delay(method: string, ms: number): Promise<void> {
    await this.#send({ op: 'delay', method, ms });
  }

  /** Undo every {@link delay}. */
  async clearDelays(): Promise<void> {
    await this.#send({ op: 'clearDelays' });
  }

  /** How many requests the emulator has answered `10028 too_many_requests` so far. */
  async rateLimited(): Promise<number> {
    return Number(await this.#send({ op: 'rateLimited' }));
  }

  /**
   * Start counting requests of `method`; resolves, once the emulator counts, with a promise that resolves when
   * `count` of them have arrived.
   */
  async awaitRequests(method: string, count: number): Promise<{ readonly done: Promise<void> }> {
    const doneId = this.#nextId++;
    const done = new Promise<void>((resolve) => this.#waiting.set(doneId, () => resolve()));
    await this.#send({ op: 'awaitRequests', method, count, doneId });
    return { done };
  }

  /** Sever every socket, then fill `orderId` `fills` times by `amount` while nobody is connected. */
  async dropAndFill(orderId: string, fills: number, amount: number): Promise<void> {
    await this.#send({ op: 'dropAndFill', orderId, fills, amount });
  }

  async close(): Promise<void> {
    this.#child.removeAllListeners('exit');
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.#send({ op: 'close' });
    await exited;
  }
}
