/**
 * The emulator's own channel rules: which channel names Deribit serves and which are private. Kept apart from the
 * client's rules on purpose, so a client bug there cannot hide behind a shared definition. A channel that breaks
 * them (an unknown family such as `tickr.…`, an instrument the registry does not list, a bad interval) is left out
 * of the subscribe result, as Deribit leaves it out.
 * @module
 */

import type { InstrumentRegistry } from './instruments/registry.js';

/** Deribit's largest subscribe request: 500 channels. */
export const MAX_CHANNELS_PER_REQUEST = 500;

const INTERVALS = new Set(['raw', '100ms', 'agg2']);
const KINDS = new Set(['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any']);
const BOOK_GROUPS = new Set(['none', '1', '2', '5', '10', '25', '100', '250']);
const BOOK_DEPTHS = new Set(['1', '10', '20']);
const CHART_RESOLUTIONS = new Set(['1', '3', '5', '10', '15', '30', '60', '120', '180', '360', '720', '1D']);
/** Channels on a price index: `{family}.{index_name}`. */
const INDEX_FAMILIES = new Set([
  'deribit_price_index',
  'deribit_price_ranking',
  'deribit_price_statistics',
  'deribit_volatility_index',
  'estimated_expiration_price',
]);
const FIXED_PUBLIC = new Set(['platform_state', 'platform_state.public_methods_state', 'announcements']);
const FIXED_PRIVATE = new Set(['user.access_log', 'user.lock']);

/** What a channel name is to the emulator. */
export type ChannelKind = 'public' | 'private';

/** `true` for `user.*` channels: they need `private/subscribe` and reach only their owner. */
export function isUserChannel(channel: string): boolean {
  return channel.startsWith('user.');
}

/** The rules, read against one registry (instruments, their currencies and indices). */
export class ChannelRules {
  readonly #instruments: InstrumentRegistry;

  /** @param instruments The registry instrument names, currencies and indices are checked against. */
  constructor(instruments: InstrumentRegistry) {
    this.#instruments = instruments;
  }

  /** `public` or `private` when Deribit serves `channel`; `undefined` when it would leave it out. */
  kindOf(channel: string): ChannelKind | undefined {
    if (FIXED_PUBLIC.has(channel)) return 'public';
    if (FIXED_PRIVATE.has(channel)) return 'private';
    const parts = channel.split('.');
    const [family = '', ...rest] = parts;
    if (family === 'user') return this.#userChannel(rest) ? 'private' : undefined;
    return this.#publicChannel(family, rest) ? 'public' : undefined;
  }

  #instrument(name: string | undefined): boolean {
    return name !== undefined && this.#instruments.get(name) !== undefined;
  }

  #currency(currency: string | undefined): boolean {
    if (currency === undefined) return false;
    if (currency === 'any') return true;
    for (const instrument of this.#instruments.all()) {
      if (instrument.base_currency === currency || instrument.quote_currency === currency) return true;
    }
    return false;
  }

  #index(index: string | undefined): boolean {
    return index !== undefined && this.#instruments.indices().includes(index);
  }

  /** `{instrument}.{interval}` or `{kind}.{currency}.{interval}`. */
  #byInstrumentOrKind(rest: readonly string[]): boolean {
    if (rest.length === 2) return this.#instrument(rest[0]) && INTERVALS.has(rest[1] ?? '');
    if (rest.length === 3) {
      return KINDS.has(rest[0] ?? '') && this.#currency(rest[1]) && INTERVALS.has(rest[2] ?? '');
    }
    return false;
  }

  #publicChannel(family: string, rest: readonly string[]): boolean {
    switch (family) {
      case 'ticker':
      case 'perpetual':
        return rest.length === 2 && this.#instrument(rest[0]) && INTERVALS.has(rest[1] ?? '');
      case 'book':
        if (rest.length === 2) return this.#instrument(rest[0]) && INTERVALS.has(rest[1] ?? '');
        return (
          rest.length === 4 &&
          this.#instrument(rest[0]) &&
          BOOK_GROUPS.has(rest[1] ?? '') &&
          BOOK_DEPTHS.has(rest[2] ?? '') &&
          INTERVALS.has(rest[3] ?? '')
        );
      case 'trades':
        return this.#byInstrumentOrKind(rest);
      case 'quote':
      case 'incremental_ticker':
        return rest.length === 1 && this.#instrument(rest[0]);
      case 'chart':
        return (
          rest.length === 3 &&
          rest[0] === 'trades' &&
          this.#instrument(rest[1]) &&
          CHART_RESOLUTIONS.has(rest[2] ?? '')
        );
      case 'markprice':
        return rest.length === 2 && rest[0] === 'options' && this.#index(rest[1]);
      case 'instrument':
        return (
          rest.length === 3 && rest[0] === 'state' && KINDS.has(rest[1] ?? '') && this.#currency(rest[2])
        );
      default:
        return INDEX_FAMILIES.has(family) && rest.length === 1 && this.#index(rest[0]);
    }
  }

  #userChannel(rest: readonly string[]): boolean {
    const [family = '', ...tail] = rest;
    if (family === 'orders' || family === 'trades' || family === 'changes')
      return this.#byInstrumentOrKind(tail);
    // Deribit's own examples spell it `user.portfolio.btc`: the currency is read case-insensitively.
    if (family === 'portfolio') {
      const currency = tail[0];
      return (
        tail.length === 1 &&
        currency !== undefined &&
        this.#currency(currency === 'any' ? currency : currency.toUpperCase())
      );
    }
    if (family === 'mmp_trigger') return tail.length === 1 && this.#index(tail[0]);
    return false;
  }
}
