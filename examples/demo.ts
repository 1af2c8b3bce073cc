// `npm run demo`: one session through its whole life, printed as a live timeline.
// Offline (default) it runs against the embedded emulator with 3-second tokens.
// With DERIBIT_CLIENT_ID and DERIBIT_CLIENT_SECRET set it runs the same flow against Deribit testnet
// (DERIBIT_URL overrides the endpoint); steps that need the emulator's fault hooks are skipped there.
import { DeribitSession } from 'deribit-session';
import { target } from './target.js';

const started = performance.now();
function log(topic: string, text: string): void {
  const at = ((performance.now() - started) / 1000).toFixed(3).padStart(7);
  console.log(`+${at}s  ${topic.padEnd(13)} ${text}`);
}

function watch(session: DeribitSession, who: string): void {
  session.on('state', ({ from, to, reason }) => log(`${who} state`, `${from} → ${to} (${reason})`));
  session.on('authenticated', ({ grant, scope, expiresAt }) =>
    log(
      `${who} auth`,
      `grant=${grant} session=${scope.sessionName ?? 'connection'} expires in ${Math.round((expiresAt - Date.now()) / 1000)} s`,
    ),
  );
  session.on('refreshed', ({ expiresAt }) =>
    log(`${who} refresh`, `new token, expires in ${Math.round((expiresAt - Date.now()) / 1000)} s`),
  );
  session.on('disconnected', ({ code, willReconnect }) =>
    log(`${who} socket`, `lost (code ${code}); reconnect=${willReconnect}`),
  );
  session.on('reconnecting', ({ attempt, delay, error }) =>
    log(`${who} retry`, `attempt ${attempt} failed (${error.message}); next in ${delay} ms`),
  );
  session.on('warning', ({ message }) => log(`${who} warning`, message));
  session.on('closed', ({ reason }) => log(`${who} closed`, `reason=${reason}`));
}

/** One line from `session.status()`, the snapshot a health endpoint would serve (it never holds a secret). */
function showStatus(session: DeribitSession): void {
  const {
    state,
    attempt,
    lastError,
    nextRetryAt,
    expiresAt,
    sinceLastFrame,
    subscriptions,
    waiting,
    roundTrip,
    lag,
  } = session.status();
  const parts: string[] = [state];
  if (attempt > 0) parts.push(`attempt ${attempt} failed (${lastError?.code}: ${lastError?.message})`);
  if (nextRetryAt !== undefined) parts.push(`retry in ${nextRetryAt - Date.now()} ms`);
  if (expiresAt !== undefined && state !== 'closed')
    parts.push(`token expires in ${Math.round((expiresAt - Date.now()) / 1000)} s`);
  if (sinceLastFrame !== undefined) parts.push(`last frame ${sinceLastFrame} ms ago`);
  if (roundTrip !== undefined) parts.push(`round trip ${roundTrip.toFixed(2)} ms`);
  if (lag !== undefined) parts.push(`notification lag ${lag} ms`);
  const { confirmed, pending } = subscriptions;
  parts.push(`channels ${confirmed}/${confirmed + pending} confirmed`);
  if (waiting > 0) parts.push(`${waiting} calls waiting`);
  log('status', parts.join('; '));
}

function once<T>(
  subscribe: (resolve: (value: T) => void) => void,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const where = await target({ tokenTtl: 3, minHeartbeatInterval: 1 });
const emulator = where.emulator;
log('setup', where.live ? `live: ${where.url}` : `embedded emulator at ${where.url} (tokens live 3 s)`);

const session = new DeribitSession({
  url: where.url,
  credentials: where.credentials,
  scope: 'session:demo',
  cancelOnDisconnect: 'connection',
  heartbeat: { interval: emulator ? 1 : 10 },
  reconnect: { minTimeout: 200, maxTimeout: 2000 },
});
watch(session, 'main');

// Live, a wrong URL, key or network shows at once: the cause is printed, and the demo stops after 3 attempts.
const MAX_ATTEMPTS = 3;
let cause: Error | undefined;
session.on('reconnecting', ({ attempt, error }) => {
  cause = error;
  if (where.live && attempt >= MAX_ATTEMPTS && session.expiresAt === undefined) {
    log('stop', `${attempt} attempts failed; giving up`);
    void session.close();
  }
});
try {
  await session.connect();
} catch (error) {
  const why = cause ?? (error instanceof Error ? error : new Error(String(error)));
  log('failed', `could not connect: ${why.message}`);
  await where.close();
  process.exit(1);
}
const summary = await session.call('private/get_account_summary', {
  currency: 'BTC',
});
log('call', `private/get_account_summary → ${summary.currency} equity ${summary.equity}`);

const ticker = 'ticker.BTC-PERPETUAL.100ms';
let notifications = 0;
let onFirst: (data: unknown) => void = () => {};
const firstNotification = once<unknown>((resolve) => (onFirst = resolve), 15_000, 'a notification');
await session.subscribe([ticker, 'user.orders.BTC-PERPETUAL.raw'], (data, channel) => {
  notifications += 1;
  if (notifications === 1) onFirst(data);
  if (notifications <= 3) log('notification', `${channel} ${JSON.stringify(data).slice(0, 70)}`);
});
log('subscribe', `${ticker}, user.orders.BTC-PERPETUAL.raw`);
emulator?.publish(ticker, { instrument_name: 'BTC-PERPETUAL', mark_price: 60_123.5, timestamp: Date.now() });
await firstNotification;
showStatus(session);

if (emulator) {
  await once((resolve) => session.once('refreshed', resolve), 10_000, 'a token refresh');
  log('fault', 'emulator drops every connection (a network fault)');
  session.once('reconnecting', () => showStatus(session));
  const back = once((resolve) => session.once('authenticated', resolve), 15_000, 're-authentication');
  emulator.dropConnections();
  await back;
  log('check', `subscriptions restored: ${session.channels.join(', ')}`);
  // A resting limit buy, well below the mark: the emulator tells user.orders about it, as Deribit would.
  const placed = await session.call('private/buy', {
    instrument_name: 'BTC-PERPETUAL',
    amount: 10,
    type: 'limit',
    price: 50_000,
    label: 'demo',
  });
  log('call', `private/buy → ${placed.order.order_id} ${placed.order.order_state} at ${placed.order.price}`);
} else {
  log('skip', 'forced disconnect and short tokens need the emulator');
}

const child = await session.fork('demo-strategy');
watch(child, 'fork');
const childSummary = await child.call('private/get_account_summary', { currency: 'BTC', extended: true });
log(
  'call',
  `fork private/get_account_summary → account ${childSummary.id}; named sessions: ${session.namedSessions.join(', ')}`,
);

log('logout', 'fork, then main (open orders stay open: logout does not trigger cancel-on-disconnect)');
await child.logout();
const { confirmed } = await session.logout();
log('done', `logout confirmed=${confirmed}; ${notifications} notifications received`);
showStatus(session);
await where.close();
