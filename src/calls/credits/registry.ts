/**
 * One governor per subaccount: every session of one subaccount (a root, its forks, exchange children of the
 * same subject) must draw from the same pools, and another subaccount from its own. The registry hands out
 * one governor per (store, key) and disposes of it when the last session lets go.
 * @module
 */
import { SessionClosedError } from '../../errors/errors.js';
import { CreditGovernor } from './governor.js';
import type { CreditGovernorOptions } from './governor-types.js';
import type { CreditStore } from './store.js';

/** A session's hold on a shared governor. */
export interface GovernorLease {
  /** The governor of the lease's (store, key). */
  readonly governor: CreditGovernor;
  /** Let go (idempotent); the last release disposes of the governor. */
  release(): void;
}

/** Options for the governor, used by the first lease of a (store, key); later leases share its governor. */
export type LeaseOptions = Omit<CreditGovernorOptions, 'store' | 'key'>;

interface Entry {
  readonly governor: CreditGovernor;
  holders: number;
}

/** Hands out one {@link CreditGovernor} per (store, key). */
export class GovernorRegistry {
  readonly #byStore = new WeakMap<CreditStore, Map<string, Entry>>();

  /**
   * The governor of `key` in `store`, made on first use with `options` (later leases get the same governor,
   * whatever options they pass: the first session of a subaccount sets its overrides).
   */
  lease(store: CreditStore, key: string, options: LeaseOptions = {}): GovernorLease {
    let byKey = this.#byStore.get(store);
    if (byKey === undefined) {
      byKey = new Map();
      this.#byStore.set(store, byKey);
    }
    let entry = byKey.get(key);
    if (entry === undefined || entry.governor.disposed) {
      entry = { governor: new CreditGovernor({ ...options, store, key, byArrival: true }), holders: 0 };
      byKey.set(key, entry);
    }
    entry.holders += 1;
    const held = entry;
    const keys = byKey;
    let released = false;
    return {
      governor: held.governor,
      release: () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        if (held.holders > 0) return;
        if (keys.get(key) === held) keys.delete(key);
        held.governor.dispose(new SessionClosedError('the session is closed; the call was not sent'));
      },
    };
  }

  /** How many leases hold the governor of (store, key) (0 when there is none). */
  holders(store: CreditStore, key: string): number {
    return this.#byStore.get(store)?.get(key)?.holders ?? 0;
  }
}

/** The process-wide registry that sessions use. */
export const governors = new GovernorRegistry();
