/**
 * What a private channel covers, read from its name: `user.{orders|trades|changes}.{instrument}.{interval}` or
 * `user.{orders|trades|changes}.{kind}.{currency}.{interval}` (kind and currency may be `any`), and which
 * currency an instrument is listed under. These are the channels whose gaps the session fills again.
 * @module
 */

/** The channel families a gap resync covers. */
export type Family = 'orders' | 'trades' | 'changes';

/** What one private channel covers. */
export interface ChannelScope {
  readonly channel: string;
  readonly family: Family;
  /** `raw`, `100ms`, `agg2`: raw channels carry one order per notification, the others arrays. */
  readonly interval: string;
  /** Set for a per-instrument channel. */
  readonly instrument?: string;
  /** For a kind/currency channel: the kind (`future`, `option`…, or `any`) and the currency (or `any`). */
  readonly kind?: string;
  readonly currency?: string;
}

const KINDS = new Set(['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any']);

/** The scope of `channel`, or undefined when it is not a channel a gap resync covers. */
export function scopeOf(channel: string): ChannelScope | undefined {
  const parts = channel.split('.');
  const family = parts[1];
  if (parts[0] !== 'user' || (family !== 'orders' && family !== 'trades' && family !== 'changes'))
    return undefined;
  const interval = parts.at(-1) ?? '';
  if (parts.length === 4) return { channel, family, interval, instrument: parts[2] ?? '' };
  if (parts.length === 5 && KINDS.has(parts[2] ?? '')) {
    return { channel, family, interval, kind: parts[2] ?? 'any', currency: parts[3] ?? 'any' };
  }
  return undefined;
}

/**
 * The currency Deribit lists an instrument under: the quote of a linear or spot pair (`BTC_USDC-PERPETUAL`,
 * `BTC_USDC` → `USDC`), else the base (`BTC-PERPETUAL` → `BTC`).
 */
export function currencyOf(instrument: string): string {
  const pair = instrument.split('-')[0] ?? instrument;
  const [base = pair, quote] = pair.split('_');
  return (quote ?? base).toUpperCase();
}

/** Deribit's kind of an instrument, from its name. */
export function kindOf(instrument: string): string {
  const parts = instrument.split('-');
  if (parts.length === 1) return 'spot';
  if (parts[1] === 'FS') return 'future_combo';
  if (parts.length === 4 && (parts[3] === 'C' || parts[3] === 'P')) return 'option';
  if (parts.length === 2) return 'future';
  return 'option_combo';
}

/** Whether `instrument` falls in `scope`. */
export function covers(scope: ChannelScope, instrument: string): boolean {
  if (scope.instrument !== undefined) return scope.instrument === instrument;
  const kind = scope.kind ?? 'any';
  const currency = scope.currency ?? 'any';
  const kindOk =
    kind === 'any' ||
    kind === kindOf(instrument) ||
    (kind === 'combo' && kindOf(instrument).endsWith('_combo'));
  const upper = instrument.toUpperCase();
  const currencyOk =
    currency === 'any' ||
    currencyOf(instrument) === currency.toUpperCase() ||
    upper.startsWith(`${currency.toUpperCase()}-`) ||
    upper.startsWith(`${currency.toUpperCase()}_`);
  return kindOk && currencyOk;
}
