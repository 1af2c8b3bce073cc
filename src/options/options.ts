/**
 * Session options, their defaults, and validation: a bad option fails at construction with an
 * {@link InvalidArgumentError} naming it, never later on a live socket.
 * @module
 */
import type { CredentialGrant, Credentials } from '../auth/grants.js';
import { DEFAULT_REFRESH, type RefreshOptions } from '../auth/refresh.js';
import { DEFAULT_RECONNECT, type ReconnectOptions } from '../connection/backoff.js';
import { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from '../connection/lifetime.js';
import { DEFAULT_LIVENESS, type LivenessOptions } from '../connection/liveness.js';
import type { WebSocketConstructor } from '../connection/socket.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { MAX_TIMER_DELAY } from '../time/wait.js';
import { checkRequestedScope } from './requested-scope.js';
import { checkUrl, isLoopbackHost } from './url.js';
import {
  booleanOption,
  describeValue,
  type GroupRules,
  numberIn,
  numberOption,
  objectOption,
  oneOf,
  rejectUnknownKeys,
  requireOrder,
  resolveGroup,
  stringOption,
  TIMEOUT_RANGE,
  validateMaxWait,
  validateTimeout,
  WAIT_RANGE,
} from './validate.js';
import { type NodeWebSocketOptions, resolveWsOptions, WS_OPTION_KEYS } from './ws-options.js';

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
}

/** Options a `fork()`/`exchange()` child never takes from its own options: it authenticates with the token its parent obtains. */
export const CHILD_FIXED_KEYS = ['credentials', 'refreshToken', 'scope', 'grant', 'signatureData'] as const;
/** One of {@link CHILD_FIXED_KEYS}. */
export type ChildFixedKey = (typeof CHILD_FIXED_KEYS)[number];

// Typed as a record of every key, so adding an option without listing it here fails to compile.
const OPTION_KEYS = Object.keys({
  url: true,
  credentials: true,
  grant: true,
  refreshToken: true,
  scope: true,
  signatureData: true,
  requestTimeout: true,
  connectTimeout: true,
  logoutTimeout: true,
  maxWait: true,
  refresh: true,
  reconnect: true,
  heartbeat: true,
  liveness: true,
  cancelOnDisconnect: true,
  allowInsecure: true,
  maxPayload: true,
  perMessageDeflate: true,
  wsOptions: true,
  dispose: true,
  WebSocket: true,
  logger: true,
  labelOrders: true,
  label: true,
} satisfies Record<keyof SessionOptions, true>);
const CHILD_KEYS = OPTION_KEYS.filter((key) => !(CHILD_FIXED_KEYS as readonly string[]).includes(key));

const GROUP_KEYS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['credentials', ['clientId', 'clientSecret']],
  ['refresh', Object.keys(DEFAULT_REFRESH)],
  ['reconnect', Object.keys(DEFAULT_RECONNECT)],
  ['heartbeat', ['interval']],
  ['liveness', Object.keys(DEFAULT_LIVENESS)],
  ['wsOptions', WS_OPTION_KEYS],
];
/** Advice for a top-level key that belongs in a group (`interval` → `heartbeat.interval`). */
const MOVED: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    GROUP_KEYS.flatMap(([group, keys]) => keys.map((key) => [key, `did you mean ${group}.${key}?`])),
  ),
  timeout: 'did you mean requestTimeout (or liveness.timeout)?',
  handshakeTimeout: 'did you mean connectTimeout?',
};
const CHILD_MOVED: Readonly<Record<string, string>> = {
  ...MOVED,
  ...Object.fromEntries(
    CHILD_FIXED_KEYS.map((key) => [
      key,
      `a fork()/exchange() child cannot set ${key}: it authenticates with the token its parent obtains for it`,
    ]),
  ),
};

const HEARTBEAT_DEFAULTS: Required<HeartbeatOptions> = Object.freeze({
  interval: DEFAULT_HEARTBEAT_INTERVAL,
});

const REFRESH_RULES = {
  ratio: numberIn({ min: 0, aboveMin: true, max: 1 }),
  margin: numberIn({ min: 0, unit: 's' }),
  minRatio: numberIn({ min: 0, aboveMin: true, max: 1 }),
  jitter: numberIn({ min: 0, max: 1, belowMax: true }),
} satisfies GroupRules<Required<RefreshOptions>>;

