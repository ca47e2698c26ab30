/** The fault matrix's rate-limit rows (../shared/reference/reliability.md §7.1), through /graphql. */
import { describe, expect, it } from 'vitest';
import type { GraphQLBody } from '../helpers/stack.ts';
import { BOTH, baseline, codesAt, control, count, expectSplit, useStacks } from './matrix.ts';

const { fresh } = useStacks();
const WIDE_ENV = { UPSTREAM_TIMEOUT_MS: '3000', REQUEST_TIMEOUT_MS: '5000' };

function retryAfter(body: GraphQLBody, field: string): unknown {
  return body.errors?.find((e) => e.path?.[0] === field)?.extensions?.retryAfterSeconds;
}

describe('fault matrix: rate limits', () => {
  it('429 with Retry-After: 1 is waited out once, then succeeds', async () => {
    const s = await fresh({ env: WIDE_ENV });
    const base = await baseline(s);
    control(s, 'wickson').addFault({
      kind: 'rate-limit',
      retryAfter: '1',
      resetInSeconds: 1,
      times: 1,
    });
    const result = await s.query(BOTH);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual(base.data);
    expect(count(s, 'wickson')).toBe(base.wickson + 1);
    const entries = control(s, 'wickson').ledger.entries();
    const limited = entries.find((e) => e.status === 429);
    const retried = entries.find((e) => e !== limited && e.path === limited?.path);
    expect(limited && retried).toBeTruthy();
    const gap = (retried?.startedAt ?? 0) - (limited?.startedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3000);
  });

  it.each(['flat', 'nested'] as const)(
    '429 with a reset 30 minutes away (%s body): RATE_LIMITED at once, then short-circuited',
    async (shape) => {
      const s = await fresh();
      const base = await baseline(s);
      control(s, 'wickson').addFault({ kind: 'rate-limit', resetInSeconds: 1800, shape });
      const result = await s.query(BOTH);
      expectSplit(result, base, 'wickson', ['RATE_LIMITED']);
      expect(result.ms).toBeLessThan(500);
      const seconds = retryAfter(result.body, 'wicksonC');
      expect(seconds).toBeGreaterThanOrEqual(1700);
      expect(seconds).toBeLessThanOrEqual(1801);
      expect(count(s, 'wickson')).toBeLessThanOrEqual(base.wickson);

      const seen = count(s, 'wickson');
      const belugaSeen = count(s, 'beluga');
      const again = await s.query(BOTH);
      expectSplit(again, base, 'wickson', ['RATE_LIMITED']);
      expect(count(s, 'wickson')).toBe(seen);
      expect(count(s, 'beluga')).toBe(belugaSeen + base.beluga);
    },
  );

  it('Retry-After as an HTTP-date is parsed', async () => {
    const s = await fresh();
    const base = await baseline(s);
    const date = new Date(Date.now() + 120_000).toUTCString();
    control(s, 'wickson').addFault({ kind: 'rate-limit', retryAfter: date, resetInSeconds: 120 });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['RATE_LIMITED']);
    const seconds = retryAfter(result.body, 'wicksonC');
    expect(seconds).toBeGreaterThanOrEqual(100);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it('garbage Retry-After: soon never waits forever and never reports NaN', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'rate-limit', retryAfter: 'soon', times: 1 });
    const result = await s.query(BOTH);
    expect(result.ms).toBeLessThan(1500);
    expect(result.text).not.toContain('NaN');
    expect(result.body.data?.belugaC).toEqual(base.data.belugaC);
    if (result.body.data?.wicksonC === null) {
      expect(codesAt(result.body, 'wicksonC')).toEqual(['RATE_LIMITED']);
      const seconds = retryAfter(result.body, 'wicksonC');
      expect(Number.isFinite(seconds)).toBe(true);
      expect(seconds).toBeGreaterThan(0);
    } else {
      expect(result.body.data?.wicksonC).toEqual(base.data.wicksonC);
    }
  });

  it.each([
    ['the upstream reports X-RateLimit-Remaining: 0', { fakes: { wicksonHourlyLimit: 3 } }],
    ['the configured hourly budget is spent', { env: { WICKSON_HOURLY_BUDGET: '3' } }],
  ])(
    'proactive quota when %s: RATE_LIMITED before the upstream sends 429',
    async (_name, options) => {
      const s = await fresh(options);
      let limited: GraphQLBody | undefined;
      for (let i = 0; i < 8 && !limited; i++) {
        const result = await s.query(`{
        belugaC: collection(source: BELUGA, sourceId: "21") { name }
        wicksonC: collection(source: WICKSON, sourceId: "burst_${i}") { name }
      }`);
        expect(result.body.data?.belugaC).toEqual({ name: expect.any(String) });
        if (codesAt(result.body, 'wicksonC').includes('RATE_LIMITED')) limited = result.body;
      }
      expect(limited, 'the gateway never refused').toBeDefined();
      expect(Number(retryAfter(limited ?? {}, 'wicksonC'))).toBeGreaterThan(0);
      expect(count(s, 'wickson')).toBeLessThanOrEqual(3);
      expect(
        control(s, 'wickson')
          .ledger.entries()
          .filter((e) => e.status === 429),
      ).toEqual([]);
    },
  );
});
