// Save tokens from the `tokens` event; after a restart, resume from the refresh token (credentials stay the fallback).
// Run: npx tsx examples/persist-tokens.ts
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeribitSession, type SessionOptions } from 'deribit-session';
import { target } from './target.js';

const where = await target();
const dir = await mkdtemp(join(tmpdir(), 'deribit-session-'));
const file = join(dir, 'tokens.json'); // real code: a file only your user can read, or a secrets store

function persisting(options: SessionOptions): DeribitSession {
  const session = new DeribitSession(options);
  // The only event that carries tokens. Write the newest refresh token every time it changes.
  session.on('tokens', ({ refreshToken, expiresAt }) => {
    void writeFile(file, JSON.stringify({ refreshToken, expiresAt }), { mode: 0o600 });
  });
  return session;
}

// First run: credentials, a named session (its tokens outlive the socket).
const first = persisting({ url: where.url, credentials: where.credentials, scope: 'session:persisted' });
await first.connect();
console.log('first run authenticated as session', first.scope?.sessionName);
await first.close(); // no logout: the named session stays valid on the server

// "Restart": read the saved refresh token and resume with it; credentials only if it is rejected.
const saved = JSON.parse(await readFile(file, 'utf8')) as { refreshToken: string };
const resumed = persisting({
  url: where.url,
  credentials: where.credentials,
  refreshToken: saved.refreshToken,
});
const grant = new Promise((resolve) => resumed.once('authenticated', ({ grant }) => resolve(grant)));
await resumed.connect();
console.log(`resumed with ${await grant} as session ${resumed.scope?.sessionName}`);

await resumed.logout(); // done for good: invalidate the session's tokens
await rm(dir, { recursive: true });
await where.close();
