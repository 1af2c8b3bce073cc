/**
 * What an instrument name says: its kind and currencies, read from Deribit's naming scheme
 * (`BTC-PERPETUAL`, `BTC-27DEC24`, `BTC-27DEC24-50000-C`, `BTC_USDC`, `BTC_USDC-PERPETUAL`,
 * `BTC-FS-27DEC24_PERP`, `BTC-CS-27DEC24-60000_70000`), and the channels that report on it.
 * @module
 */

/** Deribit's instrument kinds. */
export type InstrumentKind = 'future' | 'option' | 'spot' | 'future_combo' | 'option_combo';

/** The kind of an instrument, from its name. */
export function kindOf(instrument: string): InstrumentKind {
  const parts = instrument.split('-');
  if (parts.length === 1) return 'spot';
  if (parts[1] === 'FS') return 'future_combo';
  if (parts.length === 4 && (parts[3] === 'C' || parts[3] === 'P')) return 'option';
  if (parts.length === 2) return 'future';
  return 'option_combo';
}

/**
 * The currencies an instrument is listed under: its base (`BTC` for `BTC-PERPETUAL`), and for linear and
 * spot instruments (`BTC_USDC…`) also the quote, which is where Deribit lists them by currency.
 */
export function currenciesOf(instrument: string): string[] {
  const [pair = instrument] = instrument.split('-');
  return pair.split('_');
}

/** The currency fees and sizes are counted in: the settlement currency (quote of `X_Y`, else base). */
export function settlementCurrency(instrument: string): string {
  const currencies = currenciesOf(instrument);
  return currencies[currencies.length - 1] ?? instrument;
}

/** `true` when `instrument` is listed under `currency` (`any` matches all). */
export function inCurrency(instrument: string, currency: string): boolean {
  return currency === 'any' || currenciesOf(instrument).includes(currency);
}

/** The intervals of `user.*` channels the emulator publishes on. */
export const USER_INTERVALS = ['raw', '100ms'] as const;

/** One of {@link USER_INTERVALS}. */
export type UserInterval = (typeof USER_INTERVALS)[number];

/**
 * Every channel of `family` (`orders`, `trades`, `changes`) that reports on `instrument` at `interval`:
 * `user.{family}.{instrument}.{interval}` and `user.{family}.{kind|any}.{currency|any}.{interval}`.
 */
export function userChannels(family: string, instrument: string, interval: UserInterval): string[] {
  const channels = [`user.${family}.${instrument}.${interval}`];
  for (const kind of [kindOf(instrument), 'any']) {
    for (const currency of [...currenciesOf(instrument), 'any']) {
      channels.push(`user.${family}.${kind}.${currency}.${interval}`);
    }
  }
  return channels;
}
