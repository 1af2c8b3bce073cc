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

/** Production's `-32602` reason for a missing param. */
export const VALUE_REQUIRED = 'value required';
/** Production's `-32602` reason for a param it cannot read (`{"reason":"wrong format","param":…}`). */
export const WRONG_FORMAT = 'wrong format';

type Params = Readonly<Record<string, unknown>>;

function missing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A required string parameter (non-empty). */
export function requireString(params: Params, name: string): string {
  const value = params[name];
  if (missing(value)) throw invalidParams(name, VALUE_REQUIRED);
  if (typeof value !== 'string') throw invalidParams(name, WRONG_FORMAT);
  return value;
}

/** An optional string parameter. */
export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParams(name, WRONG_FORMAT);
  return value;
}

/** A required finite number parameter. */
export function requireNumber(params: Params, name: string): number {
  const value = params[name];
  if (missing(value)) throw invalidParams(name, VALUE_REQUIRED);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParams(name, WRONG_FORMAT);
  return value;
}

/** An optional finite number parameter. */
export function optionalNumber(params: Params, name: string): number | undefined {
  return params[name] === undefined ? undefined : requireNumber(params, name);
}

/** An optional integer parameter within `[min, max]`. */
export function optionalInteger(params: Params, name: string, min: number, max: number): number | undefined {
  const value = optionalNumber(params, name);
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw invalidParams(name, WRONG_FORMAT);
  }
  return value;
}

/** A required array parameter (elements are checked by the caller). */
export function requireArray(params: Params, name: string): readonly unknown[] {
  const value = params[name];
  if (value === undefined || value === null) throw invalidParams(name, VALUE_REQUIRED);
  if (!Array.isArray(value)) throw invalidParams(name, WRONG_FORMAT);
  return value;
}

/** An optional boolean parameter. */
export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidParams(name, WRONG_FORMAT);
  return value;
}

/** An optional parameter that must be one of `allowed` (default `fallback`). */
export function oneOf<T extends string>(params: Params, name: string, allowed: readonly T[], fallback: T): T {
  const value = optionalString(params, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) throw invalidParams(name, WRONG_FORMAT);
  return value as T;
}

/** The session of a private call, which must grant `area:level` (else `13021 forbidden`). */
export function requireLevel(ctx: CallContext, area: string, level: GrantLevel): AuthSession {
  const session = ctx.session;
  if (!session) throw new RpcFailure(ErrorCode.unauthorized);
  if (!hasLevel(session.scope, area, level)) throw forbidden(`scope ${area}:${level} required`);
  return session;
}
