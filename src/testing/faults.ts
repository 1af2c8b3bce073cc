/**
 * Fault-injection state of the emulator: failing calls, delays, refused channels, rate limits.
 * @module
 */

/** The error `failNext` answers with. `message` defaults to Deribit's message for the code. */
export interface InjectedError {
  /** Error code. */
  readonly code: number;
  /** Error message (default: the canonical one from `errorMessages`). */
  readonly message?: string | undefined;
  /** `error.data`. */
  readonly data?: unknown;
}

/** Options of `failNext`. */
export interface FailNextOptions {
  /** Close the socket (code 4001) right after sending the error (default `false`). */
  readonly close?: boolean | undefined;
}

/** A pending `failNext` entry. */
export interface PendingFailure {
  /** Calls left to fail. */
  remaining: number;
  /** The error. */
  readonly error: InjectedError;
  /** Close after sending. */
  readonly close: boolean;
}

/** Which channels subscribe should refuse (omit from its result). */
export type ChannelRefusal = ((channel: string) => boolean) | readonly string[];

/** Mutable fault state, read by the dispatcher and handlers. */
export class Faults {
  /** method → queued failures, used first-in first-out. */
  readonly failures = new Map<string, PendingFailure[]>();
  /** method → response delay in ms. */
  readonly delays = new Map<string, number>();
  /** `public/auth` calls left to answer with 10028 and close. */
  rateLimitedAuths = 0;
  /** Server clock offset, ms. */
  clockSkew = 0;
  #refuse: ((channel: string) => boolean) | undefined;

  /** Queue `count` failures for `method`. */
  failNext(method: string, count: number, error: InjectedError, options: FailNextOptions = {}): void {
    if (count <= 0) return;
    let list = this.failures.get(method);
    if (!list) {
      list = [];
      this.failures.set(method, list);
    }
    list.push({ remaining: count, error, close: options.close ?? false });
  }

  /** Take one failure for `method`, if any is queued. */
  takeFailure(method: string): PendingFailure | undefined {
    const list = this.failures.get(method);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) list.shift();
    if (list.length === 0) this.failures.delete(method);
    return head;
  }

  /** Set (or, with `undefined`, clear) the channels subscribe refuses. */
  refuseChannels(refusal: ChannelRefusal | undefined): void {
    if (refusal === undefined) this.#refuse = undefined;
    else if (typeof refusal === 'function') this.#refuse = refusal;
    else {
      const set = new Set(refusal);
      this.#refuse = (channel) => set.has(channel);
    }
  }

  /** `true` when subscribe must omit `channel`. */
  refuses(channel: string): boolean {
    return this.#refuse?.(channel) ?? false;
  }
}
