/**
 * What the session needs to know about the wire: which methods are private, and the Node `ws` client
 * options it opens sockets with.
 * @module
 */
import type { ResolvedOptions } from '../options/options.js';

/** Deribit accepts `public/x`, `/public/x` and `/api/v2/public/x` alike. */
const METHOD_PREFIX = /^(?:\/api\/v2)?\//;

/** Whether `method` is a `private/…` method, in any of the spellings Deribit accepts. */
export function isPrivateMethod(method: string): boolean {
  if (method.startsWith('private/')) return true;
  // Only a leading '/' can be another spelling; this runs on every call, so skip the regex otherwise.
  return method.charCodeAt(0) === 47 && method.replace(METHOD_PREFIX, '').startsWith('private/');
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The third argument of the WebSocket constructor in Node: the user's `wsOptions` (proxy agent, headers…),
 * with the frame limit and compression this library insists on. Undefined in browsers, which take none.
 */
export function socketOptionsFor(options: ResolvedOptions): Record<string, unknown> | undefined {
  if (!isNode) return undefined;
  return {
    ...options.wsOptions,
    maxPayload: options.maxPayload,
    // Off by default: a compression bomb inflated 8 frames to 511 MB.
    perMessageDeflate: options.perMessageDeflate,
  };
}
