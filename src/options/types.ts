/**
 * The session's options and what they resolve to: the shapes only (`options.ts` validates them).
 * @module
 */
import type { CredentialGrant, Credentials } from '../auth/grants.js';
import type { RefreshOptions } from '../auth/refresh.js';
import type { PoolLimits } from '../calls/credits/pools.js';
import type { CreditStore } from '../calls/credits/store.js';
import type { ReconnectOptions } from '../connection/backoff.js';
import type { HeartbeatOptions } from '../connection/lifetime.js';
import type { LivenessOptions } from '../connection/liveness.js';
import type { WebSocketConstructor } from '../connection/socket.js';
import type { NodeWebSocketOptions } from './ws-options.js';

/** Deribit production WebSocket endpoint. */
export const DERIBIT_MAINNET = 'wss://www.deribit.com/ws/api/v2';
/** Deribit testnet WebSocket endpoint (separate accounts and keys). */
export const DERIBIT_TESTNET = 'wss://test.deribit.com/ws/api/v2';

/** Deribit's shortest heartbeat interval, in seconds. */
export const DERIBIT_MIN_HEARTBEAT = 10;

/** Default of {@link SessionOptions.maxPayload}: 32 MiB, well above Deribit's largest responses. */
export const DEFAULT_MAX_PAYLOAD = 32 * 1024 * 1024;

/**
 * A logger with pino's calling convention: the context object first, the message second.
 * pino fits as is, and so does `console` (it prints both).
 */
export interface Logger {
  debug(context: Readonly<Record<string, unknown>>, message: string): void;
  info(context: Readonly<Record<string, unknown>>, message: string): void;
  warn(context: Readonly<Record<string, unknown>>, message: string): void;
  error(context: Readonly<Record<string, unknown>>, message: string): void;
}

/** Which cancel-on-disconnect scope to enable after every (re)authentication, or `false` for none. */
export type CancelOnDisconnect = 'connection' | 'account' | false;

/** What `await using session` does when its scope ends. */
export type DisposeAction = 'logout' | 'close';

/**
 * Options of {@link DeribitSession}. Every field is optional except `url` and a way to authenticate; `undefined`
 * means the default. Unknown keys and out-of-range values throw {@link InvalidArgumentError} at once.
 */
