// One named session per strategy via fork, cancel-on-disconnect, private order channels,
// and graceful logout on SIGINT/SIGTERM. Run: npx tsx examples/market-maker.ts
// (offline it quotes a few rounds, then simulates a SIGTERM; on testnet it runs until Ctrl-C).
import { type DeribitSession, installGracefulShutdown, DeribitSession as Session } from 'deribit-session';
import { target } from './target.js';

const where = await target();

// The root session only forks; each strategy gets its own named session, socket and lifecycle.
const root = new Session({ url: where.url, credentials: where.credentials, scope: 'session:mm-root' });
root.on('warning', ({ message }) => console.warn(`[root] ${message}`));
await root.connect();

async function startStrategy(name: string, instrument: string): Promise<DeribitSession> {
  // Cancel-on-disconnect per connection: if this socket dies, Deribit cancels this strategy's orders.
  const session = await root.fork(name, { cancelOnDisconnect: 'connection' });
  session.on('disconnected', ({ willReconnect }) =>
    console.log(`[${name}] disconnected; orders cancelled by COD; reconnect=${willReconnect}`),
  );
  session.on('authenticated', () => console.log(`[${name}] (re)authenticated; COD re-enabled`));
  await session.subscribe(`user.orders.${instrument}.raw`, (order) => {
    const { order_id, order_state } = order as { order_id: string; order_state: string };
    console.log(`[${name}] order ${order_id} ${order_state}`);
  });
  return session;
}

const strategies = await Promise.all([
  startStrategy('mm-btc', 'BTC-PERPETUAL'),
  startStrategy('mm-eth', 'ETH-PERPETUAL'),
]);

// Logs out the root and every fork in parallel within 5 s. Note: logout does NOT trigger cancel-on-disconnect,
// so cancel your orders first if they must not outlive the process.
const uninstall = installGracefulShutdown([root], {
  timeout: 5000,
  onEvent: (event) => console.log('[shutdown]', JSON.stringify(event)),
});

async function quote(session: DeribitSession, instrument: string, mid: number): Promise<void> {
  await session.call('private/cancel_all');
  await session.call('private/buy', {
    instrument_name: instrument,
    amount: 10,
    type: 'limit',
    price: mid - 5,
    post_only: true,
  });
  await session.call('private/sell', {
    instrument_name: instrument,
    amount: 10,
    type: 'limit',
    price: mid + 5,
    post_only: true,
  });
}

const [btc, eth] = strategies as [DeribitSession, DeribitSession];
for (let round = 0; round < 3; round++) {
  await Promise.all([
    quote(btc, 'BTC-PERPETUAL', 60_000 + round),
    quote(eth, 'ETH-PERPETUAL', 3_000 + round),
  ]);
}

if (!where.live) {
  // Offline: cancel our quotes, then behave as if the process got SIGTERM.
  await Promise.all(strategies.map((session) => session.call('private/cancel_all')));
  uninstall();
  installGracefulShutdown([root], {
    exit: (code) => {
      console.log(`[shutdown] would exit with ${code}`);
      void where.close();
    },
    onEvent: (event) => console.log('[shutdown]', JSON.stringify(event)),
  });
  process.kill(process.pid, 'SIGTERM');
}
