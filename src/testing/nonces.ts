/**
 * Single-use nonces for `client_signature`, remembered only as long as a timestamp could still be valid.
 * @module
 */

/** How long a used nonce is remembered, ms (the ±60 s timestamp window, plus margin). */
const NONCE_MEMORY_MS = 130_000;
/** Prune expired entries once a key has remembered this many nonces. */
const PRUNE_AT = 1024;

/** Used nonces per `client_id`. */
export class NonceStore {
  readonly #used = new Map<string, Map<string, number>>();

  /** `true` when `nonce` was already used by `clientId`. */
  has(clientId: string, nonce: string): boolean {
    const seen = this.#used.get(clientId)?.get(nonce);
    return seen !== undefined && seen > Date.now();
  }

  /** Remember that `clientId` used `nonce`. */
  add(clientId: string, nonce: string): void {
    let map = this.#used.get(clientId);
    if (!map) {
      map = new Map();
      this.#used.set(clientId, map);
    }
    const now = Date.now();
    if (map.size >= PRUNE_AT) {
      for (const [key, until] of map) if (until <= now) map.delete(key);
    }
    map.set(nonce, now + NONCE_MEMORY_MS);
  }
}
