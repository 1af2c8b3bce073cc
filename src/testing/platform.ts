/**
 * Platform state: maintenance windows and locked price indices, as Deribit's `platform_state` channel and
 * `public/status` report them.
 * - Maintenance: `platform_state` gets `{maintenance: true}` first; while it lasts every request is answered
 *   `11051 system_maintenance` and its socket is closed (Deribit's close code is not documented: the emulator
 *   uses 1012, "service restart").
 * - A locked index: `platform_state` gets `{price_index, locked}` on each change; `public/status` answers
 *   `{locked: "true"|"false"|"partial", locked_indices}`; order entry (buy, sell, edit, close_position) on the
 *   index's instruments is refused and cancels still work. Which code Deribit sends then is not documented: the
 *   emulator answers `10019 locked_by_admin` ("trading is temporarily locked by the admin").
 * @module
 */

/** Requests refused while the instrument's index is locked (cancels are not among them). */
export const ORDER_ENTRY_METHODS: ReadonlySet<string> = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/edit_by_label',
  'private/close_position',
]);

/** `public/status`'s result. */
export interface PlatformStatus {
  /** `"true"` when every index is locked, `"partial"` when some are. */
  readonly locked: 'true' | 'false' | 'partial';
  readonly locked_indices: readonly string[];
}

/** Maintenance and index locks of one emulator. */
export class PlatformState {
  readonly #locked = new Set<string>();
  #maintenance = false;

  /** `true` while a maintenance window lasts. */
  get maintenance(): boolean {
    return this.#maintenance;
  }

  /** Start or end a maintenance window. */
  setMaintenance(active: boolean): void {
    this.#maintenance = active;
  }

  /** Lock or unlock `index`; `true` when that changed anything. */
  lock(index: string, locked: boolean): boolean {
    const had = this.#locked.has(index);
    if (locked) this.#locked.add(index);
    else this.#locked.delete(index);
    return had !== locked;
  }

  /** `true` when `index` is locked. */
  isLocked(index: string): boolean {
    return this.#locked.has(index);
  }

  /** `public/status` against the indices the registry lists. */
  status(indices: readonly string[]): PlatformStatus {
    const locked = [...this.#locked].sort();
    const all = indices.length > 0 && indices.every((index) => this.#locked.has(index));
    return { locked: all ? 'true' : locked.length > 0 ? 'partial' : 'false', locked_indices: locked };
  }
}
