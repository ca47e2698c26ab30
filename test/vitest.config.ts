import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node (and so yoga and Pothos) loads graphql's CommonJS entry; Vite would pick index.mjs for
    // our own files, a second copy that fails graphql's realm checks. One copy for everything.
    alias: [
      {
        find: /^graphql$/,
        replacement: fileURLToPath(new URL('../node_modules/graphql/index.js', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // test/antenna/ is the contract suite against a real Antenna (npm run test:antenna).
    exclude: ['test/bench/**', 'test/soak/**', 'test/antenna/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Servers started by tests bind 127.0.0.1 on ephemeral ports and stop in afterAll.
    teardownTimeout: 10_000,
  },
});
