/**
 * Redaction of secrets in logged params, and the capped received-message log.
 * @module
 */

import type { ReceivedMessage } from './types.js';

/** Param names whose values never reach the log or events. */
export const SECRET_PARAMS: readonly string[] = [
  'client_secret',
  'signature',
  'access_token',
  'refresh_token',
];

/** The replacement value of a secret. */
export const REDACTED = '[redacted]';

/** `params` with secret values replaced (copied only when something is replaced). */
export function redact(params: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let copy: Record<string, unknown> | undefined;
  for (const key of SECRET_PARAMS) {
    if (params[key] !== undefined) {
      copy ??= { ...params };
      copy[key] = REDACTED;
    }
  }
  return copy ?? params;
}

/** An append-only log that keeps only the newest `limit` entries. */
export class ReceivedLog {
  #entries: ReceivedMessage[] = [];
  readonly #limit: number;

  /** @param limit Most entries kept. */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Append (trimming in batches, so appends stay O(1) amortized). */
  push(entry: ReceivedMessage): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit + Math.ceil(this.#limit / 10)) {
      this.#entries = this.#entries.slice(-this.#limit);
    }
  }

  /** The newest `limit` entries, oldest first. */
  entries(): readonly ReceivedMessage[] {
    return this.#entries.length > this.#limit ? this.#entries.slice(-this.#limit) : this.#entries;
  }

  /** Forget everything. */
  clear(): void {
    this.#entries = [];
  }
}
