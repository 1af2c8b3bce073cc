/**
 * Positions, the account summary and the portfolio, as Deribit API v2 documents them
 * (docs.deribit.com: `private/get_positions`, `private/get_account_summary`, `user.portfolio.{currency}`).
 * @module
 */
import type { Currency, InstrumentKind } from './orders.js';

/** A position, as `private/get_positions` and `user.changes.*` return it. */
export interface Position {
  readonly instrument_name: string;
  readonly kind: InstrumentKind;
  /** `zero` for a flat position. */
  readonly direction: 'buy' | 'sell' | 'zero';
  /** Futures: in the quote currency (e.g. USD); options: in the base currency (e.g. BTC). */
  readonly size: number;
  /** Futures only: the size in the base currency. */
  readonly size_currency?: number;
  readonly average_price: number;
  /** Options only. */
  readonly average_price_usd?: number;
  readonly mark_price: number;
  readonly index_price: number;
  /** Not present for spot; 0 before the first settlement. */
  readonly settlement_price?: number;
  readonly delta: number;
  /** Options only. */
  readonly gamma?: number;
  /** Options only. */
  readonly vega?: number;
  /** Options only. */
  readonly theta?: number;
  readonly initial_margin: number;
  readonly maintenance_margin: number;
  /** `private/get_positions` only. */
  readonly open_orders_margin?: number;
  /** Futures with the `segregated_sm` margin model only; production sends `null` when there is none. */
  readonly estimated_liquidation_price?: number | null;
  readonly total_profit_loss: number;
  readonly floating_profit_loss: number;
  /** Options only. */
  readonly floating_profit_loss_usd?: number;
  readonly realized_profit_loss: number;
  /** Perpetuals only: funding realized in the current session. */
  readonly realized_funding?: number;
  /** Perpetuals only. */
  readonly interest_value?: number;
  /** Futures: the leverage currently available. */
  readonly leverage?: number;
}

/** Per-index values, keyed by index name (e.g. `btc_usd`). */
export type IndexMap = Readonly<Record<string, number>>;

/** Balances, margins, profit and loss and greeks of one currency: shared by the summary and the portfolio. */
export interface AccountBalances {
  readonly currency: string;
  readonly balance: number;
  readonly equity: number;
  readonly available_funds: number;
  readonly available_withdrawal_funds: number;
  readonly margin_balance: number;
  readonly initial_margin: number;
  readonly maintenance_margin: number;
  readonly projected_initial_margin?: number;
  readonly projected_maintenance_margin: number;
  readonly total_pl: number;
  readonly session_upl: number;
  readonly session_rpl: number;
  readonly futures_pl: number;
  readonly futures_session_upl: number;
  readonly futures_session_rpl: number;
  readonly options_pl: number;
  readonly options_session_upl: number;
  readonly options_session_rpl: number;
  readonly options_value: number;
  readonly options_delta: number;
  readonly options_gamma: number;
  readonly options_theta: number;
  readonly options_vega: number;
  readonly options_gamma_map: IndexMap;
  readonly options_theta_map: IndexMap;
  readonly options_vega_map: IndexMap;
  readonly delta_total: number;
  readonly delta_total_map?: IndexMap;
  readonly projected_delta_total: number;
  readonly estimated_liquidation_ratio?: number;
  readonly estimated_liquidation_ratio_map?: IndexMap;
  readonly fee_balance?: number;
  readonly additional_reserve?: number;
  readonly spot_reserve?: number;
  readonly portfolio_margining_enabled?: boolean;
  readonly cross_collateral_enabled?: boolean;
  /** E.g. `segregated_sm`, `cross_pm`. */
  readonly margin_model?: string;
  /** Cross-margin users only: totals over every collateral currency, in USD. */
  readonly total_equity_usd?: number;
  readonly total_initial_margin_usd?: number;
  readonly total_maintenance_margin_usd?: number;
  readonly total_margin_balance_usd?: number;
  readonly total_delta_total_usd?: number;
}

/** A pool's limit: requests a second and burst. */
export interface RateLimit {
  readonly rate: number;
  readonly burst: number;
}

/**
 * `limits` of `private/get_account_summary`: the account's credit pools. With `limits_per_currency: true` the
 * trading pools are per currency, in a shape Deribit does not document: read defensively.
 */
export interface AccountLimits {
  readonly limits_per_currency: boolean;
  readonly non_matching_engine: RateLimit;
  readonly matching_engine: {
    readonly trading?: { readonly total?: RateLimit; readonly [currency: string]: RateLimit | undefined };
    readonly spot?: RateLimit;
    readonly cancel_all?: RateLimit;
    readonly maximum_quotes?: RateLimit;
    readonly maximum_mass_quotes?: RateLimit;
    readonly guaranteed_mass_quotes?: RateLimit;
    readonly block_rfq_maker?: RateLimit;
    readonly [pool: string]: unknown;
  };
}

/** Result of `private/get_account_summary`; the account fields need `extended: true`. */
export interface AccountSummary extends AccountBalances {
  /** The account's credit pools (production, 2025). */
  readonly limits?: AccountLimits;
  /** Funds locked (e.g. by pending withdrawals). */
  readonly locked_balance?: number;
  /** Account id (`extended`). */
  readonly id?: number;
  /** `extended` only. */
  readonly type?: 'main' | 'subaccount';
  /** `extended` only. */
  readonly email?: string;
  /** `extended` only. */
  readonly username?: string;
  /** `extended` only. */
  readonly system_name?: string;
  readonly creation_timestamp?: number;
  readonly security_keys_enabled?: boolean;
  readonly mmp_enabled?: boolean;
  readonly login_enabled?: boolean;
  readonly interuser_transfers_enabled?: boolean;
  /** `reject_taker` or `cancel_maker`. */
  readonly self_trading_reject_mode?: string;
  readonly deposit_address?: string;
  readonly fee_group?: string;
}

/** Params of `private/get_account_summary`. */
export interface AccountSummaryParams {
  /** Wallet currency, e.g. `BTC`. */
  readonly currency: Currency | 'STETH' | 'ETHW' | 'SOL' | 'XRP' | 'USYC' | 'PAXG' | 'BNB' | 'USDE';
  readonly subaccount_id?: number;
  /** Include the account fields (id, email, names, settings). */
  readonly extended?: boolean;
}

/** Data of `user.portfolio.{currency}` notifications. */
export type Portfolio = AccountBalances;
