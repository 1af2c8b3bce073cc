import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFRESH } from '../src/auth/refresh.js';
import { DEFAULT_RECONNECT } from '../src/connection/backoff.js';
import { DEFAULT_LIVENESS } from '../src/connection/liveness.js';
import { classify } from '../src/errors/classify.js';
import { InvalidArgumentError } from '../src/errors/errors.js';
import {
  DEFAULT_MAX_PAYLOAD,
  DERIBIT_MAINNET,
  type ResolvedOptions,
  resolveChildOptions,
  resolveOptions,
  type SessionOptions,
} from '../src/options/options.js';
import { isLoopbackHost } from '../src/options/url.js';
import { validateMaxWait, validateTimeout } from '../src/options/validate.js';

const SECRET = 'sup3r-s3cret-value';
const NUMERIC_SECRET = 987_654_321_123;
const base = {
  url: DERIBIT_MAINNET,
  credentials: { clientId: 'id', clientSecret: SECRET },
} satisfies SessionOptions;
const MAX = 2 ** 31 - 1;

/** The options `{ ...base, a: { b: value } }` for path `a.b`. */
function withOption(path: string, value: unknown): unknown {
  const [group, key] = path.split('.');
  return { ...base, [group ?? path]: key === undefined ? value : { [key]: value } };
}

