/**
 * The queues of calls waiting for credits: per pool, one FIFO lane per priority, and, for the whole governor,
 * one min-heap of deadlines so that a single timer can serve every waiter. Removal is lazy: a waiter that
 * settled (served, aborted, timed out) is marked and skipped when it reaches a lane's head or the heap's top,
 * so an abort costs O(1) and nothing is searched.
 * @module
 */
import type { Priority } from './pools.js';

/** Lane index of each priority: lower goes first. */
export const RANK: Readonly<Record<Priority, number>> = { critical: 0, cancel: 1, order: 2, other: 3 };
const LANE_COUNT = 4;

/** What the lanes and the heap need of a waiter. */
export interface Queued {
  /** Lane index (see {@link RANK}). */
  readonly rank: number;
  /** Monotonic ms after which it must not be served; Infinity for none. */
  readonly deadline: number;
  /** Monotonic ms when it started to wait. */
  readonly since: number;
  /** Set once it is served or rejected. */
  settled: boolean;
}

/** A FIFO of one priority: an array with a moving head, compacted when the dead front grows. */
class Lane<T extends Queued> {
  #items: T[] = [];
  #head = 0;

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest unsettled item, dropping settled ones in front of it. */
  peek(): T | undefined {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]!.settled) this.#head += 1;
    if (this.#head === items.length) {
      this.#items = [];
      this.#head = 0;
      return undefined;
    }
    if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return this.#items[this.#head];
  }

  /** Every unsettled item, oldest first. */
  *live(): Generator<T> {
    for (let index = this.#head; index < this.#items.length; index += 1) {
      const item = this.#items[index]!;
      if (!item.settled) yield item;
    }
  }
}

/** One pool's waiters, by priority. `size` counts unsettled ones: call {@link settled} when one settles. */
export class Lanes<T extends Queued> {
  readonly #lanes: Lane<T>[] = Array.from({ length: LANE_COUNT }, () => new Lane<T>());
  readonly #counts: number[] = new Array<number>(LANE_COUNT).fill(0);
  #size = 0;

  /** Unsettled waiters. */
  get size(): number {
    return this.#size;
  }

  /** Whether a waiter of rank `rank` or before is waiting (then a new call of that rank must queue too). */
  hasAtOrBefore(rank: number): boolean {
    for (let index = 0; index <= rank; index += 1) if (this.#counts[index]! > 0) return true;
    return false;
  }

  push(item: T): void {
    this.#lanes[item.rank]!.push(item);
    this.#counts[item.rank]! += 1;
    this.#size += 1;
  }

  /** Mark `item` settled (it must be in these lanes and not settled yet). */
  settle(item: T): void {
    item.settled = true;
    this.#counts[item.rank]! -= 1;
    this.#size -= 1;
  }

  /** The next waiter to serve: the oldest of the first non-empty lane. */
  head(): T | undefined {
    for (let index = 0; index < LANE_COUNT; index += 1) {
      if (this.#counts[index] === 0) continue;
      const item = this.#lanes[index]!.peek();
      if (item !== undefined) return item;
    }
    return undefined;
  }

  /** When the longest waiter started to wait (each lane's head is its oldest), or undefined. */
  oldestSince(): number | undefined {
    let oldest: number | undefined;
    for (let index = 0; index < LANE_COUNT; index += 1) {
      if (this.#counts[index] === 0) continue;
      const since = this.#lanes[index]!.peek()?.since;
      if (since !== undefined && (oldest === undefined || since < oldest)) oldest = since;
    }
    return oldest;
  }

  /** Every unsettled waiter (for dispose). */
  *all(): Generator<T> {
    for (const lane of this.#lanes) yield* lane.live();
  }
}

/** A binary min-heap of waiters by deadline; settled ones are dropped when they reach the top. */
export class DeadlineHeap<T extends Queued> {
  #items: T[] = [];

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.deadline <= item.deadline) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  /** The unsettled waiter with the earliest deadline. */
  peek(): T | undefined {
    while (this.#items.length > 0 && this.#items[0]!.settled) this.#pop();
    return this.#items[0];
  }

  /** Remove and return the top (call after {@link peek}). */
  pop(): T | undefined {
    return this.peek() === undefined ? undefined : this.#pop();
  }

  /** Entries held, settled ones included. */
  get size(): number {
    return this.#items.length;
  }

  /** Drop every settled entry now (served waiters stay until their deadline comes up otherwise). */
  compact(): void {
    const live = this.#items.filter((item) => !item.settled);
    this.#items = [];
    for (const item of live) this.push(item);
  }

  clear(): void {
    this.#items = [];
  }

  #pop(): T {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]!.deadline < items[left]!.deadline ? right : left;
        if (items[child]!.deadline >= last.deadline) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = last;
    }
    return top;
  }
}
