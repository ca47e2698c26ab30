import { describe, expect, it } from 'vitest';
import { createBudgetPace } from '../../../src/upstreams/cache/budget-pace.ts';
import { ANONYMOUS_SCOPE, createCacheKeyer } from '../../../src/upstreams/cache/key.ts';
import type { GetRequest } from '../../../src/upstreams/http.ts';
import type { QuotaUsage } from '../../../src/upstreams/quota.ts';

const req = (query: GetRequest<unknown>['query'], authorization?: string): GetRequest<unknown> =>
  ({
    path: '/api/v2/jobs/',
    route: '/api/v2/jobs/',
    query,
    scope: { authorization, signal: undefined, requestId: undefined },
  }) as GetRequest<unknown>;

describe('cache keys', () => {
  it('sort the query, drop undefined values, and never hold the token', () => {
    const keyer = createCacheKeyer('s'.repeat(16));
    const a = keyer.key('beluga', req({ limit: 10, offset: 0, status: undefined }, 'Token abc123'));
    const b = keyer.key('beluga', req({ offset: 0, limit: 10 }, 'Token abc123'));
    expect(a).toBe(b);
    expect(a).toMatch(/^beluga:\/api\/v2\/jobs\/\?limit=10&offset=0#t\./);
    expect(a).not.toContain('abc123');
  });

  it('scope Beluga by credential; Wickson answers are shared by every caller', () => {
    const keyer = createCacheKeyer('s'.repeat(16));
    const member = keyer.key('beluga', req({}, 'Token member'));
    const outsider = keyer.key('beluga', req({}, 'Token outsider'));
    const anonymous = keyer.key('beluga', req({}));
    expect(new Set([member, outsider, anonymous]).size).toBe(3);
    expect(anonymous.endsWith(`#${ANONYMOUS_SCOPE}`)).toBe(true);
    expect(keyer.key('wickson', req({}, 'Token member'))).toBe(keyer.key('wickson', req({})));
  });

  it('agree across processes only when CACHE_KEY_SECRET is shared', () => {
    const token = 'Token member';
    expect(createCacheKeyer('x'.repeat(16)).scopeOf(token)).toBe(
      createCacheKeyer('x'.repeat(16)).scopeOf(token),
    );
    expect(createCacheKeyer(undefined).scopeOf(token)).not.toBe(
      createCacheKeyer(undefined).scopeOf(token),
    );
  });
});

describe('budget pacing', () => {
  const pace = (usage: QuotaUsage) =>
    createBudgetPace({ hourlyBudget: 1000, reserve: 0.1, usage: () => usage, now: () => 0 });

  it('allows (budget − reserve) / 60 refreshes a minute', () => {
    const usage = { hour: 0, minute: 0, remaining: 1000 };
    const p = pace(usage);
    const allowed = Array.from({ length: 40 }, () => p.allowRefresh()).filter(Boolean).length;
    expect(allowed).toBe(15);
  });

  it('counts the minute’s other calls, and stops at the reserve', () => {
    expect(pace({ hour: 14, minute: 14, remaining: 986 }).allowRefresh()).toBe(true);
    expect(pace({ hour: 15, minute: 15, remaining: 985 }).allowRefresh()).toBe(false);
    expect(pace({ hour: 900, minute: 0, remaining: 100 }).allowRefresh()).toBe(false);
    expect(pace({ hour: 899, minute: 0, remaining: 101 }).allowRefresh()).toBe(true);
  });
});
