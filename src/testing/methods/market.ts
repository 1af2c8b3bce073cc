/**
 * Market data and instruments: `public/get_instruments`, `public/get_instrument`, `public/ticker`,
 * `public/get_order_book`, `public/get_index_price`, `public/get_book_summary_by_currency`, in production's shapes
 * (see `market-data.ts`).
 * @module
 */

import { invalidParams } from '../errors.js';
import { bookSummaryOf, orderBookOf, tickerOf } from '../market-data.js';
import { requireInstrument } from '../order-rules.js';
import {
  type CallContext,
  type MethodSpec,
  oneOf,
  optionalBoolean,
  optionalInteger,
  requireString,
  WRONG_FORMAT,
} from './types.js';

const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo'] as const;

/** A `currency` param: `any`, or a currency some listed instrument uses. */
function currencyParam(ctx: CallContext): string {
  const currency = requireString(ctx.params, 'currency');
  if (currency === 'any') return currency;
  for (const instrument of ctx.core.instruments.all()) {
    if (instrument.base_currency === currency || instrument.quote_currency === currency) return currency;
  }
  throw invalidParams('currency', WRONG_FORMAT);
}

function instruments(ctx: CallContext): unknown {
  const currency = currencyParam(ctx);
  const kind = ctx.params['kind'] === undefined ? undefined : oneOf(ctx.params, 'kind', KINDS, 'future');
  const expired = optionalBoolean(ctx.params, 'expired') ?? false;
  return ctx.core.instruments.list({ currency, kind, expired }).map((instrument) => ({ ...instrument }));
}

/** `public/get_instrument` serves expired instruments too; unknown names get 10020, malformed ones -32602. */
function instrument(ctx: CallContext): unknown {
  const name = requireString(ctx.params, 'instrument_name');
  const listed = ctx.core.instruments.get(name);
  if (listed) return { ...listed };
  return requireInstrument(ctx.core.instruments, ctx.params);
}

function listedInstrument(ctx: CallContext) {
  const name = requireString(ctx.params, 'instrument_name');
  return ctx.core.instruments.get(name) ?? requireInstrument(ctx.core.instruments, ctx.params);
}

function ticker(ctx: CallContext): unknown {
  return tickerOf(ctx.core, listedInstrument(ctx));
}

function orderBook(ctx: CallContext): unknown {
  const depth = optionalInteger(ctx.params, 'depth', 1, 10_000) ?? 20;
  return orderBookOf(ctx.core, listedInstrument(ctx), depth);
}

function indexPrice(ctx: CallContext): unknown {
  const index = requireString(ctx.params, 'index_name');
  if (!ctx.core.instruments.indices().includes(index)) throw invalidParams('index_name', WRONG_FORMAT);
  const price = ctx.core.market.indexPrice(index);
  return { index_price: price, estimated_delivery_price: price };
}

function bookSummary(ctx: CallContext): unknown {
  const currency = currencyParam(ctx);
  const kind = ctx.params['kind'] === undefined ? undefined : oneOf(ctx.params, 'kind', KINDS, 'future');
  return ctx.core.instruments.list({ currency, kind }).map((listed) => bookSummaryOf(ctx.core, listed));
}

/** Market data methods. */
export const marketMethods: ReadonlyArray<readonly [string, MethodSpec]> = [
  ['public/get_instruments', { private: false, handler: instruments }],
  ['public/get_instrument', { private: false, handler: instrument }],
  ['public/ticker', { private: false, handler: ticker }],
  ['public/get_order_book', { private: false, handler: orderBook }],
  ['public/get_index_price', { private: false, handler: indexPrice }],
  ['public/get_book_summary_by_currency', { private: false, handler: bookSummary }],
];
