/** The Wickson quota guard on a fake clock: hourly window, refunds, upstream-reported blocks. */
import { describe, expect, it } from 'vitest';
import { createQuotaGuard } from '../../src/upstreams/quota.ts';

describe('quota guard', () => {
  it('never allows more than the hourly budget in any hour, then frees the oldest minute', () => {
    let now = 1_700_000_000_000;
    const guard = createQuotaGuard({ hourlyBudget: 3, now: () => now });
    expect([guard.take(), guard.take()]).toEqual([0, 0]);
    now += 30 * 60_000;
    expect(guard.take()).toBe(0);
    const wait = guard.take();
    expect(wait).toBeGreaterThan(29 * 60_000);
    expect(wait).toBeLessThanOrEqual(31 * 60_000);
    now += wait;
    expect(guard.take()).toBe(0);
  });

  it('a refund gives the token back', () => {
    const guard = createQuotaGuard({ hourlyBudget: 1, now: () => 5_000_000 });
    expect(guard.take()).toBe(0);
    guard.refund();
    expect(guard.take()).toBe(0);
    expect(guard.take()).toBeGreaterThan(0);
  });

  it('X-RateLimit-Remaining 0 blocks until the reset; a later positive count unblocks', () => {
    let now = 1_700_000_000_000;
    const guard = createQuotaGuard({ hourlyBudget: 100, now: () => now });
    guard.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) });
    expect(guard.take()).toBe(90_000);
    expect(guard.blockedUntil()).toBe(now + 90_000);
    expect(guard.take({ ignoreBlock: true })).toBe(0);
    guard.observe({ 'x-ratelimit-remaining': '12' });
    expect(guard.take()).toBe(0);
    guard.observe({ 'x-ratelimit-remaining': 'garbage' });
    now += 1;
    expect(guard.blockedUntil()).toBeUndefined();
  });
});

describe('bounded upstream block', () => {
  it('caps a block at maxBlockMs and lets one probe through per probeEveryMs', () => {
    let now = 1_700_000_000_000;
    const guard = createQuotaGuard({ hourlyBudget: 100, now: () => now });
    guard.blockFor(999_999_999_000);
    expect(guard.blockedUntil()).toBe(now + 3_600_000);
    now += 59_999;
    expect(guard.take()).toBe(3_600_000 - 59_999);
    now += 1;
    expect(guard.take()).toBe(0);
    expect(guard.take()).toBeGreaterThan(0);
    now += 60_000;
    expect(guard.take()).toBe(0);
    expect(guard.usage().hour).toBe(2);
  });

  it('a success without rate-limit headers ends the block; an error does not', () => {
    const guard = createQuotaGuard({ hourlyBudget: 100, now: () => 1_700_000_000_000 });
    guard.blockFor(600_000);
    guard.observe({}, 500);
    expect(guard.blockedUntil()).toBeDefined();
    guard.observe({}, 200);
    expect(guard.blockedUntil()).toBeUndefined();
  });
});
