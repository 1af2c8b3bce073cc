/**
 * Order validation as Deribit applies it, with its documented codes (API v2.1.1 error table, PROTOCOL.md):
 * - instrument: missing `-32602 value required`; malformed `-32602 wrong format` (production, 2025); not listed or
 *   not active `10020 invalid_or_unsupported_instrument`;
 * - amount (or `contracts`, which must agree with it): not positive `10021 invalid_amount`; below the instrument's
 *   `min_trade_amount` `10002 qty_too_low`; off the amount grid (inverse futures: `contract_size` in USD; options,
 *   linear and spot: `min_trade_amount` in the coin) `10027 non_integer_contract_amount` for futures and
 *   `10021 invalid_amount` otherwise (the docs name no code for the non-futures case: the emulator's choice);
 * - price: more decimals than the tick allows `10026 price_precision_exceeded`, on that precision but off the tick
 *   (`tick_size`, or the option's `tick_size_steps` for its price level) `10043 price_wrong_tick` (the docs do not
 *   say where one ends and the other starts: this split is the emulator's); not positive `-32602`;
 * - label longer than 64 characters: `-32602`, `param: "label"`.
 * Funds, post-only and reduce-only checks need the book and the account: see `order-actions.ts`.
 * @module
 */

import { ErrorCode } from '../errors/codes.js';
import { invalidParams, RpcFailure } from './errors.js';
import type { EmulatedInstrument } from './instruments/catalog.js';
import {
  amountStep,
  decimalsOf,
  type InstrumentRegistry,
  onGrid,
  tickAt,
  wellFormedName,
} from './instruments/registry.js';
import {
  optionalNumber,
  optionalString,
  requireString,
  VALUE_REQUIRED,
  WRONG_FORMAT,
} from './methods/types.js';

/** Deribit's longest order label. */
export const MAX_LABEL_LENGTH = 64;

type Params = Readonly<Record<string, unknown>>;

/** The listed, active instrument named by `params[name]`. */
export function requireInstrument(
  instruments: InstrumentRegistry,
  params: Params,
  name = 'instrument_name',
): EmulatedInstrument {
  const instrumentName = requireString(params, name);
  if (!wellFormedName(instrumentName)) throw invalidParams(name, WRONG_FORMAT);
  const instrument = instruments.get(instrumentName);
  if (!instrument?.is_active) {
    throw new RpcFailure(ErrorCode.invalidOrUnsupportedInstrument, { param: name });
  }
  return instrument;
}

/** The order's amount from `amount` and/or `contracts`, on the instrument's grid. */
export function requireAmount(
  instrument: EmulatedInstrument,
  params: Params,
): { amount: number; contracts: number } {
  const amountParam = optionalNumber(params, 'amount');
  const contractsParam = optionalNumber(params, 'contracts');
  if (amountParam === undefined && contractsParam === undefined)
    throw invalidParams('amount', VALUE_REQUIRED);
  const size = instrument.contract_size;
  const amount = amountParam ?? (contractsParam as number) * size;
  if (contractsParam !== undefined && Math.abs(contractsParam * size - amount) > 1e-9 * Math.max(1, amount)) {
    throw invalidParams('contracts', 'amount and contracts do not match');
  }
  if (!(amount > 0)) throw new RpcFailure(ErrorCode.invalidAmount, { param: 'amount' });
  if (amount < instrument.min_trade_amount - 1e-12) {
    throw new RpcFailure(ErrorCode.qtyTooLow, {
      param: 'amount',
      min_trade_amount: instrument.min_trade_amount,
    });
  }
  const step = amountStep(instrument);
  if (!onGrid(amount, step)) {
    const code = instrument.kind === 'future' ? ErrorCode.nonIntegerContractAmount : ErrorCode.invalidAmount;
    throw new RpcFailure(code, { param: 'amount', step });
  }
  return { amount, contracts: amount / size };
}

/** Check a limit price against the instrument's tick. */
export function checkPrice(instrument: EmulatedInstrument, price: number, param = 'price'): void {
  if (!(price > 0)) throw invalidParams(param, 'price must be positive');
  const tick = tickAt(instrument, price);
  if (decimalsOf(price) > decimalsOf(tick)) {
    throw new RpcFailure(ErrorCode.pricePrecisionExceeded, { param, tick_size: tick });
  }
  if (!onGrid(price, tick)) throw new RpcFailure(ErrorCode.priceWrongTick, { param, tick_size: tick });
}

/** The optional label, at most 64 characters (`""` when absent). */
export function requireLabel(params: Params): string {
  const label = optionalString(params, 'label') ?? '';
  if (label.length > MAX_LABEL_LENGTH) {
    throw invalidParams('label', `label is longer than ${MAX_LABEL_LENGTH} characters`);
  }
  return label;
}

/** The price one tick better than `price` for the passive side (`buy` bids below, `sell` asks above). */
export function oneTickAway(
  instrument: EmulatedInstrument,
  direction: 'buy' | 'sell',
  price: number,
): number {
  const tick = tickAt(instrument, price);
  const moved = direction === 'buy' ? price - tick : price + tick;
  return Number(moved.toFixed(Math.max(decimalsOf(tick), decimalsOf(price))));
}
