/**
 * Per-test emulator fixture: start an emulator, open raw clients, close everything in `afterEach`.
 * @module
 */

import { afterEach, expect } from 'vitest';
import { signAuthRequest } from '../../src/auth/signature.js';
import { DEFAULT_ACCOUNT, DeribitEmulator, type EmulatorOptions } from '../../src/testing/index.js';
import { closeAll, type Envelope, RawClient, type RawClientOptions, track } from './raw-client.js';

/** The result object of a successful `public/auth`. */
export interface AuthResult {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly token_type: string;
  readonly enabled_features: unknown[];
  readonly state?: string;
  readonly sid?: string;
}

/** Handle returned by {@link useEmulator}. */
export interface EmulatorFixture {
  /** Start this test's emulator. */
  start(options?: EmulatorOptions): Promise<DeribitEmulator>;
  /** The emulator started by {@link start}. */
  readonly emu: DeribitEmulator;
  /** Open a tracked raw client to the emulator. */
  client(options?: RawClientOptions): Promise<RawClient>;
}

/** Register `afterEach` cleanup and return a fixture for the current test file. */
export function useEmulator(): EmulatorFixture {
  let current: DeribitEmulator | undefined;
  afterEach(async () => {
    await closeAll();
    await current?.close();
    current = undefined;
  });
  return {
    async start(options) {
      current = await DeribitEmulator.start(options);
      return current;
    },
    get emu() {
      if (!current) throw new Error('call start() first');
      return current;
    },
    async client(options) {
      if (!current) throw new Error('call start() first');
      return track(await RawClient.connect(current.url, options));
    },
  };
}

/** `client_credentials` params for the default account, plus `extra`. */
export function credentials(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    grant_type: 'client_credentials',
    client_id: DEFAULT_ACCOUNT.clientId,
    client_secret: DEFAULT_ACCOUNT.clientSecret,
    ...extra,
  };
}

/** `client_signature` params for `secret`, signed at `timestamp`. */
export async function signed(
  clientId: string,
  secret: string,
  timestamp: number,
  nonce: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const signature = await signAuthRequest(secret, { timestamp, nonce });
  return { grant_type: 'client_signature', client_id: clientId, timestamp, nonce, signature, ...extra };
}

/** Expect a successful envelope and return its result. */
export function ok<T = unknown>(envelope: Envelope): T {
  expect(envelope.error, JSON.stringify(envelope.error)).toBeUndefined();
  return envelope.result as T;
}

/** Expect an error envelope with `code` and return the error. */
export function fails(envelope: Envelope, code: number): NonNullable<Envelope['error']> {
  expect(envelope.result).toBeUndefined();
  expect(envelope.error?.code).toBe(code);
  return envelope.error as NonNullable<Envelope['error']>;
}

/** Authenticate `client` with `params` (default: client_credentials) and return the result. */
export async function login(
  client: RawClient,
  params: Record<string, unknown> = credentials(),
): Promise<AuthResult> {
  return ok<AuthResult>(await client.call('public/auth', params));
}
