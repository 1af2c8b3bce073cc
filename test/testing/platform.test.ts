import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { CloseCode, DEFAULT_ACCOUNT } from '../../src/testing/index.js';
import { fails, login, ok, useEmulator } from '../helpers/emulator-fixture.js';
import type { RawClient } from '../helpers/raw-client.js';

const fx = useEmulator();
const order = { instrument_name: 'BTC-PERPETUAL', amount: 10, price: 40_000 };

async function watcher(): Promise<RawClient> {
  const client = await fx.client();
  await login(client);
  expect(ok(await client.call('public/subscribe', { channels: ['platform_state'] }))).toEqual([
    'platform_state',
  ]);
  return client;
}

describe('maintenance', () => {
  it('{maintenance: true} first, then sockets close (1012) and every request gets 11051 until it ends', async () => {
    const emu = await fx.start();
    const client = await watcher();
    const started = new Promise((resolve) => emu.once('maintenance', resolve));
    emu.maintenance(60_000);
    const notice = await client.nextNotification((n) => n.params.channel === 'platform_state');
    expect(notice.params.data).toEqual({ maintenance: true });
    expect(await started).toEqual({ active: true });
    expect((await client.closed).code).toBe(CloseCode.maintenance);
    const late = await fx.client();
    expect(fails(await late.call('public/test'), ErrorCode.systemMaintenance)).toEqual({
      code: 11051,
      message: 'system_maintenance',
    });
    expect((await late.closed).code).toBe(CloseCode.maintenance);
  });

  it('noticeMs leaves time between the notice and the window; the window ends by itself', async () => {
    const emu = await fx.start();
    const client = await watcher();
    const phases: boolean[] = [];
    const ended = new Promise<void>((resolve) => {
      emu.on('maintenance', ({ active }) => {
        phases.push(active);
        if (!active) resolve();
      });
    });
    emu.maintenance(20, { noticeMs: 50 });
    await client.nextNotification((n) => n.params.channel === 'platform_state');
    ok(await client.call('public/test')); // still served during the notice
    await ended;
    expect(phases).toEqual([true, false]);
    const after = await fx.client();
    ok(await after.call('public/test'));
  });
});

describe('locked indices', () => {
  it('lockIndex publishes {price_index, locked}; public/status says partial, then true, then false', async () => {
    const emu = await fx.start();
    const client = await watcher();
    expect(ok(await client.call('public/status'))).toEqual({ locked: 'false', locked_indices: [] });
    emu.lockIndex('btc_usd');
    const locked = await client.nextNotification((n) => n.params.channel === 'platform_state');
    expect(locked.params.data).toEqual({ price_index: 'btc_usd', locked: true });
    expect(ok(await client.call('public/status'))).toEqual({
      locked: 'partial',
      locked_indices: ['btc_usd'],
    });
    emu.lockIndex('btc_usd'); // no change, no notification
    for (const index of ['eth_usd', 'btc_usdc']) emu.lockIndex(index);
    expect(ok(await client.call('public/status'))).toEqual({
      locked: 'true',
      locked_indices: ['btc_usd', 'btc_usdc', 'eth_usd'],
    });
    for (const index of ['btc_usd', 'eth_usd', 'btc_usdc']) emu.lockIndex(index, false);
    expect(ok(await client.call('public/status'))).toEqual({ locked: 'false', locked_indices: [] });
    const notes = client.notifications.filter((n) => n.params.channel === 'platform_state');
    expect(notes.map((n) => n.params.data)).toEqual([
      { price_index: 'eth_usd', locked: true },
      { price_index: 'btc_usdc', locked: true },
      { price_index: 'btc_usd', locked: false },
      { price_index: 'eth_usd', locked: false },
      { price_index: 'btc_usdc', locked: false },
    ]);
  });

  it('order entry on the locked index gets 10019; cancels and other indices still work', async () => {
    const emu = await fx.start();
    const client = await fx.client();
    await login(client);
    const { order: resting } = ok<{ order: { order_id: string } }>(await client.call('private/buy', order));
    ok(await client.call('private/buy', { instrument_name: 'ETH-PERPETUAL', amount: 1, type: 'market' }));
    emu.lockIndex('btc_usd');
    expect(fails(await client.call('private/buy', order), 10019)).toMatchObject({
      message: 'locked_by_admin',
    });
    fails(await client.call('private/sell', { ...order, price: 60_000 }), ErrorCode.lockedByAdmin);
    fails(
      await client.call('private/edit', { order_id: resting.order_id, amount: 20, price: 40_000 }),
      ErrorCode.lockedByAdmin,
    );
    ok(await client.call('private/close_position', { instrument_name: 'ETH-PERPETUAL', type: 'market' }));
    ok(await client.call('private/buy', { ...order, instrument_name: 'BTC_USDC-PERPETUAL', amount: 0.01 }));
    expect(ok(await client.call('private/cancel', { order_id: resting.order_id }))).toMatchObject({
      order_state: 'cancelled',
    });
    emu.lockIndex('btc_usd', false);
    ok(await client.call('private/buy', order));
  });
});

describe('hello and user.lock', () => {
  it('public/hello answers {version}; lockUser publishes user.lock to the subject', async () => {
    const emu = await fx.start({ version: '1.2.3' });
    const client = await fx.client();
    expect(
      ok(await client.call('public/hello', { client_name: 'deribit-session', client_version: '0.1.0' })),
    ).toEqual({
      version: '1.2.3',
    });
    await login(client);
    ok(await client.call('private/subscribe', { channels: ['user.lock'] }));
    emu.lockUser(DEFAULT_ACCOUNT.id, true, 'BTC');
    const note = await client.nextNotification((n) => n.params.channel === 'user.lock');
    expect(note.params.data).toEqual({ locked: true, currency: 'BTC' });
  });
});