const RECONNECT_RULES: GroupRules<Required<ReconnectOptions>> = {
  retries: numberIn({ min: 0, integer: true, infinity: true }),
  factor: numberIn({ min: 1 }),
  minTimeout: numberIn(WAIT_RANGE),
  maxTimeout: numberIn(WAIT_RANGE),
  randomize: booleanOption,
  // Compared with elapsed time by p-retry, never a timer: no 2^31 − 1 limit.
  maxRetryTime: numberIn({ min: 0, aboveMin: true, infinity: true, unit: 'ms' }),
  stableAfter: numberIn(WAIT_RANGE),
};
// The watchdog's timer runs on half the interval; the whole interval in ms stays within a timer's range.
const HEARTBEAT_RULES: GroupRules<Required<HeartbeatOptions>> = {
  interval: numberIn({ min: 0, aboveMin: true, max: MAX_TIMER_DELAY / 1000, unit: 's' }),
};
const LIVENESS_RULES: GroupRules<Required<LivenessOptions>> = {
  idle: numberIn(TIMEOUT_RANGE),
  timeout: numberIn(TIMEOUT_RANGE),
};

/** A group that may also be `false` (off). */
function groupOrFalse<T extends object>(
  path: string,
  value: unknown,
  defaults: T,
  rules: GroupRules<T>,
): T | false {
  if (value === false) return false;
  if (value !== undefined) objectOption(path, value, 'an object or false');
  return resolveGroup(path, value, defaults, rules);
}

/** The raw group, for {@link requireOrder} to tell defaults from given values. */
const given = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null ? (value as Readonly<Record<string, unknown>>) : {};

function resolveRefresh(value: unknown): Required<RefreshOptions> {
  const refresh = resolveGroup('refresh', value, DEFAULT_REFRESH, REFRESH_RULES);
  requireOrder('refresh', 'minRatio', refresh.minRatio, 'ratio', refresh.ratio, given(value));
  return refresh;
}

function resolveReconnect(value: unknown): Required<ReconnectOptions> | false {
  const reconnect = groupOrFalse('reconnect', value, DEFAULT_RECONNECT, RECONNECT_RULES);
  if (reconnect) {
    requireOrder(
      'reconnect',
      'minTimeout',
      reconnect.minTimeout,
      'maxTimeout',
      reconnect.maxTimeout,
      given(value),
    );
  }
  return reconnect;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function resolveLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  const what = 'an object with debug, info, warn and error methods';
  const logger = objectOption('logger', value, what);
  if (LOG_LEVELS.some((level) => typeof logger[level] !== 'function')) {
    throw new InvalidArgumentError('logger', `option logger must be ${what}`);
  }
  return value as Logger;
}

function resolveWebSocket(value: unknown): WebSocketConstructor | undefined {
  if (value === undefined || typeof value === 'function') return value as WebSocketConstructor | undefined;
  throw new InvalidArgumentError('WebSocket', 'option WebSocket must be a WebSocket constructor');
}

/** Everything but how to authenticate: what a child session may inherit or override. */
function resolveTuning(raw: Readonly<Record<string, unknown>>): Omit<ResolvedOptions, ChildFixedKey> {
  const allowInsecure = booleanOption('allowInsecure', raw['allowInsecure'], false);
  const url = stringOption('url', raw['url'], true);
  if (url === undefined) {
    throw new InvalidArgumentError(
      'url',
      "option url is required: DERIBIT_TESTNET or DERIBIT_MAINNET (import them from 'deribit-session'), or an emulator's url",
    );
  }
  checkUrl(url, allowInsecure);
  const heartbeat = groupOrFalse('heartbeat', raw['heartbeat'], HEARTBEAT_DEFAULTS, HEARTBEAT_RULES);
  // Deribit refuses heartbeats under 10 s; the emulator (on loopback) takes less, for tests.
  if (
    heartbeat !== false &&
    heartbeat.interval < DERIBIT_MIN_HEARTBEAT &&
    !isLoopbackHost(new URL(url).hostname)
  ) {
    throw new InvalidArgumentError(
      'heartbeat.interval',
      `option heartbeat.interval must be at least ${DERIBIT_MIN_HEARTBEAT} s: Deribit refuses shorter intervals; got ${heartbeat.interval}`,
    );
  }
  return {
    url,
    allowInsecure,
    requestTimeout: validateTimeout('requestTimeout', raw['requestTimeout'], 30_000),
    connectTimeout: validateTimeout('connectTimeout', raw['connectTimeout'], 10_000),
    logoutTimeout: validateTimeout('logoutTimeout', raw['logoutTimeout'], 5000),
    maxWait: validateMaxWait('maxWait', raw['maxWait'], 5000),
    refresh: resolveRefresh(raw['refresh']),
    reconnect: resolveReconnect(raw['reconnect']),
    heartbeatInterval: heartbeat === false ? false : heartbeat.interval,
    liveness: groupOrFalse('liveness', raw['liveness'], DEFAULT_LIVENESS, LIVENESS_RULES),
    cancelOnDisconnect: oneOf(
      'cancelOnDisconnect',
      raw['cancelOnDisconnect'],
      ['connection', 'account', false],
      false,
    ),
    maxPayload: numberOption('maxPayload', raw['maxPayload'], DEFAULT_MAX_PAYLOAD, {
      min: 0,
      aboveMin: true,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      unit: 'bytes',
    }),
    perMessageDeflate: booleanOption('perMessageDeflate', raw['perMessageDeflate'], false),
    wsOptions: resolveWsOptions(raw['wsOptions'], allowInsecure),
    dispose: oneOf('dispose', raw['dispose'], ['logout', 'close'], 'logout'),
    WebSocket: resolveWebSocket(raw['WebSocket']),
    logger: resolveLogger(raw['logger']),
    labelOrders: booleanOption('labelOrders', raw['labelOrders'], false),
    label: stringOption('label', raw['label'], true),
  };
}

