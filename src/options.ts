/**
 * Session options, their defaults, and validation (bad options fail at construction, not later).
 * @module
 */
import type { CredentialGrant, Credentials } from './auth.js';
import { InvalidArgumentError } from './errors.js';
import { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from './heartbeat.js';
import { DEFAULT_LIVENESS, type LivenessOptions } from './liveness.js';
import { DEFAULT_RECONNECT, type ReconnectOptions } from './reconnect.js';
import { DEFAULT_REFRESH, type RefreshOptions } from './refresh.js';
import type { WebSocketConstructor } from './rpc.js';

/** Validate a per-call ms value (TEMP: replaced by the options rewrite). */
export function validateTimeout(name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0) ||
    value > 2 ** 31 - 1
  )
    throw new InvalidArgumentError(`${name} must be a finite number of ms`);
  return value;
}

/** Deribit production WebSocket endpoint. */
export const DERIBIT_MAINNET = 'wss://www.deribit.com/ws/api/v2';
/** Deribit testnet WebSocket endpoint (separate accounts and keys). */
export const DERIBIT_TESTNET = 'wss://test.deribit.com/ws/api/v2';

/** Anything with `debug`, `info`, `warn` and `error` methods called pino's way (`context, message`): pino, console… */
export interface Logger {
  debug(context: Record<string, unknown>, message: string): void;
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

/** Which cancel-on-disconnect scope to enable after every (re)authentication, or `false` for none. */
export type CancelOnDisconnect = 'connection' | 'account' | false;

/** Options of {@link DeribitSession}. Every field is optional except a way to authenticate. */
export interface SessionOptions {
  /** WebSocket endpoint. Default {@link DERIBIT_MAINNET}. */
  readonly url?: string;
  /** API key. Needed unless `refreshToken` is given (and then only as a fallback). */
  readonly credentials?: Credentials;
  /** How to authenticate with `credentials`. Default `'client_signature'` (the secret never leaves the process). */
  readonly grant?: CredentialGrant;
  /** Resume from a persisted refresh token; credentials remain the fallback. */
  readonly refreshToken?: string;
  /** Requested scope, e.g. `'session:mm trade:read_write'`. Default: none (Deribit grants `connection` and the key's maximum). */
  readonly scope?: string;
  /** Extra `data` signed with `client_signature`. Default `''`. */
  readonly signatureData?: string;
  /** Per-request timeout in ms, for calls and for waiting on authentication. Default `30000`. */
  readonly requestTimeout?: number;
  /** Time allowed to open the socket, in ms. Default `10000`. */
  readonly connectTimeout?: number;
  /** When to renew the access token. Defaults: see {@link DEFAULT_REFRESH}. */
  readonly refresh?: RefreshOptions;
  /** Reconnect policy (p-retry names), or `false` to never reconnect. Defaults: see {@link DEFAULT_RECONNECT}. */
  readonly reconnect?: ReconnectOptions | false;
  /** Server heartbeats and the dead-socket watchdog, or `false` to disable. Default `{ interval: 15 }` seconds. */
  readonly heartbeat?: HeartbeatOptions | false;
  /**
   * Cancel-on-disconnect scope enabled after every (re)authentication, before `authenticated` is reported.
   * If the server refuses (the key lacks `account:read_write`), the session closes rather than trade unprotected.
   * Default `false`.
   */
  readonly cancelOnDisconnect?: CancelOnDisconnect;
  /** How long `logout()` waits for the server to close the socket, in ms. Default `5000`. */
  readonly logoutTimeout?: number;
  /** WebSocket constructor for unusual runtimes. Default: `ws` in Node, the global `WebSocket` in browsers. */
  readonly WebSocket?: WebSocketConstructor;
  /** Where to log (debug/info/warn/error). Default: silent. Secrets are never logged. */
  readonly logger?: Logger;
  /** Liveness probe, or false. */
  readonly liveness?: LivenessOptions | false;
  /** ms a call may wait for readiness. Default 5000. */
  readonly maxWait?: number;
  /** Allow ws:// to a non-loopback host. */
  readonly allowInsecure?: boolean;
  /** Largest inbound frame. */
  readonly maxPayload?: number;
  /** permessage-deflate. */
  readonly perMessageDeflate?: boolean;
  /** Node ws options. */
  readonly wsOptions?: Record<string, unknown>;
  /** What await using does. */
  readonly dispose?: 'logout' | 'close';
}

/** Options after defaults are applied. */
export interface ResolvedOptions {
  readonly url: string;
  readonly credentials: Credentials | undefined;
  readonly grant: CredentialGrant;
  readonly scope: string | undefined;
  readonly signatureData: string;
  readonly requestTimeout: number;
  readonly connectTimeout: number;
  readonly refresh: Required<RefreshOptions>;
  readonly reconnect: Required<ReconnectOptions> | false;
  readonly heartbeatInterval: number | false;
  readonly cancelOnDisconnect: CancelOnDisconnect;
  readonly logoutTimeout: number;
  readonly logger: Logger | undefined;
  readonly liveness: Required<LivenessOptions> | false;
  readonly maxWait: number;
  readonly maxPayload: number;
  readonly perMessageDeflate: boolean;
  readonly wsOptions: Record<string, unknown> | undefined;
  readonly dispose: 'logout' | 'close';
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0))
    throw new TypeError(`option ${name} must be a positive number`);
  return value;
}