export interface SessionOptions {
  /**
   * WebSocket endpoint, required: {@link DERIBIT_TESTNET}, {@link DERIBIT_MAINNET}, or an emulator's url. `ws://`
   * only to loopback hosts unless `allowInsecure`.
   */
  readonly url: string;
  /** API key. Needed unless `refreshToken` is given (and then only as a fallback). */
  readonly credentials?: Credentials | undefined;
  /** How to authenticate with `credentials`. Default `'client_signature'` (the secret never leaves the process). */
  readonly grant?: CredentialGrant | undefined;
  /** Resume from a persisted refresh token (non-empty); credentials remain the fallback. */
  readonly refreshToken?: string | undefined;
  /** Requested scope, e.g. `'session:mm trade:read_write'`. Default: none (Deribit grants `connection` and the key's maximum). */
  readonly scope?: string | undefined;
  /** Extra `data` signed with `client_signature`. Default `''`. */
  readonly signatureData?: string | undefined;
  /** Per-request timeout in ms, > 0 and ≤ 2^31 − 1, for calls and for waiting on authentication. Default `30000`. */
  readonly requestTimeout?: number | undefined;
  /** Time allowed to open the socket, in ms, > 0 and ≤ 2^31 − 1. Default `10000`. */
  readonly connectTimeout?: number | undefined;
  /** How long `logout()` waits for the server to close the socket, in ms, > 0 and ≤ 2^31 − 1. Default `5000`. */
  readonly logoutTimeout?: number | undefined;
  /**
   * How long a call may wait for the session to become ready before it rejects unsent, in ms,
   * ≥ 0 (0: never wait) and ≤ 2^31 − 1. Default `5000`.
   */
  readonly maxWait?: number | undefined;
  /** When to renew the access token. Defaults and ranges: see {@link RefreshOptions}. */
  readonly refresh?: RefreshOptions | undefined;
  /** Reconnect policy (p-retry names), or `false` to never reconnect. Defaults and ranges: see {@link ReconnectOptions}. */
  readonly reconnect?: ReconnectOptions | false | undefined;
  /** Server heartbeats and the dead-socket watchdog, or `false` to disable. Default `{ interval: 15 }` seconds. */
  readonly heartbeat?: HeartbeatOptions | false | undefined;
  /** Probe a quiet socket with `public/test`, or `false` to disable. Default `{ idle: 1000, timeout: 1500 }` ms. */
  readonly liveness?: LivenessOptions | false | undefined;
  /**
   * Cancel-on-disconnect scope enabled after every (re)authentication, before `authenticated` is reported.
   * If the server refuses (the key lacks `account:read_write`), the session closes rather than trade unprotected.
   * Default `false`.
   */
  readonly cancelOnDisconnect?: CancelOnDisconnect | undefined;
  /** Allow `ws://` (unencrypted) to a host that is not loopback, and `wsOptions.rejectUnauthorized: false`. Default `false`. */
  readonly allowInsecure?: boolean | undefined;
  /** Largest inbound frame in bytes the Node `ws` client accepts (a positive integer). Default 32 MiB. Ignored in browsers. */
  readonly maxPayload?: number | undefined;
  /** Negotiate permessage-deflate (Node `ws`). Default `false`: compressed frames can inflate enormously. Ignored in browsers. */
  readonly perMessageDeflate?: boolean | undefined;
  /** Node `ws` client options (proxy agent, headers, …), checked shallowly. Ignored in browsers. */
  readonly wsOptions?: NodeWebSocketOptions | undefined;
  /** What `await using session` does at scope end: `'logout'` (default) or `'close'`. */
  readonly dispose?: DisposeAction | undefined;
  /** WebSocket constructor for unusual runtimes. Default: `ws` in Node, the global `WebSocket` in browsers. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Where to log: pino, `console`, or any {@link Logger}. Default: silent. Secrets are never logged. */
  readonly logger?: Logger | undefined;
  /**
   * Give every `private/buy` and `private/sell` sent without a `label` a unique one (`ds-…`), so the outcome of
   * a call whose answer is lost can always be found (see `ConnectionClosedError.outcome`). Default `false`.
   */
  readonly labelOrders?: boolean | undefined;
  /**
   * Credit pacing (see README, "Credits"): `store` (default: this process's memory; `RedisCreditStore` from
   * `deribit-session/redis` shares a budget across processes), `key` (the subaccount's name in the store; default
   * the endpoint's host and the client id; a subaccount session adds its subject id), `pools` (limits that win
   * over the account's). `false`: no pacing at all (the server's 10028 is then yours to avoid).
   */
  readonly credits?: CreditOptions | false | undefined;
  /** The session's label in metrics (`node:diagnostics_channel` payloads). Default `session-N`, N counting sessions. */
  readonly label?: string | undefined;
}

/** Options after validation, with every default applied. Frozen; nested defaults are shared between sessions. */
export interface ResolvedOptions {
  readonly url: string;
  readonly allowInsecure: boolean;
  readonly credentials: Credentials | undefined;
  readonly grant: CredentialGrant;
  readonly refreshToken: string | undefined;
  readonly scope: string | undefined;
  readonly signatureData: string;
  readonly requestTimeout: number;
  readonly connectTimeout: number;
  readonly logoutTimeout: number;
  readonly maxWait: number;
  readonly refresh: Required<RefreshOptions>;
  readonly reconnect: Required<ReconnectOptions> | false;
  /** Seconds, or `false` when heartbeats are off. */
  readonly heartbeatInterval: number | false;
  readonly liveness: Required<LivenessOptions> | false;
  readonly cancelOnDisconnect: CancelOnDisconnect;
  readonly maxPayload: number;
  readonly perMessageDeflate: boolean;
  readonly wsOptions: NodeWebSocketOptions;
  readonly dispose: DisposeAction;
  readonly WebSocket: WebSocketConstructor | undefined;
  readonly logger: Logger | undefined;
  readonly labelOrders: boolean;
  readonly label: string | undefined;
  readonly credits: ResolvedCredits | false;
}

/** Options of credit pacing. */
export interface CreditOptions {
  readonly store?: CreditStore;
  readonly key?: string;
  readonly pools?: PoolLimits;
}

/** {@link CreditOptions} resolved. */
export interface ResolvedCredits {
  readonly store: CreditStore | undefined;
  readonly key: string | undefined;
  readonly pools: PoolLimits;
}
