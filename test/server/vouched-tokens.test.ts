/**
 * The in-process memory of vouched tokens (src/server/vouched.ts): bounded by count (the least
 * recently vouched go first), expired after the TTL, revoked at once.
 */
import { expect, it } from 'vitest';
import { createVouchedTokens } from '../../src/server/vouched.ts';

it('keeps at most `max` tokens, dropping the least recently vouched', async () => {
  const vouched = createVouchedTokens({ ttlMs: 60_000, max: 3 });
  for (const hash of ['a', 'b', 'c', 'd', 'e']) vouched.vouch(hash);
  expect(['a', 'b', 'c', 'd', 'e'].map((h) => vouched.knows(h))).toEqual([
    false,
    false,
    true,
    true,
    true,
  ]);
  expect(await vouched.has('e')).toBe(true);
  expect(await vouched.has('a')).toBe(false);
});

it('forgets a revoked token at once', () => {
  const vouched = createVouchedTokens({ ttlMs: 60_000, max: 3 });
  vouched.vouch('a');
  vouched.revoke('a');
  expect(vouched.knows('a')).toBe(false);
});
