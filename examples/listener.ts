// Public + private subscriptions that survive reconnects, with every reconnect logged.
// Run: npx tsx examples/listener.ts   (offline it runs ~5 s and forces two disconnects; on testnet, Ctrl-C to stop)
import { DeribitSession, installGracefulShutdown } from 'deribit-session';
import { target } from './target.js';

const where = await target();
const session = new DeribitSession({
  url: where.url,
  credentials: where.credentials,
  scope: 'session:listener', // session-scoped tokens survive reconnects: no full re-auth needed
  heartbeat: { interval: 10 }, // detect a silently dead socket within ~20 s
});

session.on('disconnected', ({ code, reason, willReconnect }) =>
  console.log(`disconnected ${code} ${reason} reconnect=${willReconnect}`),
);
session.on('reconnecting', ({ attempt, delay, error }) =>
  console.log(`attempt ${attempt} failed (${error.message}); next in ${delay} ms`),
);
session.on('authenticated', ({ grant }) => console.log(`authenticated with ${grant}`));
session.on('warning', ({ message }) => console.warn(`warning: ${message}`));

await session.connect();
await session.subscribe(['ticker.BTC-PERPETUAL.100ms', 'user.orders.BTC-PERPETUAL.raw'], (data, channel) => {
  console.log(channel, JSON.stringify(data).slice(0, 120));
});

if (where.emulator) {
  const emulator = where.emulator;
  // Offline: feed the channels, cut the connection twice, and show that both channels keep delivering.
  for (let round = 1; round <= 3; round++) {
    emulator.publish('ticker.BTC-PERPETUAL.100ms', { mark_price: 60_000 + round, round });
    emulator.publish('user.orders.BTC-PERPETUAL.raw', { order_id: `demo-${round}`, order_state: 'open' });
    if (round < 3) {
      const back = new Promise((resolve) => session.once('authenticated', resolve));
      emulator.dropConnections();
      await back;
    }
  }
  await session.close();
  await where.close();
} else {
  installGracefulShutdown([session]);
}
