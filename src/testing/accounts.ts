/**
 * API keys known to the emulator and the subjects (user ids) each may act as.
 * @module
 */

import { type Grant, parseGrant } from './grant.js';
import type { EmulatorAccount } from './types.js';

/**
 * The widest scope a main-account key gets unless configured otherwise: every area read_write, as the
 * production example `account:read_write block_trade:read_write … custody:read_write … wallet:read_write`.
 */
export const DEFAULT_MAX_SCOPE =
  'account:read_write block_trade:read_write custody:read_write mainaccount trade:read_write wallet:read_write';

/** The key the emulator accepts when `accounts` is omitted. */
export const DEFAULT_ACCOUNT = {
  clientId: 'emulator-client-id',
  clientSecret: 'emulator-client-secret',
  id: 100001,
  name: 'emulator',
  subaccounts: [100002, 100003],
  maxScope: DEFAULT_MAX_SCOPE,
} as const satisfies EmulatorAccount;

/** An account with every default filled in. */
export interface ResolvedAccount {
  /** `client_id`. */
  readonly clientId: string;
  /** `client_secret`. */
  readonly clientSecret: string;
  /** The key's own subject id. */
  readonly id: number;
  /** Subaccount ids reachable through `public/exchange_token`. */
  readonly subaccounts: ReadonlySet<number>;
  /** The widest scope, parsed. */
  readonly maxScope: Grant;
  /** The key's name (`name:KEYNAME` in every grant), if it has one. */
  readonly keyName: string | undefined;
}

/** Lookup of accounts by `client_id`. */
export class AccountRegistry {
  readonly #byClientId = new Map<string, ResolvedAccount>();

  /** @param accounts Configured keys; ids are assigned (1000, 1010, …) where missing. */
  constructor(accounts: readonly EmulatorAccount[]) {
    accounts.forEach((account, index) => {
      this.#byClientId.set(account.clientId, {
        clientId: account.clientId,
        clientSecret: account.clientSecret,
        id: account.id ?? 1000 + index * 10,
        subaccounts: new Set(account.subaccounts ?? []),
        maxScope: parseGrant(account.maxScope ?? DEFAULT_MAX_SCOPE),
        keyName: account.name,
      });
    });
  }

  /** The account for a `client_id`, if any. */
  get(clientId: string): ResolvedAccount | undefined {
    return this.#byClientId.get(clientId);
  }

  /** The main account `subjectId` belongs to (itself when it is one, or unknown). */
  mainOf(subjectId: number): number {
    for (const account of this.#byClientId.values()) {
      if (account.id === subjectId || account.subaccounts.has(subjectId)) return account.id;
    }
    return subjectId;
  }

  /** `true` when `subjectId` is a key's own subject (a main account), not one of its subaccounts. */
  isMain(subjectId: number): boolean {
    for (const account of this.#byClientId.values()) if (account.subaccounts.has(subjectId)) return false;
    return true;
  }

  /** `true` when `subjectId` is the key's own subject or one of its subaccounts. */
  static canActAs(account: ResolvedAccount, subjectId: number): boolean {
    return subjectId === account.id || account.subaccounts.has(subjectId);
  }
}
