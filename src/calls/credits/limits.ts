/**
 * The account's limits, read from `private/get_account_summary`'s `limits` (Deribit's "Rate Limits" article
 * and a 2025 testnet capture, PROTOCOL.md). Defensive: whatever the shape, it never throws, and a pool it
 * cannot read keeps its default. With `limits_per_currency: true` each settlement currency has its own trading
 * pools under `matching_engine.<currency>` (`trading.total`, sometimes `trading.perpetuals`); we keep one
 * `matching` pool, so we take the smallest of them all (below every pool the server keeps).
 * @module
 */
import type { PoolLimit, PoolLimits } from './pools.js';

type Json = { readonly [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ rate, burst }` with both positive finite numbers, else undefined. */
function limitOf(value: unknown): PoolLimit | undefined {
  if (!isObject(value)) return undefined;
  const { rate, burst } = value;
  if (typeof rate !== 'number' || typeof burst !== 'number') return undefined;
  if (!(rate > 0 && burst > 0 && Number.isFinite(rate) && Number.isFinite(burst))) return undefined;
  return { rate, burst };
}

/** The smaller of two limits, each way (the stricter rate and the stricter burst). */
function stricter(a: PoolLimit | undefined, b: PoolLimit | undefined): PoolLimit | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { rate: Math.min(a.rate, b.rate), burst: Math.min(a.burst, b.burst) };
}

/** Every `{rate, burst}` in a `trading` object: `total`, and any sub-limit such as `perpetuals`. */
function tradingLimit(trading: unknown): PoolLimit | undefined {
  if (!isObject(trading)) return undefined;
  let found = limitOf(trading);
  for (const value of Object.values(trading)) found = stricter(found, limitOf(value));
  return found;
}

/** `matching` and `mass_quote` from one group: the global `matching_engine`, or one currency of it. */
function groupLimits(group: Json): { matching?: PoolLimit; massQuote?: PoolLimit } {
  const matching = tradingLimit(group['trading']);
  const massQuote = limitOf(group['maximum_mass_quotes']);
  return { ...(matching ? { matching } : {}), ...(massQuote ? { massQuote } : {}) };
}

/**
 * The pool limits in an account summary (the result of `private/get_account_summary`, or its `limits`
 * alone). Pools it does not describe are absent: keep their defaults. Never throws.
 */
export function parseAccountLimits(summary: unknown): PoolLimits {
  const limits = isObject(summary) && isObject(summary['limits']) ? summary['limits'] : summary;
  if (!isObject(limits)) return {};
  const out: { -readonly [pool in keyof PoolLimits]: PoolLimit } = {};
  const nonMatching = limitOf(limits['non_matching_engine']);
  if (nonMatching) out.non_matching = nonMatching;
  const engine = limits['matching_engine'];
  if (!isObject(engine)) return out;
  // An older shape had `matching_engine: { rate, burst }` itself.
  const global = groupLimits(engine);
  let matching = stricter(limitOf(engine), global.matching);
  let massQuote = global.massQuote;
  // Currency groups (`limits_per_currency: true`) hold `trading`; `spot`, `cancel_all` and the global pools
  // are limits themselves. Read whatever groups there are, whatever the flag says: each is a real limit.
  for (const [name, value] of Object.entries(engine)) {
    if (name === 'trading' || !isObject(value) || limitOf(value) !== undefined) continue;
    const group = groupLimits(value);
    matching = stricter(matching, group.matching);
    massQuote = stricter(massQuote, group.massQuote);
  }
  if (matching) out.matching = matching;
  if (massQuote) out.mass_quote = massQuote;
  return out;
}
