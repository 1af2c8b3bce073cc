/**
 * The WebSocket surface this library uses (Node's `ws` and browsers' `WebSocket` both fit), and the few
 * things it needs to know about raw sockets: dropping one, reading its errors, Deribit's frame limit.
 * @module
 */
import { InvalidArgumentError } from '../errors/errors.js';

/** The subset of the WHATWG WebSocket API this library uses (Node's `ws` and browsers both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor, e.g. `ws`'s, or `globalThis.WebSocket` in a browser. In Node the third argument
 * carries `ws` client options (`maxPayload`, `perMessageDeflate`, `agent`, …); browsers ignore it.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: Record<string, unknown>,
) => WebSocketLike;

/** Deribit's request frame limit: larger frames get `-32600` without an `id`, so they are refused unsent. */
export const MAX_REQUEST_BYTES = 32 * 1024;

/** `readyState` of an open socket. */
export const OPEN = 1;

/** The event-emitter side of Node's `ws` sockets, used when present to skip the WHATWG event wrappers. */
export interface NodeStyleSocket {
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  off(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
}

/** A no-op listener (a socket being dropped must keep an error listener). */
export function ignore(): void {}

const encoder = new TextEncoder();
const NON_ASCII = /[\u0080-\uffff]/;

/** Bytes `text` takes in UTF-8 (measured only when it holds a character beyond ASCII). */
export function utf8Length(text: string): number {
  return NON_ASCII.test(text) ? encoder.encode(text).length : text.length;
}

/** The error for a request frame over {@link MAX_REQUEST_BYTES}, or undefined: such a request is never sent. */
export function oversizeRequest(method: string, frame: string): InvalidArgumentError | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: measure exactly only frames that may be near the limit.
  if (frame.length * 3 <= MAX_REQUEST_BYTES) return undefined;
  const bytes = encoder.encode(frame).length;
  if (bytes <= MAX_REQUEST_BYTES) return undefined;
  return new InvalidArgumentError(
    'params',
    `${method} was not sent: its frame is ${bytes} bytes, over Deribit's ${MAX_REQUEST_BYTES}-byte limit`,
  );
}

/** Drop a socket without a closing handshake (`ws`'s `terminate()`, else `close()`). */
export function terminate(socket: WebSocketLike): void {
  const withTerminate = socket as WebSocketLike & { terminate?: () => void };
  try {
    if (typeof withTerminate.terminate === 'function') withTerminate.terminate();
    else socket.close();
  } catch {
    // Already closing: nothing more to do.
  }
}

/** The message of a socket error event, if it has one. */
export function describeSocketError(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'message' in event) {
    const { message } = event as { message: unknown };
    if (typeof message === 'string') return message;
  }
  return 'socket error';
}

/** The error code (`ECONNREFUSED`, `ENOTFOUND`, a TLS code…) of a socket error event, when it carries one. */
export function socketErrorCode(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const error = (event as { error?: unknown }).error ?? event;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The HTTP status of a refused upgrade, from `ws`'s error message (browsers do not tell). */
export function upgradeStatus(socketError: string): number | undefined {
  const status = /Unexpected server response: (\d{3})/.exec(socketError)?.[1];
  return status === undefined ? undefined : Number(status);
}
