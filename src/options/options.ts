/**
 * Session options, their defaults, and validation: a bad option fails at construction with an
 * {@link InvalidArgumentError} naming it, never later on a live socket.
 * @module
 */
import type { Credentials } from '../auth/grants.js';
import { DEFAULT_REFRESH, type RefreshOptions } from '../auth/refresh.js';
import { validatePoolLimits } from '../calls/credits/governor-types.js';
import type { CreditStore } from '../calls/credits/store.js';
import { DEFAULT_RECONNECT, type ReconnectOptions } from '../connection/backoff.js';
import { DEFAULT_HEARTBEAT_INTERVAL, type HeartbeatOptions } from '../connection/lifetime.js';
import { DEFAULT_LIVENESS, type LivenessOptions } from '../connection/liveness.js';
import type { WebSocketConstructor } from '../connection/socket.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { MAX_TIMER_DELAY } from '../time/wait.js';
import { checkRequestedScope } from './requested-scope.js';
import {
  DEFAULT_MAX_PAYLOAD,
  DERIBIT_MIN_HEARTBEAT,
  type Logger,
  type ResolvedCredits,
  type ResolvedOptions,
  type SessionOptions,
} from './types.js';
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
import { resolveWsOptions, WS_OPTION_KEYS } from './ws-options.js';

export {
  type CancelOnDisconnect,
  type CreditOptions,
  DEFAULT_MAX_PAYLOAD,
  DERIBIT_MAINNET,
  DERIBIT_MIN_HEARTBEAT,
  DERIBIT_TESTNET,
  type DisposeAction,
  type Logger,
  type ResolvedCredits,
  type ResolvedOptions,
  type SessionOptions,
} from './types.js';

/** Default of `requestTimeout`, ms: Deribit's recommended request timeout. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
/** Default of `connectTimeout`, ms. */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;
/** Default of `logoutTimeout`, ms. */
export const DEFAULT_LOGOUT_TIMEOUT = 5000;
/** Default of `maxWait`, ms: how long a call may wait for readiness and credits before it is refused unsent. */
export const DEFAULT_MAX_WAIT = 5000;

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
  credits: true,
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

function resolveCredits(value: unknown): ResolvedCredits | false {
  if (value === false) return false;
  if (value === undefined) return { store: undefined, key: undefined, pools: {} };
  const raw = objectOption('credits', value, 'an object { store?, key?, pools? } or false');
  rejectUnknownKeys('credits', raw, ['store', 'key', 'pools']);
  const store = raw['store'];
  if (
    store !== undefined &&
    (typeof store !== 'object' || store === null || typeof (store as CreditStore).bucket !== 'function')
  ) {
    throw new InvalidArgumentError(
      'credits.store',
      'option credits.store must be a CreditStore (e.g. a RedisCreditStore)',
    );
  }
  return {
    store: store as CreditStore | undefined,
    key: stringOption('credits.key', raw['key'], true),
    pools: validatePoolLimits(raw['pools'], 'credits.pools'),
  };
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
    requestTimeout: validateTimeout('requestTimeout', raw['requestTimeout'], DEFAULT_REQUEST_TIMEOUT),
    connectTimeout: validateTimeout('connectTimeout', raw['connectTimeout'], DEFAULT_CONNECT_TIMEOUT),
    logoutTimeout: validateTimeout('logoutTimeout', raw['logoutTimeout'], DEFAULT_LOGOUT_TIMEOUT),
    maxWait: validateMaxWait('maxWait', raw['maxWait'], DEFAULT_MAX_WAIT),
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
    credits: resolveCredits(raw['credits']),
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
