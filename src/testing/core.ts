/**
 * The internal surface method handlers and connections see: the emulator's shared state, without
 * its public API. Kept as an interface so handlers do not import the emulator class.
 * @module
 */

import type { AccountRegistry } from './accounts.js';
import type { Batcher } from './batcher.js';
import type { ChannelRules } from './channels.js';
import type { Faults } from './faults.js';
import type { Balances } from './funds.js';
import type { InstrumentRegistry } from './instruments/registry.js';
import type { MarketState } from './market.js';
import type { NonceStore } from './nonces.js';
import type { OrderBook } from './orders.js';
import type { PlatformState } from './platform.js';
import type { PositionBook } from './positions.js';
import type { RateLimiter } from './rate-limit.js';
import type { AuthSession, TokenStore } from './tokens.js';
import type { EmulatorEvents, ReceivedMessage } from './types.js';

/** Settings read at run time (some have setters on the emulator). */
export interface CoreSettings {
  /** `version` of `public/test` and `public/hello`. */
  readonly version: string;
  /** `testnet` flag of responses. */
  readonly testnet: boolean;
  /** Smallest heartbeat interval, seconds. */
  readonly minHeartbeatInterval: number;
  /** Largest request frame, bytes; larger ones get `-32600 request entity too large` without an id. */
  readonly maxFrameBytes: number;
}

/** Options of {@link EmulatorCore.publish}. */
export interface PublishFilter {
  /** Deliver only to sockets authenticated as this subject. */
  readonly subjectId?: number | undefined;
}

/** A socket as handlers see it. */
export interface ConnectionHandle {
  /** Emulator-wide id of the socket. */
  readonly id: number;
  /** Channels this socket is subscribed to. */
  readonly channels: Set<string>;
  /** The session `public/auth` last established on this socket. */
  auth: AuthSession | undefined;
  /** Cancel-on-disconnect state. */
  readonly cod: { enabled: boolean; scope: 'connection' | 'account' };
  /** Set by `private/logout`: cancel-on-disconnect must not fire. */
  loggedOut: boolean;
  /** `true` once the socket has closed. */
  readonly closed: boolean;
  /** Start (or restart) server heartbeats every `intervalSeconds`. */
  setHeartbeat(intervalSeconds: number): void;
  /** Stop server heartbeats. */
  disableHeartbeat(): void;
  /** Close with a close frame. */
  close(code: number, reason: string): void;
}

/** Shared state of one emulator. */
export interface EmulatorCore {
  /** API keys. */
  readonly accounts: AccountRegistry;
  /** Tokens and sessions. */
  readonly tokens: TokenStore;
  /** Fault-injection state. */
  readonly faults: Faults;
  /** Credit pools. */
  readonly rateLimits: RateLimiter;
  /** Listed instruments. */
  readonly instruments: InstrumentRegistry;
  /** Which channel names exist. */
  readonly channels: ChannelRules;
  /** Orders and trades. */
  readonly orders: OrderBook;
  /** Positions built from fills. */
  readonly positions: PositionBook;
  /** Index, mark and last prices. */
  readonly market: MarketState;
  /** Balances by subject and currency. */
  readonly balances: Balances;
  /** Maintenance and index locks. */
  readonly platform: PlatformState;
  /** `100ms` channel batches. */
  readonly batcher: Batcher;
  /** Used `client_signature` nonces. */
  readonly nonces: NonceStore;
  /** Run-time settings. */
  readonly settings: CoreSettings;
  /** Server clock in ms (real clock + skew). */
  now(): number;
  /** Server clock in µs, an integer (for `usIn`/`usOut`). */
  micros(): number;
  /** Send a subscription notification; returns how many sockets got it. */
  publish(channel: string, data: unknown, filter?: PublishFilter): number;
  /** `true` when some open socket is subscribed to `channel`. */
  hasSubscribers(channel: string): boolean;
  /** Emit an emulator event. */
  emitEvent<K extends keyof EmulatorEvents>(event: K, ...args: EmulatorEvents[K]): void;
  /** `true` when someone listens to `event` (to skip building payloads). */
  hasListeners(event: keyof EmulatorEvents): boolean;
  /** Append to the received-message log. */
  record(entry: ReceivedMessage): void;
  /** A timer the emulator clears on close. */
  setTimer(ms: number, fn: () => void): void;
  /** A socket closed: clean up (tokens, cancel-on-disconnect, events). */
  connectionClosed(connection: ConnectionHandle, code: number, reason: string): void;
}
