/**
 * Reading one request frame: size limit, JSON, the JSON-RPC request object.
 *
 * Malformed input. Deribit answers an oversize or unparsable request with `-32600` and **no `id`
 * member** (seen in production: `{"code":-32600,"message":"request entity too large"}`), so:
 * - a frame over `maxFrameBytes` (default `MAX_FRAME_BYTES`, 32 kB) → `-32600 request entity too large`,
 *   no `id`, no `data`, even when the frame holds a readable id;
 * - a binary frame, or text that is not JSON → `-32600 Invalid Request`, no `id`, no `data` (the message
 *   is the emulator's choice: Deribit's for this case is not documented);
 * - JSON the server cannot read as a JSON-RPC call (not an object, an id that is neither a string nor an
 *   integer, a missing or empty `method`) → `11050 bad_request`, no `id`, no `data` (seen on testnet, 2022);
 * - `params` present but not an object (Deribit takes named params only) → `-32602 Invalid params`,
 *   `data.param: 'params'`.
 * A missing `jsonrpc` member is tolerated; a request without `id` is answered with `id: null`.
 * @module
 */

import type { RawData } from 'ws';
import { ErrorCode } from '../errors/codes.js';
import { invalidParams, type RpcErrorObject, RpcFailure } from './errors.js';
import { canonicalMethod } from './methods/names.js';

/** A JSON-RPC id (`null` when the request has none). */
export type RequestId = string | number | null;
/** `undefined`: the response carries no `id` member at all (Deribit's answer to unreadable frames). */
export type ReplyId = RequestId | undefined;

/** A frame read: a request to dispatch, or the error to answer it with. */
export type ParsedFrame =
  | {
      readonly ok: true;
      readonly id: RequestId;
      readonly method: string;
      readonly params: Record<string, unknown>;
    }
  | { readonly ok: false; readonly id: ReplyId; readonly error: RpcErrorObject };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function frameLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data.byteLength;
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** A valid JSON-RPC id, `null` when absent, or `undefined` when present but invalid. */
function readId(message: Record<string, unknown>): RequestId | undefined {
  const id = message['id'];
  if (id === undefined || id === null) return null;
  if (typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id))) return id;
  return undefined;
}

function refuse(id: ReplyId, failure: RpcFailure | RpcErrorObject): ParsedFrame {
  return { ok: false, id, error: failure instanceof RpcFailure ? failure.toJSON() : failure };
}

/** Read one frame; the method comes back in its canonical spelling (`public/x`). */
export function parseFrame(data: RawData, isBinary: boolean, maxFrameBytes: number): ParsedFrame {
  if (frameLength(data) > maxFrameBytes) return refuse(undefined, new RpcFailure(ErrorCode.invalidRequest));
  let message: unknown;
  try {
    if (isBinary) throw new TypeError('binary frame');
    message = JSON.parse(frameText(data));
  } catch {
    return refuse(undefined, { code: ErrorCode.invalidRequest, message: 'Invalid Request' });
  }
  const badRequest = new RpcFailure(ErrorCode.badRequest);
  if (!isRecord(message)) return refuse(undefined, badRequest);
  const id = readId(message);
  const method = message['method'];
  if (id === undefined || typeof method !== 'string' || method === '') return refuse(undefined, badRequest);
  const params = message['params'] ?? {};
  if (!isRecord(params))
    return refuse(id, invalidParams('params', 'params must be an object (named params only)'));
  return { ok: true, id, method: canonicalMethod(method), params };
}