/** Apply defaults and validate; throws `TypeError` naming the bad option. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('DeribitSession needs an options object');
  const url = options.url ?? DERIBIT_MAINNET;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`option url is not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw new TypeError('option url must be a ws: or wss: URL');
  const { credentials } = options;
  if (credentials !== undefined) {
    if (typeof credentials.clientId !== 'string' || credentials.clientId === '') {
      throw new TypeError('credentials.clientId must be a non-empty string');
    }
    if (typeof credentials.clientSecret !== 'string' || credentials.clientSecret === '') {
      throw new TypeError('credentials.clientSecret must be a non-empty string');
    }
  }
  if (
    options.refreshToken !== undefined &&
    (typeof options.refreshToken !== 'string' || options.refreshToken === '')
  ) {
    throw new TypeError('option refreshToken must be a non-empty string');
  }
  if (credentials === undefined && options.refreshToken === undefined) {
    throw new TypeError('DeribitSession needs credentials or a refreshToken');
  }
  const grant = options.grant ?? 'client_signature';
  if (grant !== 'client_signature' && grant !== 'client_credentials') {
    throw new TypeError("option grant must be 'client_signature' or 'client_credentials'");
  }
  const cod = options.cancelOnDisconnect ?? false;
  if (cod !== false && cod !== 'connection' && cod !== 'account') {
    throw new TypeError("option cancelOnDisconnect must be 'connection', 'account' or false");
  }
  const heartbeatInterval =
    options.heartbeat === false
      ? false
      : positive('heartbeat.interval', options.heartbeat?.interval, DEFAULT_HEARTBEAT_INTERVAL);
  // Sessions without overrides share the frozen defaults: a process may hold hundreds of sessions.
  const reconnect =
    options.reconnect === false
      ? false
      : options.reconnect
        ? { ...DEFAULT_RECONNECT, ...options.reconnect }
        : DEFAULT_RECONNECT;
  if (reconnect) {
    if (!(reconnect.retries >= 0)) throw new TypeError('option reconnect.retries must be ≥ 0');
    if (!(reconnect.minTimeout >= 0) || !(reconnect.maxTimeout >= 0) || !(reconnect.factor >= 1)) {
      throw new TypeError('options reconnect.minTimeout/maxTimeout must be ≥ 0 and reconnect.factor ≥ 1');
    }
  }
  const refresh = options.refresh ? { ...DEFAULT_REFRESH, ...options.refresh } : DEFAULT_REFRESH;
  if (
    !(refresh.ratio > 0 && refresh.ratio <= 1) ||
    !(refresh.minRatio > 0 && refresh.minRatio <= refresh.ratio)
  ) {
    throw new TypeError('option refresh.ratio must be in (0, 1] and refresh.minRatio in (0, ratio]');
  }
  return {
    url,
    credentials,
    grant,
    scope: options.scope,
    signatureData: options.signatureData ?? '',
    requestTimeout: positive('requestTimeout', options.requestTimeout, 30_000),
    connectTimeout: positive('connectTimeout', options.connectTimeout, 10_000),
    refresh,
    reconnect,
    heartbeatInterval,
    cancelOnDisconnect: cod,
    logoutTimeout: positive('logoutTimeout', options.logoutTimeout, 5000),
    logger: options.logger,
    liveness: options.liveness === false ? false : { ...DEFAULT_LIVENESS, ...options.liveness },
    maxWait: options.maxWait ?? 5000,
    maxPayload: options.maxPayload ?? 32 * 1024 * 1024,
    perMessageDeflate: options.perMessageDeflate ?? false,
    wsOptions: options.wsOptions,
    dispose: options.dispose ?? 'logout',
  };
}
