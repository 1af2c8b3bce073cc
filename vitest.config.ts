import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // As tsconfig's paths: tests that import an example get the source, never a stale dist/.
  resolve: {
    alias: [
      { find: /^deribit-session\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^deribit-session$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open real sockets; forks keep each file's sockets and timers isolated.
    pool: 'forks',
  },
});