function resolveCredentials(value: unknown): Credentials {
  const raw = objectOption('credentials', value, 'an object { clientId, clientSecret }');
  rejectUnknownKeys('credentials', raw, ['clientId', 'clientSecret']);
  // Never echo these values, not even their kind's details.
  const field = (key: 'clientId' | 'clientSecret'): string => {
    const text = raw[key];
    if (typeof text === 'string' && text !== '') return text;
    throw new InvalidArgumentError(
      `credentials.${key}`,
      `option credentials.${key} must be a non-empty string`,
    );
  };
  return Object.freeze({ clientId: field('clientId'), clientSecret: field('clientSecret') });
}

/** How to authenticate: never inherited by a child session. */
function resolveIdentity(raw: Readonly<Record<string, unknown>>): Pick<ResolvedOptions, ChildFixedKey> {
  const credentials = raw['credentials'] === undefined ? undefined : resolveCredentials(raw['credentials']);
  const refreshToken = stringOption('refreshToken', raw['refreshToken'], true);
  if (credentials === undefined && refreshToken === undefined) {
    throw new InvalidArgumentError('credentials', 'DeribitSession needs credentials or a refreshToken');
  }
  return {
    credentials,
    refreshToken,
    grant: oneOf('grant', raw['grant'], ['client_signature', 'client_credentials'], 'client_signature'),
    scope: requestedScope(raw['scope']),
    signatureData: stringOption('signatureData', raw['signatureData']) ?? '',
  };
}

function requestedScope(value: unknown): string | undefined {
  const scope = stringOption('scope', value);
  if (scope !== undefined) checkRequestedScope(scope);
  return scope;
}

function optionsObject(value: unknown): Readonly<Record<string, unknown>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Readonly<Record<string, unknown>>;
  }
  throw new InvalidArgumentError('options', `options must be an object; got ${describeValue(value)}`);
}

/** Validate `options` and apply defaults. Throws {@link InvalidArgumentError} naming the first bad option. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  const raw = optionsObject(options);
  rejectUnknownKeys('', raw, OPTION_KEYS, MOVED);
  return Object.freeze({ ...resolveTuning(raw), ...resolveIdentity(raw) });
}

/**
 * The options of a `fork()`/`exchange()` child: the parent's, without how it authenticates, overridden by
 * `overrides`. Validated like {@link resolveOptions} (call it before asking the server for the child's
 * token), and refuses {@link CHILD_FIXED_KEYS}. Add the child's `refreshToken` to construct the child.
 */
export function resolveChildOptions(
  parent: SessionOptions,
  overrides: unknown = {},
): Readonly<Omit<SessionOptions, ChildFixedKey>> {
  const raw = optionsObject(overrides);
  rejectUnknownKeys('', raw, CHILD_KEYS, CHILD_MOVED);
  const {
    credentials: _credentials,
    refreshToken: _refreshToken,
    scope: _scope,
    grant: _grant,
    signatureData: _signatureData,
    ...inherited
  } = parent;
  const merged = { ...inherited, ...raw };
  resolveTuning(merged);
  return Object.freeze(merged) as Omit<SessionOptions, ChildFixedKey>;
}
