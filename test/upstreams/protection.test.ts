/** The circuit breaker and the retry budget. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fakes } from '../../src/fakes/index.ts';
import { UpstreamUnavailableError } from '../../src/upstreams/errors.ts';
import { createRetryBudget } from '../../src/upstreams/retry.ts';
import { useFakes } from '../helpers/fakes.ts';
import { closeHarnesses, type Harness, harness, rejection, timed } from './helpers.ts';

let fakes: Fakes;
const started = useFakes();
beforeAll(() => {
  fakes = started();
});
afterEach(closeHarnesses);

const breakerOf = (h: Harness, name: 'beluga' | 'wickson') =>
  h.upstreams.health().find((x) => x.upstream === name)?.breaker;

describe('circuit breaker', () => {
  it('opens on consecutive 503s, fails fast with no new requests, then one probe closes it', async () => {
    const h = await harness(fakes);
    const ledger = fakes.beluga.control.ledger;
    const faultId = fakes.beluga.control.addFault({
      route: 'jobs.detail',
      kind: 'status',
      status: 503,
    });
    let calls = 0;
    while (breakerOf(h, 'beluga') === 'closed' && calls < 20) {
      await rejection(h.upstreams.beluga.getJob(1146, h.scope()));
      calls += 1;
    }
    expect(breakerOf(h, 'beluga')).toBe('open');
    expect(calls).toBeLessThan(20);
    const sent = ledger.count();
    expect(sent).toBeGreaterThanOrEqual(10);

    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { value: error, ms } = await timed(() =>
        rejection(h.upstreams.beluga.getJob(1146, h.scope())),
      );
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as Error).message).toContain('circuit open');
      times.push(ms);
    }
    // < 5 ms when idle; the fastest of five keeps a GC pause on a loaded runner from failing it.
    expect(Math.min(...times)).toBeLessThan(5);
    expect(Math.max(...times)).toBeLessThan(250);
    expect(ledger.count()).toBe(sent);
    expect(h.calls.slice(-5).every((c) => c.attempts === 0)).toBe(true);
    // Wickson is a different upstream with its own breaker.
    expect(
      (await h.upstreams.wickson.listCollections(h.scope())).collections.length,
    ).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 350));
    fakes.beluga.control.removeFault(faultId);
    const results = await Promise.allSettled([
      h.upstreams.beluga.getJob(1146, h.scope()),
      h.upstreams.beluga.getJob(1146, h.scope()),
      h.upstreams.beluga.getJob(1146, h.scope()),
    ]);
    expect(ledger.count()).toBe(sent + 1);
    expect(results[0]?.status).toBe('fulfilled');
    expect(results.slice(1).every((r) => r.status === 'rejected')).toBe(true);
    expect(breakerOf(h, 'beluga')).toBe('closed');
    await h.upstreams.beluga.getJob(1146, h.scope());
    expect(ledger.count()).toBe(sent + 2);
  });

  it('does not count 404s or 4xx', async () => {
    const h = await harness(fakes);
    for (let i = 0; i < 15; i++) await h.upstreams.beluga.getJob(987_654, h.scope());
    expect(breakerOf(h, 'beluga')).toBe('closed');
  });
});

describe('retry budget', () => {
  it('50 concurrent calls against a 503 upstream cause no retry storm', async () => {
    const h = await harness(fakes, { UPSTREAM_TIMEOUT_MS: '2000' });
    fakes.beluga.control.addFault({ route: 'jobs.detail', kind: 'status', status: 503 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => h.upstreams.beluga.getJob(1146, h.scope())),
    );
    expect(
      results.every((r) => r.status === 'rejected' && r.reason instanceof UpstreamUnavailableError),
    ).toBe(true);
    const sent = fakes.beluga.control.ledger.count();
    expect(sent).toBeGreaterThanOrEqual(50);
    expect(sent).toBeLessThanOrEqual(50 * 1.2 + 3);
  });

  it('allows ratio × recent requests plus a floor, and refills after the window', () => {
    let now = 1_000_000;
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => now });
    for (let i = 0; i < 50; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted += 1;
    expect(granted).toBe(13);
    now += 11_000;
    budget.recordRequest();
    expect(budget.tryRetry()).toBe(true);
  });
});
