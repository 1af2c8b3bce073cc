/**
 * `100ms` channels as production sends them: what changed during the interval goes out in one notification when a
 * real 100 ms timer fires (one timer per channel and recipient, started by the first change, cleared when the
 * emulator closes). Only channels someone is subscribed to are batched at all.
 * @module
 */

/** How long `100ms` channels gather changes. */
export const BATCH_INTERVAL_MS = 100;

/** What the batcher needs from the emulator. */
export interface BatchSink {
  /** Send one notification (to `subjectId`'s sockets only, when given). */
  publish(channel: string, data: unknown, subjectId: number | undefined): void;
  /** A timer the emulator clears on close. */
  setTimer(ms: number, fn: () => void): void;
}

interface Pending {
  readonly channel: string;
  readonly subjectId: number | undefined;
  data: unknown;
  readonly merge: (older: unknown, newer: unknown) => unknown;
}

/** Gathers changes per channel and recipient for one interval. */
export class Batcher {
  readonly #sink: BatchSink;
  readonly #pending = new Map<string, Pending>();

  /** @param sink Where merged notifications go. */
  constructor(sink: BatchSink) {
    this.#sink = sink;
  }

  /**
   * Add `data` to what `channel` sends at the end of the interval (for `subjectId`'s sockets only, when given);
   * `merge(older, newer)` combines it with what is already waiting.
   */
  add<T>(channel: string, subjectId: number | undefined, data: T, merge: (older: T, newer: T) => T): void {
    const key = `${channel}|${subjectId ?? ''}`;
    const pending = this.#pending.get(key);
    if (pending) {
      pending.data = pending.merge(pending.data, data);
      return;
    }
    this.#pending.set(key, {
      channel,
      subjectId,
      data,
      merge: merge as (older: unknown, newer: unknown) => unknown,
    });
    this.#sink.setTimer(BATCH_INTERVAL_MS, () => {
      const due = this.#pending.get(key);
      this.#pending.delete(key);
      if (due) this.#sink.publish(due.channel, due.data, due.subjectId);
    });
  }
}

/** Concatenate two lists (trades: every trade of the interval). */
export function concat<T>(older: readonly T[], newer: readonly T[]): T[] {
  return [...older, ...newer];
}

/** Merge two lists keyed by `key`, keeping each key's newest value in first-seen order (orders, positions). */
export function latestBy<T>(key: (item: T) => string): (older: readonly T[], newer: readonly T[]) => T[] {
  return (older, newer) => {
    const merged = new Map<string, T>();
    for (const item of older) merged.set(key(item), item);
    for (const item of newer) merged.set(key(item), item);
    return [...merged.values()];
  };
}
