import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, DEFAULT_BALANCES } from '../../src/testing/index.js';
import { login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();

/** The fields of a production `get_account_summary` result (NautilusTrader's recording; PROTOCOL.md). */
const SUMMARY_FIELDS = [
  'currency',
  'balance',
  'equity',
  'available_funds',
  'available_withdrawal_funds',
  'margin_balance',
  'initial_margin',
  'maintenance_margin',
  'projected_initial_margin',
  'projected_maintenance_margin',
  'total_pl',
  'session_upl',
  'session_rpl',
  'futures_pl',
  'futures_session_upl',
  'futures_session_rpl',
  'options_pl',
  'options_session_upl',
  'options_session_rpl',
  'options_value',
  'options_delta',
  'options_gamma',
  'options_theta',
  'options_vega',
  'options_gamma_map',
  'options_theta_map',
  'options_vega_map',
  'delta_total',
  'delta_total_map',
  'projected_delta_total',
  'estimated_liquidation_ratio',
  'estimated_liquidation_ratio_map',
  'fee_balance',
  'additional_reserve',
  'spot_reserve',
  'portfolio_margining_enabled',
  'cross_collateral_enabled',
  'margin_model',
  'limits',
  'fees',
  'locked_balance',
];
const EXTENDED_FIELDS = [
  'id',
  'type',
  'email',
  'username',
  'system_name',
  'creation_timestamp',
  'referrer_id',
  'login_enabled',
  'security_keys_enabled',
  'mmp_enabled',
  'interuser_transfers_enabled',
  'self_trading_reject_mode',
  'self_trading_extended_to_subaccounts',
];

async function trader(): Promise<RawClient> {
  const client = await fx.client();
  await login(client);
  return client;
}

describe('private/get_account_summary', () => {
  it('has production’s field set; extended: true adds the account fields', async () => {
    await fx.start();
    const client = await trader();
    const plain = ok<Record<string, unknown>>(
      await client.call('private/get_account_summary', { currency: 'BTC' }),
    );
    expect(Object.keys(plain).sort()).toEqual([...SUMMARY_FIELDS].sort());
    expect(plain).toMatchObject({
      currency: 'BTC',
      balance: DEFAULT_BALANCES['BTC'],
      margin_model: 'segregated_sm',
    });
    const extended = ok<Record<string, unknown>>(
      await client.call('private/get_account_summary', { currency: 'BTC', extended: true }),
    );
    expect(Object.keys(extended).sort()).toEqual(
      [...SUMMARY_FIELDS, ...EXTENDED_FIELDS, 'block_rfq_self_match_prevention'].sort(),
    );
    expect(extended).toMatchObject({ id: DEFAULT_ACCOUNT.id, type: 'main' });
  });

  it('open orders and positions hold margin: available_funds drops, initial_margin grows', async () => {
    const emu = await fx.start();
    const client = await trader();
    const summary = async (): Promise<Record<string, number>> =>
      ok<Record<string, number>>(await client.call('private/get_account_summary', { currency: 'BTC' }));
    const before = await summary();
    expect(before['available_funds']).toBe(before['balance']);
    // 100,000 USD of BTC-PERPETUAL at 50,000 is 2 BTC of notional; 2% of it is held.
    ok(
      await client.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 100_000, price: 49_000 }),
    );
    const resting = await summary();
    expect(resting['initial_margin']).toBeCloseTo(0.04, 10);
    expect(resting['available_funds']).toBeCloseTo((before['balance'] ?? 0) - 0.04, 10);
    emu.setMarkPrice('BTC-PERPETUAL', 40_000);
    expect((await summary())['initial_margin']).toBeCloseTo(0.05, 10);
  });
});

describe('user.portfolio.{currency}', () => {
  it('is published on its own when balances or margins change (setBalance, orders, option fills)', async () => {
    const emu = await fx.start();
    const client = await trader();
    ok(await client.call('private/subscribe', { channels: ['user.portfolio.btc'] }));
    emu.setBalance(DEFAULT_ACCOUNT.id, 'BTC', 3);
    const set = await client.nextNotification((n) => n.params.channel === 'user.portfolio.btc');
    expect(set.params.data).toMatchObject({ currency: 'BTC', balance: 3, available_funds: 3 });
    ok(
      await client.call('private/buy', {
        instrument_name: 'BTC-25JUN27-100000-C',
        amount: 1,
        price: 0.05,
      }),
    );
    const held = await client.nextNotification((n) => n.params.channel === 'user.portfolio.btc');
    // A resting option buy holds its premium.
    expect(held.params.data).toMatchObject({ balance: 3, available_funds: 2.95 });
    const [resting] = emu.openOrders(DEFAULT_ACCOUNT.id);
    emu.fill(String(resting?.['order_id']));
    const paid = await client.nextNotification((n) => n.params.channel === 'user.portfolio.btc');
    expect(paid.params.data).toMatchObject({ balance: 2.95, available_funds: 2.95 });
  });
});
