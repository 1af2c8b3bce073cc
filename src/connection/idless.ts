/**
 * Errors without an `id`. Deribit answers a request it cannot read (oversize, unparsable: `-32600`; `11050
 * bad_request`) with an error that names no request. Guessing is how a bot resends an order the server
 * executed: a call whose own answer arrives was not the one refused. So an id-less error is held for a grace
 * period against the calls pending when it came; calls answered meanwhile drop out, and once the grace is over:
 * - one call left unanswered: it was the refused one and gets the error;
 * - as many calls left as id-less errors pending: each was refused (they get the errors in order);
 * - none left: it belonged to no call of ours, and is reported;
 * - more calls left than errors: nobody can tell which; wait one more grace, then report it and let the calls end
 *   by their own timeout (their outcome is unknown).
 * @module
 */
import { RpcError } from '../errors/errors.js';

/** How long an id-less error waits for the other answers, ms: far longer than a round trip, far shorter than a timeout. */
export const IDLESS_GRACE_MS = 1000;
/** Graces an ambiguous error waits before it is reported unmatched. */
const MAX_GRACES = 2;

/** What the matcher needs from its connection. */
export interface IdlessLink {
  /** Ids of the calls waiting for an answer, oldest first. */
  pendingIds(): Iterable<number>;
  isPending(id: number): boolean;
  /** Settle pending call `id` with the error `wire` describes. */
  reject(id: number, wire: WireError): void;
  /** An error no call can be matched to. */
  unmatched(error: Error): void;
}

/** The `error` member of a frame, as received. */
export type WireError = { readonly code?: unknown; readonly message?: unknown; readonly data?: unknown };

interface Held {
  readonly wire: WireError;
  /** Calls pending when it came. */
  readonly candidates: readonly number[];
  graces: number;
}

/** Holds id-less errors of one connection until they can be matched. */
export class IdlessErrors {
  readonly #link: IdlessLink;
  #held: Held[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param link - the connection's pending calls */
  constructor(link: IdlessLink) {
    this.#link = link;
  }

  /** An error without an id arrived. */
  add(wire: WireError): void {
    const candidates = [...this.#link.pendingIds()];
    if (candidates.length === 0) {
      this.#link.unmatched(unmatched(wire));
      return;
    }
    this.#held.push({ wire, candidates, graces: 0 });
    this.#timer ??= setTimeout(() => this.#decide(), IDLESS_GRACE_MS);
  }

  #decide(): void {
    this.#timer = undefined;
    const held = this.#held;
    this.#held = [];
    const waiting: Held[] = [];
    // Errors in arrival order; each takes the oldest still-unanswered candidate it can be sure of.
    const remaining = held.map((entry) => entry.candidates.filter((id) => this.#link.isPending(id)));
    const union = new Set(remaining.flat());
    if (union.size > 0 && union.size <= held.length) {
      const ids = [...union].sort((a, b) => a - b);
      for (const [index, entry] of held.entries()) {
        const id = ids[index];
        if (id === undefined) this.#link.unmatched(unmatched(entry.wire));
        else this.#link.reject(id, entry.wire);
      }
      return;
    }
    for (const [index, entry] of held.entries()) {
      if ((remaining[index] ?? []).length === 0) this.#link.unmatched(unmatched(entry.wire));
      else if (++entry.graces >= MAX_GRACES) this.#link.unmatched(unmatched(entry.wire));
      else waiting.push(entry);
    }
    if (waiting.length === 0) return;
    this.#held = waiting.concat(this.#held);
    this.#timer = setTimeout(() => this.#decide(), IDLESS_GRACE_MS);
  }

  /** The connection closed: forget everything (its calls were rejected). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
  }
}

function unmatched(wire: WireError): Error {
  return RpcError.fromWire('an unknown request', wire);
}
