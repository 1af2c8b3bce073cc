/**
 * The platform gate: what Deribit says of itself. `public/status` (on every new connection) and the
 * `platform_state` channel (the session subscribes to it for itself) say when the platform, or an instrument's
 * price index, is locked: order entry (buy, sell, edit, close_position) on what is locked waits, at most
 * `maxWait`, then rejects unsent with {@link PlatformLockedError}; cancels still go. `{maintenance: true}` is
 * announced as a `maintenance` warning (the sockets close then, and the session reconnects with its backoff).
 * @module
 */
import { PlatformLockedError } from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import { wait } from '../time/wait.js';
import { methodName } from './credits/pools.js';

/** The channel the session follows for itself. */
export const PLATFORM_CHANNEL = 'platform_state';

/** Order entry: what a lock holds back (cancels and everything else still go). */
const ORDER_ENTRY: ReadonlySet<string> = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/edit_by_label',
  'private/close_position',
]);

/**
 * The price index of an instrument, by Deribit's naming: inverse futures and options on the coin's USD index
 * (`BTC-PERPETUAL` → `btc_usd`), linear and spot pairs on theirs (`BTC_USDC-PERPETUAL` → `btc_usdc`).
 */
export function indexOf(instrument: string): string {
  const pair = (instrument.split('-')[0] ?? instrument).toLowerCase();
  return pair.includes('_') ? pair : `${pair}_usd`;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/** What Deribit locked, as far as this session knows. */
export class PlatformGate {
  readonly #ctx: SessionContext;
  #all = false;
  /** The locked indices; undefined while none is (the usual case: no empty set kept a session). */
  #indices: ReadonlySet<string> | undefined;
  #changed: { promise: Promise<void>; resolve: () => void } | undefined;

  /** @param ctx - the session's context (warnings) */
  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Whether anything is locked (the call path checks this first: free when nothing is). */
  get locked(): boolean {
    return this.#all || this.#indices !== undefined;
  }

  /** Why `method` may not go now, or undefined when it may. */
  blocked(method: string, params: Readonly<Record<string, unknown>> | undefined): string | undefined {
    if (!this.locked || !ORDER_ENTRY.has(methodName(method))) return undefined;
    if (this.#all) return 'the platform is locked';
    const instrument = params?.['instrument_name'];
    if (typeof instrument !== 'string') return undefined;
    const index = indexOf(instrument);
    const currency = (instrument.split(/[-_]/)[0] ?? '').toLowerCase();
    if (this.#indices?.has(index) || this.#indices?.has(currency)) return `the ${index} index is locked`;
    return undefined;
  }

  /**
   * Wait until `method` may go, at most until `until` (monotonic ms); rejects unsent with
   * {@link PlatformLockedError} then, or with the signal's reason.
   */
  async whenOpen(
    method: string,
    params: Readonly<Record<string, unknown>> | undefined,
    until: number,
    signal?: AbortSignal,
  ): Promise<void> {
    for (let why = this.blocked(method, params); why !== undefined; why = this.blocked(method, params)) {
      const left = until - performance.now();
      const reason = why;
      if (left <= 0) throw new PlatformLockedError(method, reason);
      this.#changed ??= deferred();
      await wait(this.#changed.promise, {
        ms: left,
        signal,
        onTimeout: () => {
          throw new PlatformLockedError(method, reason);
        },
      });
    }
  }

  /** `public/status`'s answer (`locked`: `"true"`, `"false"`, `"partial"` or a boolean; `locked_indices`). */
  status(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    const { locked, locked_indices, locked_currencies } = result as Record<string, unknown>;
    const indices = [locked_indices, locked_currencies].flatMap((list) =>
      Array.isArray(list)
        ? list.filter((i): i is string => typeof i === 'string').map((i) => i.toLowerCase())
        : [],
    );
    const all = truthy(locked) && indices.length === 0;
    this.#set(all, indices);
  }

  /** A `platform_state` notification. */
  notify(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const { maintenance, price_index, locked } = data as Record<string, unknown>;
    if (truthy(maintenance)) {
      this.#ctx.warn({
        code: 'maintenance',
        message: 'Deribit announced maintenance: its sockets will close soon',
      });
    }
    if (typeof price_index === 'string') {
      const next = new Set(this.#indices ?? []);
      if (truthy(locked)) next.add(price_index.toLowerCase());
      else next.delete(price_index.toLowerCase());
      this.#set(this.#all, [...next]);
    } else if (locked !== undefined) this.#set(truthy(locked), [...(this.#indices ?? [])]);
  }

  #set(all: boolean, indices: readonly string[]): void {
    const before = this.#describe();
    this.#all = all;
    this.#indices = indices.length > 0 ? new Set(indices) : undefined;
    const after = this.#describe();
    if (before === after) return;
    const items = all ? ['platform'] : [...(this.#indices ?? [])].sort();
    this.#ctx.warn(
      this.locked
        ? {
            code: 'platform-locked',
            message: `Deribit locked ${all ? 'the platform' : items.join(', ')}: order entry waits`,
            items,
          }
        : { code: 'platform-unlocked', message: 'Deribit unlocked the platform: order entry goes again' },
    );
    const changed = this.#changed;
    this.#changed = undefined;
    changed?.resolve();
  }

  #describe(): string {
    return `${this.#all}|${[...(this.#indices ?? [])].sort().join(',')}`;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
