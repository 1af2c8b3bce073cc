/**
 * Public option, account and event types of the Deribit emulator.
 * @module
 */

import type { EmulatedInstrument } from './instruments/catalog.js';
import type { PoolName, RateLimitOptions } from './rate-limit.js';

/** One API key the emulator accepts. */
export interface EmulatorAccount {
  /** The `client_id` of the key. */
  readonly clientId: string;
  /** The `client_secret` of the key. */
  readonly clientSecret: string;
  /** The numeric user id of the key's own subject (default: assigned, 1000, 1010, …). */
  readonly id?: number | undefined;
  /**
   * The key's name: production adds `name:KEYNAME` to the scope of every grant (default: none, so no
   * `name:` part; {@link DEFAULT_ACCOUNT} is named `emulator`). No whitespace.
   */
  readonly name?: string | undefined;
  /** Subaccount ids the key may `public/exchange_token` to (default: none). */
  readonly subaccounts?: readonly number[] | undefined;
  /**
   * The widest scope this key can get (default {@link DEFAULT_MAX_SCOPE}: `account`, `block_trade`,
   * `custody`, `trade`, `wallet` all `read_write`, and `mainaccount`). Leave out `mainaccount` to model a
   * subaccount key.
   */
  readonly maxScope?: string | undefined;
}

/** Options of {@link DeribitEmulator.start}. Every field is optional. */
export interface EmulatorOptions {
  /** Interface to bind (default `'127.0.0.1'`). */
  readonly host?: string | undefined;
  /** Port to bind (default `0`: a free port). */
  readonly port?: number | undefined;
  /** API keys (default: one key, {@link DEFAULT_ACCOUNT}). */
  readonly accounts?: readonly EmulatorAccount[] | undefined;
  /** `expires_in` of new access tokens, in seconds (default `900`). `expires:N` in a scope overrides it. */
  readonly tokenTtl?: number | undefined;
  /** Lifetime of refresh tokens, in seconds (default 30 days). They also die when used or invalidated. */
  readonly refreshTokenTtl?: number | undefined;
  /** Smallest `public/set_heartbeat` interval accepted, in seconds (default `10`, as Deribit; may be fractional). */
  readonly minHeartbeatInterval?: number | undefined;
  /** The `testnet` flag on every response (default `true`). */
  readonly testnet?: boolean | undefined;
  /** Simultaneous sockets; one more upgrade gets HTTP 429 (default `32`). */
  readonly maxConnections?: number | undefined;
  /** Named sessions per `client_id`; one more evicts the oldest silently (default `16`). */
  readonly maxSessionsPerKey?: number | undefined;
  /** The `version` returned by `public/test` and `public/hello` (default `'1.2.26-emulator'`). */
  readonly version?: string | undefined;
  /** Most entries kept in {@link DeribitEmulator.received} (default `10000`; oldest dropped first). */
  readonly receivedLogLimit?: number | undefined;
  /**
   * Largest request frame in bytes (default `32768`, Deribit's 32 kB). A larger frame is answered with
   * `-32600 request entity too large` and no `id`, as Deribit does.
   */
  readonly maxFrameBytes?: number | undefined;
  /**
   * Deribit's credit-based rate limits (default: Deribit's documented defaults, see `rate-limit.ts`): the
   * non-matching-engine pool (500 credits a request, 50,000 max, 10,000/s refill), the default-tier
   * matching-engine pool (burst 20, 5/s) and the subscribe pool (burst 10, ~3.3/s); `tiers` sets particular
   * subjects' tiers. Past a pool: `10028 too_many_requests`, then the socket closes (4029). `false` disables all
   * (benchmarks); `{ nonMatching: false }`, `{ matching: false }` or `{ subscribe: false }` one.
   */
  readonly rateLimits?: RateLimitOptions | false | undefined;
  /**
   * Instruments to list besides the default catalog (`DEFAULT_INSTRUMENTS`: BTC and ETH perpetuals, a dated BTC
   * future, BTC options, BTC_USDC-PERPETUAL and BTC_USDC); one with a catalog name replaces it.
   */
  readonly instruments?: readonly EmulatedInstrument[] | undefined;
  /** What every subject holds at the start, by currency (default `DEFAULT_BALANCES`: 100 BTC, 1,000 ETH, …). */
  readonly balances?: Readonly<Record<string, number>> | undefined;
}

