/**
 * A child of `bench/credits.ts`: one governor on the Redis store. Prints "ready"; on "go" it issues COUNT
 * mixed calls at once and prints "done" when all got their credits. Arguments: redis URL, key, COUNT, offset.
 */
import { createInterface } from 'node:readline';
import { CreditGovernor } from '../src/calls/credits/governor.js';
import { RedisCreditStore } from '../src/calls/credits/redis-store.js';
import { burstOf, LIMIT } from './credits-mix.js';

const [url = '', key = '', count = '0', offset = '0'] = process.argv.slice(2);
const store = new RedisCreditStore({ url });
const governor = new CreditGovernor({ store, key, limits: { matching: LIMIT } });
await store.bucket(`${key}:warm-up`).peek({ rate: 1, burst: 1, slowRate: 1 });
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
await burstOf(governor, Number(count), Number(offset));
process.stdout.write('done\n');
lines.close();
governor.dispose(new Error('done'));
await store.close();