/** The error `resolveOptions` throws for `options` (fails the test if it throws something else or nothing). */
function failure(options: unknown): InvalidArgumentError {
  try {
    resolveOptions(options as SessionOptions);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

/** Where each numeric option lands in {@link ResolvedOptions}. */
function resolvedAt(resolved: ResolvedOptions, path: string): unknown {
  if (path === 'heartbeat.interval') return resolved.heartbeatInterval;
  const [group, key] = path.split('.') as [keyof ResolvedOptions, string | undefined];
  const value = resolved[group];
  return key === undefined ? value : (value as unknown as Record<string, unknown>)[key];
}

// Values no numeric option accepts.
const NOT_NUMBERS: unknown[] = [Number.NaN, Number.NEGATIVE_INFINITY, '1', null, true, {}, [], 1n];

// [path, accepted values, refused numbers]
const NUMERIC: Array<[string, number[], number[]]> = [
  ['requestTimeout', [1, 0.5, 30_000, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['connectTimeout', [1, 10_000, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['logoutTimeout', [1, 5000, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['maxWait', [0, 1, 5000, MAX], [-1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['maxPayload', [1, 1024, Number.MAX_SAFE_INTEGER], [0, -1, 1.5, Number.POSITIVE_INFINITY]],
  ['refresh.ratio', [0.5, 0.9, 1], [0, -0.1, 1.01, Number.POSITIVE_INFINITY]],
  ['refresh.minRatio', [0.01, 0.8], [0, -0.1, 0.81, 1.5, Number.POSITIVE_INFINITY]],
  ['refresh.margin', [0, 60, 1e9], [-1, Number.POSITIVE_INFINITY]],
  ['refresh.jitter', [0, 0.5, 0.99], [-0.1, 1, Number.POSITIVE_INFINITY]],
  ['reconnect.retries', [0, 3, Number.POSITIVE_INFINITY], [-1, 1.5]],
  ['reconnect.factor', [1, 2.5], [0, 0.99, Number.POSITIVE_INFINITY]],
  ['reconnect.minTimeout', [0, 500, 30_000], [-1, 30_001, Number.POSITIVE_INFINITY]],
  ['reconnect.maxTimeout', [500, MAX], [-1, 499, MAX + 1, Number.POSITIVE_INFINITY]],
  ['reconnect.maxRetryTime', [1, 60_000, Number.POSITIVE_INFINITY], [0, -1]],
  ['reconnect.stableAfter', [0, 2000, MAX], [-1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['heartbeat.interval', [10, 15, 2_147_483], [0, -1, 9.99, 2_147_484, Number.POSITIVE_INFINITY]],
  ['liveness.idle', [1, 1000, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY]],
  ['liveness.timeout', [1, 1500, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY]],
];

describe('numeric options', () => {
  describe.each(NUMERIC)('%s', (path, good, bad) => {
    it.each(good)('accepts %s', (value) => {
      expect(resolvedAt(resolveOptions(withOption(path, value) as SessionOptions), path)).toBe(value);
    });

    it.each([...bad, ...NOT_NUMBERS])('refuses %s, naming the option', (value) => {
      const error = failure(withOption(path, value));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.argument).toBe(path);
      expect(error.message).toContain(`option ${path}`);
      expect(classify(error)).toBe('caller');
    });

    it('takes undefined as the default', () => {
      const resolved = resolveOptions(withOption(path, undefined) as SessionOptions);
      expect(resolvedAt(resolved, path)).toBe(resolvedAt(resolveOptions(base), path));
    });
  });

  it('echoes the bad number and says what is allowed', () => {
    expect(failure({ ...base, requestTimeout: -5 }).message).toBe(
      'option requestTimeout must be a number of ms > 0 and ≤ 2147483647; got -5',
    );
    expect(failure({ ...base, reconnect: { retries: 1.5 } }).message).toBe(
      'option reconnect.retries must be an integer ≥ 0, or Infinity; got 1.5',
    );
  });

  it('blames the option the caller set when two conflict, and says which one is a default', () => {
    const error = failure({ ...base, refresh: { ratio: 0.3 } });
    expect(error.argument).toBe('refresh.ratio');
    expect(error.message).toBe(
      'option refresh.ratio (0.3) must be at least refresh.minRatio (0.5, the default)',
    );
    expect(failure({ ...base, reconnect: { minTimeout: 60_000 } }).argument).toBe('reconnect.minTimeout');
    expect(
      resolveOptions({ ...base, reconnect: { minTimeout: 60_000, maxTimeout: 60_000 } }).reconnect,
    ).toMatchObject({ minTimeout: 60_000, maxTimeout: 60_000 });
  });
});

describe('per-call validators', () => {
  it.each([
    [validateTimeout, [1, MAX], [0, -1, MAX + 1, Number.POSITIVE_INFINITY, ...NOT_NUMBERS]],
    [validateMaxWait, [0, 1, MAX], [-1, MAX + 1, Number.POSITIVE_INFINITY, ...NOT_NUMBERS]],
  ] as const)('%o checks a value like the session option', (validate, good, bad) => {
    expect(validate('timeout', undefined, 123)).toBe(123);
    for (const value of good) expect(validate('timeout', value, 123)).toBe(value);
    for (const value of bad) {
      expect(() => validate('timeout', value, 123)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'timeout' }),
      );
    }
  });
});

describe('other options', () => {
  it.each([
    ['reconnect.randomize', ['true', 1, null]],
    ['allowInsecure', ['yes', 0, null]],
    ['perMessageDeflate', ['false', 1, null]],
    ['grant', ['password', 'refresh_token', 1]],
    ['cancelOnDisconnect', ['acount', true, null]],
    ['dispose', ['exit', true]],
    ['url', [5, '', 'http://www.deribit.com', 'not a url', 'wss://x.test/ws#frag']],
    ['scope', [5, {}]],
    ['signatureData', [5, null]],
    ['refreshToken', ['', 5]],
    ['reconnect', [true, 'off', null, []]],
    ['heartbeat', [true, 15]],
    ['liveness', [true, 1000]],
    ['refresh', [false, 'x']],
    ['wsOptions', [false, 'x']],
    ['logger', [{}, { debug() {}, info() {}, warn() {} }, 'console', null]],
    ['WebSocket', [{}, 'ws', null]],
  ] as const)('%s refuses %o', (path, values) => {
    for (const value of values) expect(failure(withOption(path, value)).argument).toBe(path);
  });

  it('applies every default, and `false` turns groups off', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      url: DERIBIT_MAINNET,
      allowInsecure: false,
      grant: 'client_signature',
      refreshToken: undefined,
      scope: undefined,
      signatureData: '',
      requestTimeout: 30_000,
      connectTimeout: 10_000,
      logoutTimeout: 5000,
      maxWait: 5000,
      refresh: DEFAULT_REFRESH,
      reconnect: DEFAULT_RECONNECT,
      heartbeatInterval: 15,
      liveness: { idle: 1000, timeout: 1500 },
      cancelOnDisconnect: false,
      maxPayload: DEFAULT_MAX_PAYLOAD,
      perMessageDeflate: false,
      wsOptions: {},
      dispose: 'logout',
      WebSocket: undefined,
      logger: undefined,
    });
    const off = resolveOptions({ ...base, reconnect: false, heartbeat: false, liveness: false });
    expect(off).toMatchObject({ reconnect: false, heartbeatInterval: false, liveness: false });
  });

  it('accepts console and pino-style loggers', () => {
    expect(resolveOptions({ ...base, logger: console }).logger).toBe(console);
    const pinoLike = { debug() {}, info() {}, warn() {}, error() {}, child() {}, level: 'info' };
    expect(resolveOptions({ ...base, logger: pinoLike }).logger).toBe(pinoLike);
  });

  it('needs credentials or a refresh token, and both credential fields', () => {
    expect(failure({ url: DERIBIT_MAINNET }).message).toMatch(/credentials or a refreshToken/);
    const url = DERIBIT_MAINNET;
    expect(failure({ url, credentials: { clientId: 'id' } }).argument).toBe('credentials.clientSecret');
    expect(failure({ url, credentials: { clientId: '', clientSecret: SECRET } }).argument).toBe(
      'credentials.clientId',
    );
    expect(failure({ url, credentials: 'id:secret' }).argument).toBe('credentials');
    expect(resolveOptions({ url: DERIBIT_MAINNET, refreshToken: 'rt' }).credentials).toBeUndefined();
  });

  it.each([null, undefined, [], 'options', 5])('refuses %o as the options object', (value) => {
    expect(failure(value).argument).toBe('options');
  });
});

describe('unknown keys', () => {
  it.each([
    [{ cancelOnDisconect: 'account' }, 'cancelOnDisconect', 'did you mean cancelOnDisconnect?'],
    [{ requesttimeout: 5 }, 'requesttimeout', 'did you mean requestTimeout?'],
    [{ websocket: class {} }, 'websocket', 'did you mean WebSocket?'],
    [{ interval: 10 }, 'interval', 'did you mean heartbeat.interval?'],
    [{ retries: 3 }, 'retries', 'did you mean reconnect.retries?'],
    [{ clientSecret: SECRET }, 'clientSecret', 'did you mean credentials.clientSecret?'],
    [{ handshakeTimeout: 5 }, 'handshakeTimeout', 'did you mean connectTimeout?'],
    [{ refresh: { ratoi: 0.5 } }, 'refresh.ratoi', 'did you mean refresh.ratio?'],
    [{ reconnect: { maxRetrytime: 5 } }, 'reconnect.maxRetrytime', 'did you mean reconnect.maxRetryTime?'],
    [{ heartbeat: { intervall: 5 } }, 'heartbeat.intervall', 'did you mean heartbeat.interval?'],
    [{ liveness: { idel: 5 } }, 'liveness.idel', 'did you mean liveness.idle?'],
    [
      { credentials: { clientId: 'id', client_secret: SECRET } },
      'credentials.client_secret',
      'did you mean credentials.clientSecret?',
    ],
    [{ wsOptions: { agnet: {} } }, 'wsOptions.agnet', 'did you mean wsOptions.agent?'],
    [{ wsOptions: { maxPayload: 5 } }, 'wsOptions.maxPayload', 'set it at the top level'],
    [{ wsOptions: { handshakeTimeout: 5 } }, 'wsOptions.handshakeTimeout', 'connectTimeout'],
    [{ zzz: 1 }, 'zzz', 'valid options: url, credentials, grant'],
    [{ refresh: { zzz: 1 } }, 'refresh.zzz', 'valid options of refresh: ratio, margin, minRatio, jitter'],
    [{ cancelOnDisconect: undefined }, 'cancelOnDisconect', 'did you mean cancelOnDisconnect?'],
  ])('%o throws naming %s', (extra, argument, advice) => {
    const error = failure({ ...base, ...extra });
    expect(error.argument).toBe(argument);
    expect(error.message.startsWith(`unknown option ${argument}; `)).toBe(true);
    expect(error.message).toContain(advice);
    expect(inspect(error)).not.toContain(SECRET);
  });
});

describe('allowInsecure and the URL', () => {
  it.each([
    'ws://localhost:1234/ws/api/v2',
    'ws://LOCALHOST/x',
    'ws://127.0.0.1:8080/ws',
    'ws://127.255.0.9/ws',
    'ws://[::1]:8080/ws',
    'ws://[0:0:0:0:0:0:0:1]/ws',
    'ws://emulator.localhost/ws',
  ])('accepts ws:// to loopback %s', (url) => {
    expect(resolveOptions({ ...base, url }).url).toBe(url);
  });

  it.each([
    'ws://example.com/ws',
    'ws://10.0.0.1/ws',
    'ws://192.168.1.10/ws',
    'ws://localhost.example.com/ws',
    'ws://127.0.0.1.nip.io/ws',
    'ws://[::2]/ws',
  ])('refuses ws:// to %s, saying what to do, unless allowInsecure', (url) => {
    const error = failure({ ...base, url });
    expect(error.argument).toBe('url');
    expect(error.message).toMatch(/use wss:\/\/, or set allowInsecure: true/);
    expect(resolveOptions({ ...base, url, allowInsecure: true }).url).toBe(url);
  });

  it('always accepts wss://', () => {
    expect(resolveOptions({ ...base, url: 'wss://example.com/ws' }).url).toBe('wss://example.com/ws');
    expect(resolveOptions({ ...base, url: 'wss://10.0.0.1/ws', allowInsecure: false }).allowInsecure).toBe(
      false,
    );
  });

  it('turning off TLS verification needs allowInsecure too', () => {
    const wsOptions = { rejectUnauthorized: false };
    expect(failure({ ...base, wsOptions }).argument).toBe('wsOptions.rejectUnauthorized');
    expect(resolveOptions({ ...base, wsOptions, allowInsecure: true }).wsOptions).toEqual(wsOptions);
  });

  it('knows loopback hosts by their URL form', () => {
    expect(isLoopbackHost(new URL('ws://127.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('ws://0x7f000001/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('ws://128.0.0.1/').hostname)).toBe(false);
  });
});

describe('wsOptions', () => {
  it('passes the known Node ws options through, as a frozen copy', () => {
    const headers = { 'Proxy-Authorization': 'Basic abc' };
    const given = { agent: {}, headers, localAddress: '10.0.0.2', family: 4 as const, origin: 'https://me' };
    const resolved = resolveOptions({ ...base, wsOptions: given }).wsOptions;
    expect(resolved).toEqual(given);
    expect(Object.isFrozen(resolved) && Object.isFrozen(resolved.headers)).toBe(true);
    headers['Proxy-Authorization'] = 'changed later';
    expect(resolved.headers?.['Proxy-Authorization']).toBe('Basic abc');
  });

  it.each([
    ['agent', 'http://proxy:8080'],
    ['agent', null],
    ['headers', 'x'],
    ['localAddress', ''],
    ['family', 5],
    ['origin', 5],
    ['ca', 5],
    ['ca', [5]],
    ['servername', {}],
  ])('refuses %s = %o', (key, value) => {
    expect(failure({ ...base, wsOptions: { [key]: value } }).argument).toBe(`wsOptions.${key}`);
  });

  it('checks header values, never echoing them', () => {
    const error = failure({ ...base, wsOptions: { headers: { Authorization: NUMERIC_SECRET } } });
    expect(error.argument).toBe('wsOptions.headers.Authorization');
    expect(inspect(error)).not.toContain(String(NUMERIC_SECRET));
  });
});

describe('no secret in any message', () => {
  it.each([
    { credentials: { clientId: 'id', clientSecret: NUMERIC_SECRET } },
    { credentials: { clientId: NUMERIC_SECRET, clientSecret: SECRET } },
    { credentials: { clientId: 'id', clientSecret: SECRET, extra: SECRET } },
    { ...base, refreshToken: NUMERIC_SECRET },
    { refreshToken: '' },
    { ...base, requestTimeout: SECRET },
    { ...base, url: `wss://user:${SECRET}@x y` },
    { ...base, url: SECRET },
    { ...base, grant: SECRET },
    { ...base, scope: NUMERIC_SECRET },
    { ...base, [SECRET.slice(0, 3)]: SECRET },
  ])('%#', (options) => {
    const text = inspect(failure(options), { depth: 5, showHidden: true });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(String(NUMERIC_SECRET));
  });
});

describe('shared defaults', () => {
  it('sessions without overrides share frozen nested defaults', () => {
    const a = resolveOptions(base);
    const b = resolveOptions({
      ...base,
      reconnect: {},
      refresh: { ratio: 0.8 },
      liveness: {},
      wsOptions: undefined,
    });
    expect(Object.isFrozen(a)).toBe(true);
    expect(b.refresh).toBe(a.refresh);
    expect(b.reconnect).toBe(DEFAULT_RECONNECT);
    expect(b.liveness).toBe(DEFAULT_LIVENESS);
    expect(b.wsOptions).toBe(a.wsOptions);
    const c = resolveOptions({ ...base, reconnect: { retries: 3 } });
    expect(c.reconnect).not.toBe(DEFAULT_RECONNECT);
    expect(Object.isFrozen(c.reconnect)).toBe(true);
  });
});

describe('child session options', () => {
  const parent = {
    ...base,
    scope: 'session:main',
    requestTimeout: 1234,
    grant: 'client_credentials',
  } as const;

  it("inherit the parent's tuning, never how it authenticates", () => {
    const child = resolveChildOptions(parent, { connectTimeout: 777 });
    expect(child).toEqual({ url: DERIBIT_MAINNET, requestTimeout: 1234, connectTimeout: 777 });
    expect(Object.isFrozen(child)).toBe(true);
    expect(resolveOptions({ ...child, refreshToken: 'rt' })).toMatchObject({
      requestTimeout: 1234,
      connectTimeout: 777,
      credentials: undefined,
      scope: undefined,
    });
    expect(resolveChildOptions(parent)).toEqual({ url: DERIBIT_MAINNET, requestTimeout: 1234 });
  });

  it.each(['credentials', 'refreshToken', 'scope', 'grant', 'signatureData'])('refuse %s', (key) => {
    expect(() => resolveChildOptions(parent, { [key]: SECRET })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        argument: key,
        message: expect.stringMatching(/fork\(\)\/exchange\(\) child cannot set/),
      }),
    );
  });

  it('are validated like session options, unknown keys included', () => {
    expect(() => resolveChildOptions(parent, { connectTimeout: -1 })).toThrow(/option connectTimeout/);
    expect(() => resolveChildOptions(parent, { heartbeat: { intervall: 3 } })).toThrow(
      /heartbeat\.interval\?/,
    );
    expect(() => resolveChildOptions(parent, { sessionName: 'x' })).toThrow(InvalidArgumentError);
    expect(() => resolveChildOptions(parent, null)).toThrow(InvalidArgumentError);
  });
});

describe('what Deribit would refuse is refused at construction', () => {
  it('url is required: there is no implicit endpoint', () => {
    const error = failure({ credentials: base.credentials });
    expect(error.argument).toBe('url');
    expect(error.message).toMatch(/url is required: DERIBIT_TESTNET or DERIBIT_MAINNET/);
  });

  it('a heartbeat under 10 s is refused for Deribit, accepted on loopback (the emulator takes it)', () => {
    expect(failure({ ...base, heartbeat: { interval: 5 } }).message).toMatch(
      /at least 10 s: Deribit refuses/,
    );
    const local = resolveOptions({
      ...base,
      url: 'ws://127.0.0.1:9/ws/api/v2',
      heartbeat: { interval: 0.5 },
    });
    expect(local.heartbeatInterval).toBe(0.5);
  });

  it.each([
    ['sesion:bot', /'sesion:bot' is not a Deribit scope; did you mean session:bot\?/],
    ['session:', /needs a value after 'session:'; did you mean session:NAME\?/],
    ['trade:rw', /not a level of trade .*did you mean trade:read\?/],
    ['trade:read_write expires:0', /'expires:0' needs a whole number of seconds/],
    ['conection', /did you mean connection\?/],
  ])('scope %s is refused with the nearest valid word', (scope, message) => {
    const error = failure({ ...base, scope });
    expect(error.argument).toBe('scope');
    expect(error.message).toMatch(message);
  });

  it('every part Deribit documents is accepted, in any order, including what production sends back', () => {
    const scope =
      'block_trade:read connection trade:read_write account:read wallet:none mainaccount name:bot expires:3600 ip:*';
    expect(resolveOptions({ ...base, scope }).scope).toBe(scope);
    expect(
      resolveOptions({ ...base, scope: 'session:mm custody:read_write block_rfq:read' }).scope,
    ).toBeDefined();
  });
});