/** How a request arrived, as recorded in {@link ReceivedMessage.auth}. */
export type RequestAuth = 'socket' | 'token' | 'none' | 'expired' | 'invalid';

/** One request the emulator received. Secret values are replaced by `'[redacted]'`. */
export interface ReceivedMessage {
  /** Arrival time, ms since the epoch (real clock, no skew). */
  readonly at: number;
  /** The socket it arrived on. */
  readonly connectionId: number;
  /** The JSON-RPC method. */
  readonly method: string;
  /** The params, with `client_secret`, `signature`, `access_token` and `refresh_token` redacted. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The request id (`null` when missing). */
  readonly id: string | number | null;
  /**
   * The auth the request arrived with: `'token'` (a valid explicit `access_token`), `'socket'` (the
   * socket is authenticated and its token is valid), `'expired'` / `'invalid'` (the token it would use
   * has expired / is unknown or invalidated), `'none'` (no auth at all).
   */
  readonly auth: RequestAuth;
}

/** Scope kinds of `private/enable_cancel_on_disconnect`. */
export type CodScope = 'connection' | 'account';

/** Payloads of the emulator's events. */
export interface EmulatorEvents {
  /** A socket connected. */
  connection: [{ readonly connectionId: number }];
  /** A request arrived (params redacted). */
  request: [
    {
      readonly connectionId: number;
      readonly method: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly authenticated: boolean;
    },
  ];
  /** A `public/auth` succeeded. */
  auth: [
    {
      readonly connectionId: number;
      readonly grantType: string;
      readonly clientId: string;
      readonly subjectId: number;
      readonly scope: string;
    },
  ];
  /** A socket closed (for any reason). `code` 1006 means it was severed without a close frame. */
  disconnect: [{ readonly connectionId: number; readonly code: number; readonly reason: string }];
  /** `private/logout` was received; the socket is being closed. */
  logout: [{ readonly connectionId: number; readonly invalidateToken: boolean }];
  /** Cancel-on-disconnect fired for a closed socket. */
  cancelOnDisconnect: [
    {
      readonly connectionId: number;
      readonly subjectId: number;
      readonly scope: CodScope;
      /** Number of orders cancelled. */
      readonly cancelled: number;
      /** Ids of the orders cancelled. */
      readonly orderIds: readonly string[];
    },
  ];
  /**
   * A request was refused with `13009 unauthorized`. The wire error carries no reason (as on Deribit);
   * `reason` says why, for tests (e.g. `connection-scoped token used on another connection`).
   */
  unauthorized: [{ readonly connectionId: number; readonly method: string; readonly reason: string }];
  /** A request found its credit pool empty: it got `10028 too_many_requests` and its socket is closing. */
  rateLimited: [{ readonly connectionId: number; readonly method: string; readonly pool: PoolName }];
  /** A maintenance window started (`active: true`, sockets are closing) or ended. */
  maintenance: [{ readonly active: boolean }];
  /** A heartbeat notification was sent (`type` `'heartbeat'` or `'test_request'`). */
  heartbeat: [{ readonly connectionId: number; readonly type: 'heartbeat' | 'test_request' }];
}

/**
 * Deribit's largest request frame (32 kB), the default of `maxFrameBytes`; larger ones get `-32600 request entity
 * too large`. Defined here, not beside the frame reader, so the public types never reach `ws` types (users need no
 * `@types/ws`).
 */
export const MAX_FRAME_BYTES = 32_768;

/** Close codes the emulator uses when it closes a socket itself. */
export const CloseCode = {
  /** `private/logout`. */
  logout: 1000,
  /** {@link DeribitEmulator.close}. */
  shutdown: 1001,
  /** A `test_request` went unanswered for a whole heartbeat interval. */
  heartbeatTimeout: 4000,
  /** `failNext(…, { close: true })`. */
  fault: 4001,
  /** Out of rate-limit credits, or `rateLimitAuth()`: `10028 too_many_requests`, then the socket is closed. */
  rateLimited: 4029,
  /** `maintenance()`: Deribit's close code is not documented; 1012 is WebSocket's "service restart". */
  maintenance: 1012,
} as const;
