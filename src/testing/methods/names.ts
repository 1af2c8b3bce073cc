/**
 * Method-name spellings. Deribit's own `public/set_heartbeat` docs tell clients to answer `test_request`
 * with `/api/v2/public/test`, and real clients send `public/x`, `/public/x` and `/api/v2/public/x`: the
 * emulator treats all three as the same method.
 * @module
 */

const API_PREFIX = 'api/v2/';

/** `public/test` for `public/test`, `/public/test` and `/api/v2/public/test`; other names unchanged. */
export function canonicalMethod(method: string): string {
  const bare = method.startsWith('/') ? method.slice(1) : method;
  return bare.startsWith(API_PREFIX) ? bare.slice(API_PREFIX.length) : bare;
}
