/**
 * A family of sessions on one API key: the root session, its forks and its subaccount sessions.
 * Tracks named sessions against Deribit's budget of 16 per key, and the children to log out on shutdown.
 * @module
 */

/** Deribit keeps at most this many named sessions per API key, silently dropping the oldest. */
export const NAMED_SESSION_BUDGET = 16;

/** Shared by every session descended from one root. */
export class Lineage {
  #names: Set<string> | undefined;

  /** Named sessions held by this family, oldest first. */
  get names(): string[] {
    return [...(this.#names ?? [])];
  }

  /**
   * Record a named session. Returns a warning text when the family is at or past the budget
   * (the 16th name is the last that fits; beyond it Deribit drops the oldest session).
   */
  add(name: string): string | undefined {
    this.#names ??= new Set();
    this.#names.add(name);
    const count = this.#names.size;
    if (count > NAMED_SESSION_BUDGET) {
      return `this key now holds ${count} named sessions; Deribit keeps ${NAMED_SESSION_BUDGET} and drops the oldest (${this.names[0]})`;
    }
    if (count >= NAMED_SESSION_BUDGET - 1) {
      return `this key holds ${count} of Deribit's ${NAMED_SESSION_BUDGET} named sessions`;
    }
    return undefined;
  }

  /** Forget a named session (after a logout that invalidated it). */
  remove(name: string): void {
    this.#names?.delete(name);
  }
}
