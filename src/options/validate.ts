/**
 * Small validators for options and per-call values. Each throws {@link InvalidArgumentError} naming the
 * argument and what is allowed. Messages echo bad numbers, booleans and key names, never strings: a
 * misplaced secret must not end up in a log.
 * @module
 */

import { InvalidArgumentError } from '../errors/errors.js';
import { MAX_TIMER_DELAY } from '../time/wait.js';
import { nearest } from './nearest.js';

/** What a numeric option accepts. Non-finite values are refused unless `infinity` is set. */
export interface NumberRange {
  /** Smallest value allowed. */
  readonly min: number;
  /** `min` itself is refused (`> min` rather than `≥ min`). */
  readonly aboveMin?: boolean;
  /** Largest finite value allowed. Default: any finite value. */
  readonly max?: number;
  /** `max` itself is refused (`< max` rather than `≤ max`). */
  readonly belowMax?: boolean;
  /** Only integers. */
  readonly integer?: boolean;
  /** `Infinity` is a meaningful value (e.g. retry forever). */
  readonly infinity?: boolean;
  /** Unit shown in messages, e.g. `ms`. */
  readonly unit?: string;
}

/** A timeout that feeds one `setTimeout`: more than 0 and at most 2^31 − 1 ms. */
export const TIMEOUT_RANGE: NumberRange = { min: 0, aboveMin: true, max: MAX_TIMER_DELAY, unit: 'ms' };
/** A wait that may be zero (do not wait at all), at most 2^31 − 1 ms. */
export const WAIT_RANGE: NumberRange = { min: 0, max: MAX_TIMER_DELAY, unit: 'ms' };

/**
 * How a bad value is shown in a message: numbers and booleans as they are (unless `reveal` is false),
 * anything else only by its kind. Strings are never shown.
 */
export function describeValue(value: unknown, reveal = true): string {
  if (value == null || (reveal && (typeof value === 'number' || typeof value === 'boolean')))
    return String(value);
  if (value === '') return 'an empty string';
  if (Array.isArray(value)) return 'an array';
  const kind = typeof value;
  return `${kind === 'object' ? 'an' : 'a'} ${kind}`;
}

function describeRange(range: NumberRange): string {
  const bounds = [`${range.aboveMin ? '>' : '≥'} ${range.min}`];
  if (range.max !== undefined) bounds.push(`${range.belowMax ? '<' : '≤'} ${range.max}`);
  const unit = range.unit ? ` of ${range.unit}` : '';
  const infinity = range.infinity ? ', or Infinity' : '';
  return `${range.integer ? 'an integer' : 'a number'}${unit} ${bounds.join(' and ')}${infinity}`;
}

function inRange(value: number, range: NumberRange): boolean {
  if (value === Number.POSITIVE_INFINITY) return range.infinity === true;
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) return false;
  if (range.aboveMin ? value <= range.min : value < range.min) return false;
  if (range.max === undefined) return true;
  return range.belowMax ? value < range.max : value <= range.max;
}

/** `value` if it is a number in `range`, `fallback` if it is `undefined`; throws otherwise. */
export function numberOption(path: string, value: unknown, fallback: number, range: NumberRange): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && inRange(value, range)) return value;
  throw new InvalidArgumentError(
    path,
    `option ${path} must be ${describeRange(range)}; got ${describeValue(value)}`,
  );
}

/**
 * A per-call or per-session timeout in ms: `fallback` when `undefined`, else a number > 0 and
 * ≤ 2^31 − 1 (what one `setTimeout` can wait). Throws {@link InvalidArgumentError}.
 */
export function validateTimeout(name: string, value: unknown, fallback: number, infinity = false): number {
  return numberOption(name, value, fallback, infinity ? { ...TIMEOUT_RANGE, infinity } : TIMEOUT_RANGE);
}

/**
 * How long something may wait, in ms: `fallback` when `undefined`, else a number ≥ 0 (0: do not wait)
 * and ≤ 2^31 − 1. Throws {@link InvalidArgumentError}.
 */
export function validateMaxWait(name: string, value: unknown, fallback: number): number {
  return numberOption(name, value, fallback, WAIT_RANGE);
}

/** `value` if it is an `AbortSignal` (any realm's: checked by shape) or `undefined`; throws otherwise. */
export function validateSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (
    typeof value === 'object' &&
    typeof signal?.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function'
  ) {
    return value as AbortSignal;
  }
  throw new InvalidArgumentError(name, `${name} must be an AbortSignal; got ${describeValue(value, false)}`);
}

/** `value` if it is a boolean, `fallback` if it is `undefined`; throws otherwise. */
export function booleanOption(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new InvalidArgumentError(path, `option ${path} must be true or false; got ${describeValue(value)}`);
}

