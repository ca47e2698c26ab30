/**
 * The Grafana dashboard (src/server/grafana-dashboard.json) queries only what the gateway
 * exposes: a running gateway is scraped after traffic that touches every series, and each metric
 * name and each grouping or matching label in the dashboard's PromQL must be on /metrics.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fakes } from '../../src/fakes/index.ts';
import type { RunningServer } from '../../src/server/main.ts';
import { type Listening, startListening } from '../helpers/listening.ts';

interface Panel {
  type: string;
  title: string;
  id: number;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../src/server/grafana-dashboard.json', import.meta.url), 'utf8'),
) as {
  panels: Panel[];
  templating: { list: { name: string; query: unknown }[] };
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queries = [
  ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))),
  ...dashboard.templating.list
    .filter((v) => typeof v.query === 'object')
    .map((v) => ({ panel: `$${v.name}`, expr: (v.query as { query: string }).query })),
];
/** Labels Prometheus adds at scrape time. */
const TARGET_LABELS = new Set(['instance', 'job']);

/** Sample name → label names seen on it, from the Prometheus text exposition. */
function exposition(text: string): Map<string, Set<string>> {
  const samples = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const match = line.match(/^([a-zA-Z_:][\w:]*)(\{.*\})?\s/);
    if (!match?.[1]) continue;
    const labels = samples.get(match[1]) ?? new Set<string>();
    for (const label of (match[2] ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) {
      if (label[1]) labels.add(label[1]);
    }
    samples.set(match[1], labels);
  }
  return samples;
}

/** Label names a PromQL expression groups by or matches on. */
function labelsIn(expr: string): string[] {
  const grouped = [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? '').split(',').map((s) => s.trim()),
  );
  const matched = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] ?? ''),
  );
  return [...new Set([...grouped, ...matched])].filter((l) => l && !TARGET_LABELS.has(l));
}

let listening: Listening;
let fakes: Fakes;
let running: RunningServer;
let samples: Map<string, Set<string>>;

beforeAll(async () => {
  listening = await startListening({
    NODE_ENV: 'test',
    METRICS_PORT: '0',
    UPSTREAM_TIMEOUT_MS: '2000',
  });
  ({ fakes, running } = listening);
  const post = (query: string) =>
    fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }).then((r) => r.json());
  // Success on both upstreams (twice: misses, then shared-cache hits), then a failing Wickson
  // call on a route nothing cached yet (its retry too): every series appears.
  await post('query Both { collections(first: 2) { edges { node { name } } } }');
  await post('query Both { collections(first: 2) { edges { node { name } } } }');
  fakes.wickson.control.addFault({ route: 'collections.detail', kind: 'status', status: 503 });
  await post(
    'query Failing { collection(source: WICKSON, sourceId: "training_videos") { stats { mediaTypeDistribution { count } } } }',
  );
  samples = exposition(await (await fetch(String(running.metricsUrl))).text());
});

afterAll(() => listening?.close());

describe('the Grafana dashboard', () => {
  it('has queries for every panel, on the data-source variable', () => {
    const charts = panels.filter((p) => p.type !== 'row');
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const panel of charts) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource?.uid, panel.title).toBe(`\${datasource}`);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('queries only metric names the running gateway exposes on /metrics', () => {
    const used = new Set<string>();
    for (const { panel, expr } of queries) {
      const names = expr.match(/\bgateway_\w+/g) ?? [];
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        used.add(name);
        expect(samples.has(name), `${panel} queries ${name}, absent from /metrics`).toBe(true);
      }
    }
    // What the dashboard is for: requests, latency, errors, upstream calls, breaker, quota, cache,
    // subscriptions.
    expect([...used]).toEqual(
      expect.arrayContaining([
        'gateway_graphql_requests_total',
        'gateway_graphql_request_duration_seconds_bucket',
        'gateway_graphql_errors_total',
        'gateway_upstream_calls_total',
        'gateway_upstream_errors_total',
        'gateway_upstream_breaker_state',
        'gateway_upstream_quota_blocked_seconds',
        'gateway_cache_hits_total',
        'gateway_cache_misses_total',
        'gateway_upstream_budget_remaining',
        'gateway_live_streams',
        'gateway_live_pollers',
        'gateway_live_polls_total',
        'gateway_live_events_total',
      ]),
    );
  });

  it('groups and matches only on labels those metrics carry', () => {
    for (const { panel, expr } of queries) {
      const names = expr.match(/\bgateway_\w+/g) ?? [];
      const available = new Set(names.flatMap((name) => [...(samples.get(name) ?? [])]));
      for (const label of labelsIn(expr)) {
        expect(available.has(label), `${panel}: label ${label} in ${expr}`).toBe(true);
      }
    }
  });
});
