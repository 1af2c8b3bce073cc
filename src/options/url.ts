/**
 * Endpoint checks: a `ws:`/`wss:` URL, and no unencrypted `ws://` beyond this machine unless asked for.
 * @module
 */
import { InvalidArgumentError } from '../errors/errors.js';

/**
 * True for hosts that never leave this machine: `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`.
 * `hostname` is a WHATWG `URL` hostname (lower case, IPv4 normalized, IPv6 in brackets).
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Check an endpoint URL: parseable, `ws:` or `wss:`, no fragment, and `wss:` unless the host is loopback or
 * `allowInsecure` is set (orders and tokens must not cross a network in clear text).
 */
export function checkUrl(url: string, allowInsecure: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a URL may carry credentials.
    throw new InvalidArgumentError(
      'url',
      'option url is not a valid URL; expected e.g. wss://www.deribit.com/ws/api/v2',
    );
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new InvalidArgumentError('url', `option url must be a ws: or wss: URL; got ${parsed.protocol}`);
  }
  if (parsed.hash !== '') {
    throw new InvalidArgumentError('url', 'option url must not have a #fragment (WebSocket URLs cannot)');
  }
  if (parsed.protocol === 'ws:' && !allowInsecure && !isLoopbackHost(parsed.hostname)) {
    throw new InvalidArgumentError(
      'url',
      `option url uses unencrypted ws:// to ${parsed.hostname}: use wss://, or set allowInsecure: true ` +
        'if that network is trusted (ws:// without it is only for loopback hosts)',
    );
  }
}
