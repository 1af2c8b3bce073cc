// Connect, call a private method, close. Run: npx tsx examples/basic.ts
import { DeribitSession } from 'deribit-session';
import { target } from './target.js';

const where = await target();
const session = new DeribitSession({ url: where.url, credentials: where.credentials });

await session.connect();
console.log(
  'authenticated; scope:',
  session.scope,
  'token expires',
  new Date(session.expiresAt ?? 0).toISOString(),
);

const summary = await session.call('private/get_account_summary', {
  currency: 'BTC',
});
console.log('BTC equity:', summary.equity);

await session.close();
await where.close();
