/**
 * `RpcFailure`: what emulator method handlers throw to produce a JSON-RPC error response.
 * @module
 */

import { type RpcErrorData as DeribitErrorData, ErrorCode, errorMessages } from '../errors/codes.js';

/** The `error` member of a JSON-RPC error response. */
export interface RpcErrorObject {
  /** Deribit error code. */
  readonly code: number;
  /** Message (Deribit's canonical one for the code unless overridden). */
  readonly message: string;
  /** Extra detail such as `{ reason, param }`. */
  readonly data?: unknown;
}

/** Detail Deribit puts in `error.data` (`reason`, `param`…): Deribit's shape, shared with the client's code table. */
export type RpcErrorData = DeribitErrorData;

/** Thrown by a handler: the dispatcher turns it into an error response. */
export class RpcFailure extends Error {
  /** Deribit error code. */
  readonly code: number;
  /** `error.data`, when any. */
  readonly data: unknown;
  /**
   * Why the emulator refused, for tests: never sent on the wire (Deribit's 13009 carries no reason);
   * reported by the emulator's `unauthorized` event.
   */
  readonly why: string | undefined;

  /**
   * @param code Deribit error code.
   * @param data `error.data`; omitted from the response when `undefined`.
   * @param message Overrides the canonical message from `errorMessages`.
   * @param why See {@link RpcFailure.why}.
   */
  constructor(code: number, data?: unknown, message?: string, why?: string) {
    super(message ?? errorMessages[code] ?? `error ${code}`);
    this.name = 'RpcFailure';
    this.code = code;
    this.data = data;
    this.why = why;
  }

  /** The response's `error` member. */
  toJSON(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** `-32602 Invalid params` naming the parameter. */
export function invalidParams(param: string, reason: string): RpcFailure {
  return new RpcFailure(ErrorCode.invalidParams, { reason, param });
}

/**
 * `13009 unauthorized` as production sends it: `{"code":13009,"message":"unauthorized"}`, no `data`.
 * `why` is reported only through the emulator's `unauthorized` event.
 */
export function unauthorized(why: string): RpcFailure {
  return new RpcFailure(ErrorCode.unauthorized, undefined, undefined, why);
}

/** The reason Deribit's error docs give for an expired access token (the one 13009 reason documented). */
export const TOKEN_EXPIRED = 'token has expired';

/** `13009` for an expired access token, with the `data` Deribit documents for that case. */
export function tokenExpired(): RpcFailure {
  return new RpcFailure(
    ErrorCode.unauthorized,
    { reason: TOKEN_EXPIRED, param: 'access_token' },
    undefined,
    TOKEN_EXPIRED,
  );
}

/** `13021 forbidden` with a reason. */
export function forbidden(reason: string): RpcFailure {
  return new RpcFailure(ErrorCode.forbidden, { reason });
}
