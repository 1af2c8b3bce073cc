/**
 * Where the examples connect: the real Deribit testnet when DERIBIT_CLIENT_ID and DERIBIT_CLIENT_SECRET
 * are set (DERIBIT_URL overrides the endpoint), otherwise an embedded emulator, so every example runs offline.
 */
import { type Credentials, DERIBIT_TESTNET } from 'deribit-session';
import { DEFAULT_ACCOUNT, DeribitEmulator, type EmulatorOptions } from 'deribit-session/testing';

/** A place to connect to, and how to clean it up. */
export interface Target {
  readonly url: string;
  readonly credentials: Credentials;
  /** Present when running against the embedded emulator. */
  readonly emulator: DeribitEmulator | undefined;
  readonly live: boolean;
  close(): Promise<void>;
}

/** Testnet from the environment, or a fresh emulator started with `options`. */
export async function target(options: EmulatorOptions = {}): Promise<Target> {
  const clientId = process.env['DERIBIT_CLIENT_ID'];
  const clientSecret = process.env['DERIBIT_CLIENT_SECRET'];
  if (clientId && clientSecret) {
    return {
      url: process.env['DERIBIT_URL'] ?? DERIBIT_TESTNET,
      credentials: { clientId, clientSecret },
      emulator: undefined,
      live: true,
      close: async () => {},
    };
  }
  const emulator = await DeribitEmulator.start(options);
  return {
    url: emulator.url,
    credentials: { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret },
    emulator,
    live: false,
    close: () => emulator.close(),
  };
}
