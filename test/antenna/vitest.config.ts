/**
 * The contract suite against a real Antenna (`npm run test:antenna`): separate from `npm test`
 * (which excludes test/antenna/ and needs no Antenna). Files run one after another: they share
 * one Antenna and its data.
 */
import { defineConfig } from 'vitest/config';
import base from '../vitest.config.ts';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/antenna/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
