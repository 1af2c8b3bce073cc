/**
 * `private/get_account_summary` and `user.portfolio.{currency}` in production's field set (NautilusTrader's recorded
 * `get_account_summaries`, PROTOCOL.md): balances and margins from `funds.ts`; greeks, profit and loss and fees,
 * which the emulator does not model, are 0 (maps empty). `extended: true` adds the account fields.
 * @module
 */

import type { EmulatorCore } from './core.js';
import { marginState } from './funds.js';
import type { AccountLimits } from './rate-limit.js';

/** Balances and margins of one currency, as `user.portfolio.*` carries them. */
export interface EmulatedPortfolio {
  readonly currency: string;
  readonly balance: number;
  readonly equity: number;
  readonly available_funds: number;
  readonly available_withdrawal_funds: number;
  readonly margin_balance: number;
  readonly initial_margin: number;
  readonly maintenance_margin: number;
  readonly projected_initial_margin: number;
  readonly projected_maintenance_margin: number;
  readonly locked_balance: number;
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
  readonly options_gamma_map: Readonly<Record<string, number>>;
  readonly options_theta_map: Readonly<Record<string, number>>;
  readonly options_vega_map: Readonly<Record<string, number>>;
  readonly delta_total: number;
  readonly delta_total_map: Readonly<Record<string, number>>;
  readonly projected_delta_total: number;
  readonly estimated_liquidation_ratio: number;
  readonly estimated_liquidation_ratio_map: Readonly<Record<string, number>>;
  readonly fee_balance: number;
  readonly additional_reserve: number;
  readonly spot_reserve: number;
  readonly portfolio_margining_enabled: boolean;
  readonly cross_collateral_enabled: boolean;
  readonly margin_model: string;
}

/** `private/get_account_summary`'s result. */
export interface EmulatedAccountSummary extends EmulatedPortfolio {
  readonly limits: AccountLimits;
  readonly fees: readonly unknown[];
  /** `extended` only. */
  readonly id?: number;
  readonly type?: 'main' | 'subaccount';
  readonly email?: string;
  readonly username?: string;
  readonly system_name?: string;
  readonly creation_timestamp?: number;
  readonly referrer_id?: null;
  readonly login_enabled?: boolean;
  readonly security_keys_enabled?: boolean;
  readonly mmp_enabled?: boolean;
  readonly interuser_transfers_enabled?: boolean;
  readonly self_trading_reject_mode?: string;
  readonly self_trading_extended_to_subaccounts?: boolean;
  readonly block_rfq_self_match_prevention?: boolean;
}

/** The portfolio of `subjectId` in `currency`. */
export function portfolioOf(core: EmulatorCore, subjectId: number, currency: string): EmulatedPortfolio {
  const state = marginState(core, subjectId, currency);
  const initial = state.positionsMargin + state.openOrdersMargin;
  return {
    currency,
    balance: state.balance,
    equity: state.balance,
    available_funds: state.availableFunds,
    available_withdrawal_funds: state.availableFunds,
    margin_balance: state.balance,
    initial_margin: initial,
    maintenance_margin: state.maintenanceMargin,
    projected_initial_margin: initial,
    projected_maintenance_margin: state.maintenanceMargin,
    locked_balance: 0,
    total_pl: 0,
    session_upl: 0,
    session_rpl: 0,
    futures_pl: 0,
    futures_session_upl: 0,
    futures_session_rpl: 0,
    options_pl: 0,
    options_session_upl: 0,
    options_session_rpl: 0,
    options_value: 0,
    options_delta: 0,
    options_gamma: 0,
    options_theta: 0,
    options_vega: 0,
    options_gamma_map: {},
    options_theta_map: {},
    options_vega_map: {},
    delta_total: 0,
    delta_total_map: {},
    projected_delta_total: 0,
    estimated_liquidation_ratio: state.balance > 0 ? state.maintenanceMargin / state.balance : 0,
    estimated_liquidation_ratio_map: {},
    fee_balance: 0,
    additional_reserve: 0,
    spot_reserve: 0,
    portfolio_margining_enabled: false,
    cross_collateral_enabled: false,
    margin_model: 'segregated_sm',
  };
}

/** `private/get_account_summary {currency, extended?}` for `subjectId`. */
export function accountSummaryOf(
  core: EmulatorCore,
  subjectId: number,
  currency: string,
  extended: boolean,
): EmulatedAccountSummary {
  const summary: EmulatedAccountSummary = {
    ...portfolioOf(core, subjectId, currency),
    limits: core.rateLimits.limitsOf(subjectId),
    fees: [],
  };
  if (!extended) return summary;
  return {
    ...summary,
    id: subjectId,
    type: core.accounts.isMain(subjectId) ? 'main' : 'subaccount',
    email: `user${subjectId}@emulator.invalid`,
    username: `emulator_${subjectId}`,
    system_name: `emulator_${subjectId}`,
    creation_timestamp: 1_687_352_432_143,
    referrer_id: null,
    login_enabled: false,
    security_keys_enabled: false,
    mmp_enabled: false,
    interuser_transfers_enabled: false,
    self_trading_reject_mode: 'cancel_maker',
    self_trading_extended_to_subaccounts: false,
    block_rfq_self_match_prevention: true,
  };
}
