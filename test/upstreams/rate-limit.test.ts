/** 429 handling, the Wickson quota guard and the proactive hourly budget. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fakes } from '../../src/fakes/index.ts';
import { RateLimitedError } from '../../src/upstreams/errors.ts';
import { parseResetMs, parseRetryAfterMs } from '../../src/upstreams/rate-limit.ts';
import { useFakes } from '../helpers/fakes.ts';
import { closeHarnesses, harness, rejection, timed } from './helpers.ts';

let fakes: Fakes;
const started = useFakes();
beforeAll(() => {
  fakes = started();
});
afterEach(closeHarnesses);

const wickson = () => fakes.wickson.control;

describe('429', () => {
  it('Retry-After: 1 is waited out once, then the call succeeds', async () => {
    const h = await harness(fakes, { UPSTREAM_TIMEOUT_MS: '3000' });
    wickson().addFault({
      route: 'collections.list',
      kind: 'rate-limit',
      retryAfter: '1',
      times: 1,
    });
    const { value, ms } = await timed(() => h.upstreams.wickson.listCollections(h.scope()));
    expect(value.collections).toContain('research_papers');
    const [first, second] = wickson().ledger.entries({ route: 'collections.list' });
    expect(wickson().ledger.count()).toBe(2);
    expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(990);
    expect(ms).toBeLessThan(2500);
    expect(h.calls[0]).toMatchObject({ attempts: 2, status: 200, errorCode: undefined });
  });

  it('a Retry-After: 1 that does not fit the deadline is rate limited at once', async () => {
    const h = await harness(fakes, { UPSTREAM_TIMEOUT_MS: '800' });
    wickson().addFault({
      route: 'collections.list',
      kind: 'rate-limit',
      retryAfter: '1',
      times: 1,
    });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.wickson.listCollections(h.scope())),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(1);
    expect(ms).toBeLessThan(300);
    expect(wickson().ledger.count()).toBe(1);
  });

  it.each(['flat', 'nested'] as const)(
    'a reset 1800 s away (%s body) fails at once and short-circuits Wickson only',
    async (shape) => {
      const h = await harness(fakes);
      wickson().addFault({
        route: 'collections.detail',
        kind: 'rate-limit',
        resetInSeconds: 1800,
        shape,
      });
      const { value: error, ms } = await timed(() =>
        rejection(h.upstreams.wickson.getCollection('research_papers', h.scope())),
      );
      expect(error).toBeInstanceOf(RateLimitedError);
      const seconds = (error as RateLimitedError).retryAfterSeconds;
      expect(seconds).toBeGreaterThanOrEqual(1795);
      expect(seconds).toBeLessThanOrEqual(1801);
      expect(ms).toBeLessThan(300);
      for (let i = 0; i < 3; i++) {
        const again = await rejection(h.upstreams.wickson.listCollections(h.scope()));
        expect(again).toBeInstanceOf(RateLimitedError);
        expect((again as RateLimitedError).retryAfterSeconds).toBeGreaterThan(1790);
      }
      expect(wickson().ledger.count()).toBe(1);
      expect(h.calls.slice(-3).every((c) => c.attempts === 0)).toBe(true);
      const blocked = h.upstreams.health().find((x) => x.upstream === 'wickson')?.quotaBlockedUntil;
      expect(blocked! - Date.now()).toBeGreaterThan(1_790_000);
      expect((await h.upstreams.beluga.getCaptureSet(21, h.scope()))?.id).toBe(21);
    },
  );

  it('an HTTP-date Retry-After is honoured; garbage falls back to X-RateLimit-Reset', async () => {
    const h = await harness(fakes);
    const date = new Date(Date.now() + 120_000).toUTCString();
    wickson().addFault({ route: 'media.detail', kind: 'rate-limit', retryAfter: date, times: 1 });
    const dated = await rejection(h.upstreams.wickson.getMedia('x', h.scope()));
    expect((dated as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect((dated as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(121);

    const h2 = await harness(fakes);
    wickson().addFault({
      route: 'collections.list',
      kind: 'rate-limit',
      retryAfter: 'soon',
      resetInSeconds: 30,
    });
    const garbage = await rejection(h2.upstreams.wickson.listCollections(h2.scope()));
    const seconds = (garbage as RateLimitedError).retryAfterSeconds;
    expect(Number.isFinite(seconds)).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(28);
    expect(seconds).toBeLessThanOrEqual(31);
  });

  it('Retry-After and reset parsing never yields NaN', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('1', now)).toBe(1000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    for (const junk of [
      'soon',
      '',
      '-1',
      '1.5',
      'NaN',
      'Infinity',
      '2026-01-01',
      '9'.repeat(400),
    ]) {
      expect(parseRetryAfterMs(junk, now)).toBeUndefined();
    }
    expect(parseResetMs(String(now / 1000 + 30), now)).toBe(30_000);
    expect(parseResetMs('abc', now)).toBeUndefined();
    expect(parseResetMs(Number.NaN, now)).toBeUndefined();
  });

  it('a Beluga 429 is rate limited too, with no quota block on Beluga', async () => {
    const h = await harness(fakes);
    fakes.beluga.control.addFault({
      route: 'projects.list',
      kind: 'rate-limit',
      resetInSeconds: 120,
      times: 1,
    });
    const error = await rejection(
      h.upstreams.beluga.listProjects({ limit: 5, offset: 0 }, h.scope()),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(
      (await h.upstreams.beluga.listProjects({ limit: 5, offset: 0 }, h.scope())).results.length,
    ).toBeGreaterThan(0);
  });
});

describe('quota guard', () => {
  it('the local hourly budget refuses calls before the upstream sends 429', async () => {
    const h = await harness(fakes, { WICKSON_HOURLY_BUDGET: '5' });
    const outcomes = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await h.upstreams.wickson.getCollection(`collection_${i}`, h.scope()).then(
          () => 'ok',
          (e) => e,
        ),
      );
    }
    expect(outcomes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    for (const refused of outcomes.slice(5)) {
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(3660);
    }
    expect(wickson().ledger.count()).toBe(5);
    expect(
      wickson()
        .ledger.entries()
        .every((e) => e.status !== 429),
    ).toBe(true);
  });

  it('X-RateLimit-Remaining: 0 on a success blocks further calls until the reset', async () => {
    const h = await harness(fakes);
    const reset = String(Math.ceil(Date.now() / 1000) + 600);
    wickson().addFault({
      route: 'collections.detail',
      kind: 'status',
      status: 404,
      times: 1,
      headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
    });
    expect(await h.upstreams.wickson.getCollection('gone', h.scope())).toBeNull();
    const error = await rejection(h.upstreams.wickson.listCollections(h.scope()));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(590);
    expect(wickson().ledger.count()).toBe(1);
  });
});
