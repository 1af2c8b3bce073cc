/**
 * The `client_signature` HMAC, shared by the client and the emulator.
 * Uses Web Crypto (`globalThis.crypto.subtle`), so the same code runs in Node ≥ 20 and browsers.
 * @module
 */

const encoder = new TextEncoder();

/** The parts Deribit signs for a WebSocket `client_signature` grant. */
export interface SignatureInput {
  /** Milliseconds since the epoch, as sent in `timestamp`. */
  readonly timestamp: number;
  /** A random single-use string. */
  readonly nonce: string;
  /** Optional extra data; `''` when absent. */
  readonly data?: string;
}

/** `timestamp + "\n" + nonce + "\n" + data`: both newlines are always present. */
export function stringToSign(input: SignatureInput): string {
  return `${input.timestamp}\n${input.nonce}\n${input.data ?? ''}`;
}

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new Error('Web Crypto (globalThis.crypto.subtle) is not available in this runtime');
  return api;
}

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Lowercase hex HMAC-SHA256 of `message` keyed with `secret`. */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await subtle().importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return toHex(await subtle().sign('HMAC', key, encoder.encode(message)));
}

/** The `signature` parameter of a `client_signature` grant. */
export function signAuthRequest(secret: string, input: SignatureInput): Promise<string> {
  return hmacSha256Hex(secret, stringToSign(input));
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random url-safe nonce (default 24 characters, 144 bits). */
export function randomNonce(length = 24): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const byte of bytes) out += NONCE_ALPHABET[byte & 63];
  return out;
}
