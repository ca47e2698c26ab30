import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'test/soak/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Servers started by tests bind 127.0.0.1 on ephemeral ports and stop in afterAll.
    teardownTimeout: 10_000,
  },
});
