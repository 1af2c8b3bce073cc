/**
 * A child of {@link ./limit.ts}: one bot with its own session, pacing through the Redis credit store that it
 * shares with the other children. Prints "ready" once authenticated; on "go" issues COUNT calls of the mix at
 * once and prints how they ended as JSON. Arguments: emulator URL, Redis URL, store key, COUNT, label prefix.
 */
import { createInterface } from 'node:readline';
import { newSession } from './clients.js';
import { redisStoreModule } from './lib.js';
import { burst } from './limit-orders.js';

const [url = '', redisUrl = '', key = '', count = '0', prefix = ''] = process.argv.slice(2);
const { RedisCreditStore } = await redisStoreModule();
const store = new RedisCreditStore({ url: redisUrl });
const session = newSession(url, { credits: { store, key } });
await session.connect();
// The tier is read on the first order call: read it now, so that "go" starts every bot on an equal footing.
await session.call('private/cancel_by_label', { label: `${prefix}-warm-up` });
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
const outcome = await burst(session, Number(count), prefix);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
lines.close();
await session.close();
await store.close();
