/**
 * The request and upstream-call counters count on the hot path with tallies that reach
 * prom-client when scraped (src/server/metrics.ts): every scrape shows every call once, across
 * scrapes, series and the cap that resets the series table.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.ts';
import type { CallRecord } from '../../src/upstreams/types.ts';

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    upstream: 'beluga',
    method: 'GET',
    route: '/api/v2/jobs/{id}/',
    status: 200,
    durationMs: 12,
    errorCode: undefined,
    attempts: 1,
    ...overrides,
  };
}

/** The value of one sample line, 0 when the series is absent. */
async function sample(render: () => Promise<string>, prefix: string): Promise<number> {
  const line = (await render()).split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.split(' ').pop()) : 0;
}

const JOBS_200 =
  'gateway_upstream_calls_total{upstream="beluga",route="/api/v2/jobs/{id}/",method="GET",status="200"}';

describe('tallied counters', () => {
  it('count each call once, however often the registry is scraped', async () => {
    const metrics = createMetrics({});
    for (let i = 0; i < 3; i++) metrics.observeCall(call());
    expect(await sample(metrics.render, JOBS_200)).toBe(3);
    expect(await sample(metrics.render, JOBS_200)).toBe(3);
    metrics.observeCall(call());
    expect(await sample(metrics.render, JOBS_200)).toBe(4);
    expect(
      await sample(
        metrics.render,
        'gateway_upstream_call_duration_seconds_count{upstream="beluga"',
      ),
    ).toBe(4);
  });

  it('keep upstream, method and status apart on one route, and a call with no status', async () => {
    const metrics = createMetrics({});
    metrics.observeCall(call());
    metrics.observeCall(call({ status: 404, errorCode: 'NOT_FOUND' }));
    metrics.observeCall(call({ method: 'POST', status: 201 }));
    metrics.observeCall(call({ upstream: 'wickson' }));
    metrics.observeCall(call({ status: undefined, errorCode: 'UPSTREAM_TIMEOUT' }));
    const text = await metrics.render();
    const lines = text.split('\n').filter((l) => l.startsWith('gateway_upstream_calls_total{'));
    expect(lines.sort()).toEqual(
      [
        `${JOBS_200} 1`,
        'gateway_upstream_calls_total{upstream="beluga",route="/api/v2/jobs/{id}/",method="GET",status="404"} 1',
        'gateway_upstream_calls_total{upstream="beluga",route="/api/v2/jobs/{id}/",method="POST",status="201"} 1',
        'gateway_upstream_calls_total{upstream="wickson",route="/api/v2/jobs/{id}/",method="GET",status="200"} 1',
        'gateway_upstream_calls_total{upstream="beluga",route="/api/v2/jobs/{id}/",method="GET",status="none"} 1',
      ].sort(),
    );
  });

  it('lose no count when the series table passes its cap and starts over', async () => {
    const metrics = createMetrics({});
    metrics.observeCall(call());
    metrics.observeCall(call());
    // 1,500 distinct routes: more than the table keeps, so it is flushed and cleared once.
    for (let i = 0; i < 1500; i++) metrics.observeCall(call({ route: `/r/${i}/` }));
    metrics.observeCall(call());
    expect(await sample(metrics.render, JOBS_200)).toBe(3);
    const text = await metrics.render();
    const routes = text.split('\n').filter((l) => l.startsWith('gateway_upstream_calls_total{'));
    expect(routes).toHaveLength(1501);
    expect(routes.every((l) => l.endsWith(' 1') || l.startsWith(JOBS_200))).toBe(true);
  });

  it('count requests per operation and status across scrapes and the cap', async () => {
    const metrics = createMetrics({});
    const request = (operation: string, status = 200) =>
      metrics.observeRequest({ operation, status, durationMs: 3, errorCodes: [], trusted: true });
    request('Q1');
    request('Q1');
    request('Q1', 400);
    const q1 = 'gateway_graphql_requests_total{operation="Q1",status="200"}';
    expect(await sample(metrics.render, q1)).toBe(2);
    expect(
      await sample(metrics.render, 'gateway_graphql_requests_total{operation="Q1",status="400"}'),
    ).toBe(1);
    // Past the operation-label cap names share `other`; statuses still make new series.
    for (let status = 100; status < 1200; status++) request('Q1', status);
    request('Q1');
    expect(await sample(metrics.render, q1)).toBe(4);
  });
});
