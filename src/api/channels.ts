/**
 * Typed notification data by channel name. `session.subscribe('ticker.BTC-PERPETUAL.100ms', (t) => t.mark_price)`
 * types `t` as {@link Ticker}; channels not listed here give `unknown`.
 * @module
 */
import type { Portfolio, Position } from './account.js';
import type { BookChange, GroupedBook, PlatformStateData, PublicTrade, Ticker } from './market.js';
import type { Order, UserTrade } from './orders.js';

/** Notification intervals: `raw` (every event; needs authentication), `100ms`, `agg2` (2 s). */
export type Interval = 'raw' | '100ms' | 'agg2';

/** Price grouping of aggregated book channels. */
export type BookGroup = 'none' | '1' | '2' | '5' | '10' | '25' | '100' | '250';

/** Number of levels of aggregated book channels. */
export type BookDepth = '1' | '10' | '20';

/** `ticker.{instrument_name}.{interval}`. */
export type TickerChannel = `ticker.${string}.${Interval}`;

/** `book.{instrument_name}.{interval}`. */
export type BookChannel = `book.${string}.${Interval}`;

/** `book.{instrument_name}.{group}.{depth}.{interval}`. */
export type GroupedBookChannel = `book.${string}.${BookGroup}.${BookDepth}.${Interval}`;

/** `trades.{instrument_name}.{interval}` or `trades.{kind}.{currency}.{interval}`. */
export type TradesChannel = `trades.${string}.${Interval}`;

/** `user.orders.{instrument_name}.{interval}` or `user.orders.{kind}.{currency}.{interval}`. */
export type UserOrdersChannel = `user.orders.${string}.${Interval}`;

/** `user.trades.{instrument_name}.{interval}` or `user.trades.{kind}.{currency}.{interval}`. */
export type UserTradesChannel = `user.trades.${string}.${Interval}`;

/** `user.changes.{instrument_name}.{interval}` or `user.changes.{kind}.{currency}.{interval}`. */
export type UserChangesChannel = `user.changes.${string}.${Interval}`;

/** `user.portfolio.{currency}`. */
export type UserPortfolioChannel = `user.portfolio.${string}`;

/** `platform_state`: maintenance and index locks. */
export type PlatformStateChannel = 'platform_state';

/** Every channel name with typed notification data. */
export type TypedChannel =
  | PlatformStateChannel
  | TickerChannel
  | BookChannel
  | GroupedBookChannel
  | TradesChannel
  | UserOrdersChannel
  | UserTradesChannel
  | UserChangesChannel
  | UserPortfolioChannel;

/** Data of `user.changes.*` notifications: what changed for the user in one instrument (or kind and currency). */
export interface UserChanges {
  /** Present on the per-instrument channel. */
  readonly instrument_name?: string;
  readonly orders: readonly Order[];
  readonly trades: readonly UserTrade[];
  readonly positions: readonly Position[];
}

/**
 * The `data` of notifications on channel `C`. `user.orders.*.raw` carries one order per notification; the
 * aggregated intervals carry a list. Unknown channels (and plain `string`) give `unknown`.
 */
export type ChannelData<C extends string> = C extends GroupedBookChannel
  ? GroupedBook
  : C extends BookChannel
    ? BookChange
    : C extends TickerChannel
      ? Ticker
      : C extends TradesChannel
        ? readonly PublicTrade[]
        : C extends `user.orders.${string}.raw`
          ? Order
          : C extends UserOrdersChannel
            ? readonly Order[]
            : C extends UserTradesChannel
              ? readonly UserTrade[]
              : C extends UserChangesChannel
                ? UserChanges
                : C extends UserPortfolioChannel
                  ? Portfolio
                  : C extends PlatformStateChannel
                    ? PlatformStateData
                    : unknown;

/** Channels whose names are fixed, offered by editors in `subscribe()` and `stream()`. */
export type FixedChannel =
  | 'platform_state'
  | 'platform_state.public_methods_state'
  | 'announcements'
  | 'user.lock'
  | 'user.access_log'
  // Spelt out: editors do not offer the members of a template literal type.
  | 'user.portfolio.btc'
  | 'user.portfolio.eth'
  | 'user.portfolio.usdc'
  | 'user.portfolio.usdt'
  | 'user.portfolio.eurr'
  | 'user.portfolio.any';

/** What `subscribe()` and `stream()` take as a channel: any string, with the known names offered first. */
export type ChannelName = FixedChannel | (string & Record<never, never>);