/** `value` if it is one of `allowed`, `fallback` if it is `undefined`; throws otherwise. */
export function oneOf<T extends string | number | boolean>(
  path: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const match = allowed.find((candidate) => candidate === value);
  if (match !== undefined) return match;
  const list = allowed.map((candidate) =>
    typeof candidate === 'string' ? `'${candidate}'` : `${candidate}`,
  );
  const choices = `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
  throw new InvalidArgumentError(path, `option ${path} must be ${choices}; got ${describeValue(value)}`);
}

/**
 * `value` if it is a string (non-empty when `nonEmpty`), `undefined` if it is `undefined`; throws otherwise,
 * echoing only the kind of value (a token passed as a number stays unseen).
 */
export function stringOption(path: string, value: unknown, nonEmpty = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (!nonEmpty || value !== '')) return value;
  throw new InvalidArgumentError(
    path,
    `option ${path} must be a ${nonEmpty ? 'non-empty ' : ''}string; got ${describeValue(value, false)}`,
  );
}

/** `value` as a record if it is a plain object (not null, not an array); throws otherwise. */
export function objectOption(
  path: string,
  value: unknown,
  what = 'an object',
): Readonly<Record<string, unknown>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Readonly<Record<string, unknown>>;
  }
  throw new InvalidArgumentError(path, `option ${path} must be ${what}; got ${describeValue(value)}`);
}

/**
 * Throw on the first own key of `value` not in `allowed`, suggesting the nearest valid key.
 * `moved` gives advice for keys that exist elsewhere (e.g. `interval` → `heartbeat.interval`).
 */
export function rejectUnknownKeys(
  path: string,
  value: object,
  allowed: readonly string[],
  moved: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const name = path === '' ? key : `${path}.${key}`;
    const match = nearest(key, allowed);
    const advice = Object.hasOwn(moved, key)
      ? moved[key]
      : match === undefined
        ? `valid options${path === '' ? '' : ` of ${path}`}: ${allowed.join(', ')}`
        : `did you mean ${path === '' ? match : `${path}.${match}`}?`;
    throw new InvalidArgumentError(name, `unknown option ${name}; ${advice}`);
  }
}

/** `resolved` frozen, or `defaults` itself when every field equals it (sessions share their defaults). */
export function sharedOrFrozen<T extends object>(resolved: T, defaults: T): T {
  const same = (Object.keys(defaults) as Array<keyof T>).every((key) =>
    Object.is(resolved[key], defaults[key]),
  );
  return same ? defaults : Object.freeze(resolved);
}

/** Turns one field's raw value into its resolved value, or throws. */
export type FieldRule<V> = (path: string, value: unknown, fallback: V) => V;

/** A {@link FieldRule} for numbers in `range`. */
export function numberIn(range: NumberRange): FieldRule<number> {
  return (path, value, fallback) => numberOption(path, value, fallback, range);
}

/** One {@link FieldRule} per field of an options group. */
export type GroupRules<T> = { readonly [K in keyof T]-?: FieldRule<T[K]> };

/**
 * Resolve an options group (`refresh`, `reconnect`, …): `defaults` when `undefined`, else a plain object
 * whose keys all have a rule, each field resolved by its rule against its default.
 */
export function resolveGroup<T extends object>(
  path: string,
  value: unknown,
  defaults: T,
  rules: GroupRules<T>,
): T {
  if (value === undefined) return defaults;
  const raw = objectOption(path, value);
  const keys = Object.keys(rules) as Array<keyof T & string>;
  rejectUnknownKeys(path, raw, keys);
  const resolved: Partial<T> = {};
  for (const key of keys) resolved[key] = rules[key](`${path}.${key}`, raw[key], defaults[key]);
  return sharedOrFrozen(resolved as T, defaults);
}

/**
 * Throw unless `low` ≤ `high` (e.g. `reconnect.minTimeout` ≤ `reconnect.maxTimeout`). `given` is the
 * raw group: the message is about the side the caller set, and says which side is a default.
 */
export function requireOrder(
  group: string,
  lowKey: string,
  low: number,
  highKey: string,
  high: number,
  given: Readonly<Record<string, unknown>>,
): void {
  if (low <= high) return;
  const side = (key: string, value: number): string =>
    `${group}.${key} (${value}${given[key] === undefined ? ', the default' : ''})`;
  const message =
    given[lowKey] === undefined
      ? `option ${side(highKey, high)} must be at least ${side(lowKey, low)}`
      : `option ${side(lowKey, low)} must not exceed ${side(highKey, high)}`;
  throw new InvalidArgumentError(`${group}.${given[lowKey] === undefined ? highKey : lowKey}`, message);
}
