/**
 * Shapes shared by the method handlers.
 * @module
 */

import { ErrorCode } from '../../errors/codes.js';
import type { ConnectionHandle, EmulatorCore } from '../core.js';
import { forbidden, invalidParams, RpcFailure } from '../errors.js';
import { type GrantLevel, hasLevel } from '../grant.js';
import type { AuthSession } from '../tokens.js';

/** Returned by a handler that must send no response (`private/logout`). */
export const NO_RESPONSE: unique symbol = Symbol('no response');

/** What a handler gets. */
export interface CallContext {
  /** Shared emulator state. */
  readonly core: EmulatorCore;
  /** The socket the request came on. */
  readonly connection: ConnectionHandle;
  /** The method name. */
  readonly method: string;
  /** Params, with `access_token` removed. */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The session the request is authorized by: always set for private methods; for public methods, the
   * socket's (or explicit token's) session when it is valid.
   */
  readonly session: AuthSession | undefined;
}

/** A handler: returns the `result` (or a promise of it), or throws an `RpcFailure`. */
export type Handler = (ctx: CallContext) => unknown;

/** One method: whether it needs auth, and its handler. */
export interface MethodSpec {
  /** Needs a valid token (`private/…`). */
  readonly private: boolean;
  /** The implementation. */
  readonly handler: Handler;
}

/** A required string parameter (non-empty). */
export function requireString(params: Readonly<Record<string, unknown>>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '')
    throw invalidParams(name, `${name} must be a non-empty string`);
  return value;
}

/** An optional string parameter. */
export function optionalString(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParams(name, `${name} must be a string`);
  return value;
}

/** A required finite number parameter. */
export function requireNumber(params: Readonly<Record<string, unknown>>, name: string): number {
  const value = params[name];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidParams(name, `${name} must be a number`);
  return value;
}

/** A required array-of-strings parameter (elements are checked by the caller). */
export function requireArray(params: Readonly<Record<string, unknown>>, name: string): readonly unknown[] {
  const value = params[name];
  if (!Array.isArray(value)) throw invalidParams(name, `${name} must be an array`);
  return value;
}

/** An optional boolean parameter. */
export function optionalBoolean(
  params: Readonly<Record<string, unknown>>,
  name: string,
): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidParams(name, `${name} must be a boolean`);
  return value;
}

/** The session of a private call, which must grant `area:level` (else `13021 forbidden`). */
export function requireLevel(ctx: CallContext, area: string, level: GrantLevel): AuthSession {
  const session = ctx.session;
  if (!session) throw new RpcFailure(ErrorCode.unauthorized);
  if (!hasLevel(session.scope, area, level)) throw forbidden(`scope ${area}:${level} required`);
  return session;
}
