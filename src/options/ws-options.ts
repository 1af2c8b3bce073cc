/**
 * Options passed through to Node's `ws` client. Our own interface, so `@types/ws` stays out of the public
 * API; only what a trading connection plausibly needs (proxies, headers, interface, TLS trust).
 * @module
 */
import { InvalidArgumentError } from '../errors/errors.js';
import {
  booleanOption,
  describeValue,
  objectOption,
  oneOf,
  rejectUnknownKeys,
  stringOption,
} from './validate.js';

/** PEM text or bytes, or a list of them (what Node's TLS accepts for `ca`). */
export type PemInput = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/**
 * Node `ws` client options, passed through as given. Ignored in browsers (and by a custom `WebSocket`
 * constructor that does not read them). `maxPayload` and `perMessageDeflate` are session options of their
 * own, and `connectTimeout` replaces `handshakeTimeout`.
 */
export interface NodeWebSocketOptions {
  /** An `http.Agent`, e.g. a proxy agent (`https-proxy-agent`). Typed structurally: any object. */
  readonly agent?: object;
  /** Extra HTTP headers on the upgrade request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Local address to connect from (one of this machine's interfaces). */
  readonly localAddress?: string;
  /** IP family for the host lookup: `4`, `6`, or `0` for either. */
  readonly family?: 0 | 4 | 6;
  /** Value of the `Origin` header. */
  readonly origin?: string;
  /** Verify the server's TLS certificate. Default `true`; `false` requires `allowInsecure: true`. */
  readonly rejectUnauthorized?: boolean;
  /** Certificate authorities to trust instead of Node's defaults (e.g. behind a TLS-inspecting proxy). */
  readonly ca?: PemInput;
  /** TLS server name (SNI), when it differs from the URL's host. */
  readonly servername?: string;
}

/** The keys {@link NodeWebSocketOptions} accepts. */
export const WS_OPTION_KEYS = [
  'agent',
  'headers',
  'localAddress',
  'family',
  'origin',
  'rejectUnauthorized',
  'ca',
  'servername',
] as const satisfies ReadonlyArray<keyof NodeWebSocketOptions>;

const OWNED: Readonly<Record<string, string>> = {
  maxPayload: 'maxPayload is a session option: set it at the top level',
  perMessageDeflate: 'perMessageDeflate is a session option: set it at the top level',
  handshakeTimeout: 'use the session option connectTimeout',
};

/** Shared by every session that passes no `wsOptions`. */
export const NO_WS_OPTIONS: NodeWebSocketOptions = Object.freeze({});

const isPem = (value: unknown): boolean => typeof value === 'string' || value instanceof Uint8Array;

/**
 * Shallow validation of `wsOptions`: known keys only, each of the right type. Returns a frozen copy
 * (a later change to the caller's object cannot bypass the checks). Values are never echoed (`headers`
 * may hold credentials of a proxy).
 */
export function resolveWsOptions(value: unknown, allowInsecure: boolean): NodeWebSocketOptions {
  if (value === undefined) return NO_WS_OPTIONS;
  const raw = objectOption('wsOptions', value);
  rejectUnknownKeys('wsOptions', raw, WS_OPTION_KEYS, OWNED);
  const fail = (key: string, what: string): never => {
    throw new InvalidArgumentError(
      `wsOptions.${key}`,
      `option wsOptions.${key} must be ${what}; got ${describeValue(raw[key])}`,
    );
  };
  const { agent, headers, ca, rejectUnauthorized } = raw;
  if (agent !== undefined && (typeof agent !== 'object' || agent === null)) fail('agent', 'an http.Agent');
  if (headers !== undefined) {
    const entries = Object.entries(objectOption('wsOptions.headers', headers));
    for (const [name, header] of entries) stringOption(`wsOptions.headers.${name}`, header);
  }
  stringOption('wsOptions.localAddress', raw['localAddress'], true);
  oneOf('wsOptions.family', raw['family'], [0, 4, 6] as const, 0);
  stringOption('wsOptions.origin', raw['origin']);
  stringOption('wsOptions.servername', raw['servername'], true);
  if (ca !== undefined && !isPem(ca) && !(Array.isArray(ca) && ca.every(isPem))) {
    fail('ca', 'PEM text, bytes, or a list of them');
  }
  if (booleanOption('wsOptions.rejectUnauthorized', rejectUnauthorized, true) === false && !allowInsecure) {
    throw new InvalidArgumentError(
      'wsOptions.rejectUnauthorized',
      'option wsOptions.rejectUnauthorized: false turns off TLS verification: set allowInsecure: true as well if you mean it',
    );
  }
  const copy: Record<string, unknown> = {};
  for (const key of WS_OPTION_KEYS) if (raw[key] !== undefined) copy[key] = raw[key];
  if (headers !== undefined) copy['headers'] = Object.freeze({ ...(headers as Record<string, string>) });
  return Object.freeze(copy) as NodeWebSocketOptions;
}
