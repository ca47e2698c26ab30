/** Result shapes, the stdout table, the JSON document and the issue-6 targets. */
import type { QueryName } from './queries.ts';

export type System = 'standard' | 'baseline' | 'reference' | 'floor';

export interface Cell {
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  /** p50 − d·L: what the system adds over the dependent upstream rounds. */
  p50_minus_dL_ms: number | null;
  /** p50 − the floor's p50 (same L, same query): what the gateway adds over direct REST calls. */
  p50_minus_floor_ms?: number | null;
  calls_per_query: number | null;
  min_calls: number;
  cpu_ms_per_query: number | null;
  rss_mb: number | null;
  completed: number;
  non_2xx: number;
  error_responses: number;
  /** Average upstream calls per query by `upstream:route`. */
  calls_by_route: Record<string, number>;
  /** CPU use of the runner process (core 0: fakes + load generator) during the cell. */
  runner_cpu_pct: number | null;
  note?: string;
}

export type LatencyCells = Partial<Record<System, Cell>>;

export interface QueryReport {
  d: number;
  n_star: string;
  variants: number;
  by_latency: Record<string, LatencyCells>;
  ledger_check?: unknown;
}

export interface Target {
  target: string;
  query: QueryName;
  latency_ms: number;
  value: number | null;
  limit: number | null;
  met: boolean;
  detail: string;
}

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

export function table(queries: Record<string, QueryReport>): string {
  const head = [
    'query',
    'L',
    'system',
    'rps',
    'p50',
    'p99',
    'p50-dL',
    'p50-floor',
    'calls',
    'N*',
    'cpu ms/q',
    'rss MB',
    'ok',
  ];
  const rows: string[][] = [head];
  for (const [name, q] of Object.entries(queries)) {
    for (const [latency, cells] of Object.entries(q.by_latency)) {
      for (const [system, c] of Object.entries(cells)) {
        if (!c) continue;
        const bad = c.non_2xx + c.error_responses;
        rows.push([
          `${name} d=${q.d}`,
          `${latency}ms`,
          system,
          fmt(c.rps, 0),
          fmt(c.p50_ms),
          fmt(c.p99_ms),
          fmt(c.p50_minus_dL_ms),
          fmt(c.p50_minus_floor_ms),
          fmt(c.calls_per_query, 2),
          String(c.min_calls),
          fmt(c.cpu_ms_per_query, 2),
          fmt(c.rss_mb, 0),
          bad > 0 ? `${bad} bad` : `${c.completed}`,
        ]);
      }
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((v, i) => v.padStart(widths[i] ?? 0)).join('  ')).join('\n');
}

/** The issue-6 targets, evaluated on every query and latency measured. */
export function evaluateTargets(queries: Record<string, QueryReport>): Target[] {
  const out: Target[] = [];
  for (const [name, q] of Object.entries(queries) as [QueryName, QueryReport][]) {
    for (const [latencyKey, cells] of Object.entries(q.by_latency)) {
      const latency = Number(latencyKey);
      const s = cells.standard;
      if (!s) continue;
      if (s.calls_per_query !== null) {
        const extra = s.calls_per_query - s.min_calls;
        out.push({
          target: 'calls_per_query == min_calls',
          query: name,
          latency_ms: latency,
          value: s.calls_per_query,
          limit: s.min_calls,
          met: Math.abs(extra) < 0.005,
          detail:
            Math.abs(extra) < 0.005
              ? 'equal'
              : `${extra > 0 ? '+' : ''}${extra.toFixed(2)} calls/query`,
        });
      }
      if (latency === 20 && s.p50_minus_dL_ms !== null) {
        out.push({
          target: 'p50 - d*L <= 5 ms at L=20',
          query: name,
          latency_ms: latency,
          value: s.p50_minus_dL_ms,
          limit: 5,
          met: s.p50_minus_dL_ms <= 5,
          detail:
            s.p50_minus_dL_ms <= 5
              ? `${(5 - s.p50_minus_dL_ms).toFixed(1)} ms to spare`
              : `missed by ${(s.p50_minus_dL_ms - 5).toFixed(1)} ms`,
        });
      }
      const n = cells.baseline;
      if ((name === 'Q2' || name === 'Q3') && n?.rps && s.rps !== null) {
        const ratio = s.rps / n.rps;
        out.push({
          target: 'rps >= 3x baseline',
          query: name,
          latency_ms: latency,
          value: ratio,
          limit: 3,
          met: ratio >= 3,
          detail: `${ratio.toFixed(2)}x baseline`,
        });
      }
      const f = cells.floor;
      if (f?.cpu_ms_per_query && s.cpu_ms_per_query !== null) {
        const ratio = s.cpu_ms_per_query / f.cpu_ms_per_query;
        out.push({
          target: 'cpu/query <= 3x floor',
          query: name,
          latency_ms: latency,
          value: ratio,
          limit: 3,
          met: ratio <= 3,
          detail: `${ratio.toFixed(2)}x floor`,
        });
      }
    }
  }
  return out;
}

/** Issue 26: CPU per query below the reference commit's, measured in the same run. */
const CPU_SAVINGS: Partial<Record<QueryName, number>> = { Q1: 0.2, Q2: 0.25, Q3: 0.3 };

/**
 * Issue 26: peak RSS ≤ 165 MB under Q1–Q3 and ≤ 200 MB under Q3 alone, idle RSS ≤ 80 MB (issue
 * 13), and Q1, Q2, Q3's CPU per query 20, 25 and 30% below the reference's.
 */
export function footprintTargets(
  queries: Record<string, QueryReport>,
  idleRssMb: Record<string, number | null>,
): Target[] {
  const out: Target[] = [];
  const loaded = (['Q1', 'Q2', 'Q3'] as QueryName[]).filter((name) => queries[name]);
  for (const latency of Object.keys(queries.Q1?.by_latency ?? {})) {
    const rss = (name: QueryName) => queries[name]?.by_latency[latency]?.standard?.rss_mb ?? 0;
    const peak = Math.max(...loaded.map(rss));
    out.push(rssTarget('peak rss <= 165 MB (Q1-Q3)', latency, peak, 165, loaded.join(', ')));
    if (queries.Q3) out.push(rssTarget('peak rss <= 200 MB (Q3)', latency, rss('Q3'), 200, 'Q3'));
    for (const [name, limit] of Object.entries(CPU_SAVINGS) as [QueryName, number][]) {
      const cells = queries[name]?.by_latency[latency];
      const s = cells?.standard?.cpu_ms_per_query;
      const r = cells?.reference?.cpu_ms_per_query;
      if (!s || !r) continue;
      const saved = 1 - s / r;
      out.push({
        target: `${name} cpu/query >= ${limit * 100}% below the reference`,
        query: name,
        latency_ms: Number(latency),
        value: saved,
        limit,
        met: saved >= limit,
        detail: `${s.toFixed(3)} vs ${r.toFixed(3)} ms: ${(saved * 100).toFixed(0)}% below`,
      });
    }
  }
  const idle = idleRssMb.standard;
  if (idle !== undefined && idle !== null) {
    out.push({
      target: 'idle rss <= 80 MB',
      query: 'Q1',
      latency_ms: 0,
      value: idle,
      limit: 80,
      met: idle <= 80,
      detail: `${idle.toFixed(0)} MB${idleRssMb.reference ? ` (reference ${idleRssMb.reference.toFixed(0)} MB)` : ''}`,
    });
  }
  return out;
}

function rssTarget(target: string, latency: string, mb: number, limit: number, over: string) {
  return {
    target,
    query: 'Q1' as QueryName,
    latency_ms: Number(latency),
    value: mb,
    limit,
    met: mb <= limit,
    detail: `${mb.toFixed(0)} MB over ${over}`,
  };
}

export function targetsText(targets: Target[]): string {
  return targets
    .map(
      (t) =>
        `${t.met ? 'MET   ' : 'MISSED'} ${t.query} L=${t.latency_ms}ms  ${t.target}: ${t.detail}`,
    )
    .join('\n');
}

const KEYS = [
  'rps',
  'p50_ms',
  'p99_ms',
  'calls_per_query',
  'min_calls',
  'cpu_ms_per_query',
  'rss_mb',
] as const;

function headline(c: Cell | undefined): Record<string, unknown> {
  if (!c) return {};
  return {
    ...Object.fromEntries(KEYS.map((k) => [k, c[k]])),
    p50_minus_dL_ms: c.p50_minus_dL_ms,
    ...(c.p50_minus_floor_ms === undefined ? {} : { p50_minus_floor_ms: c.p50_minus_floor_ms }),
  };
}

/** The JSON document: issue-6 keys at the headline latency, full detail under by_latency. */
export function jsonDocument(
  machine: Record<string, unknown>,
  queries: Record<string, QueryReport>,
  targets: Target[],
  headlineLatency: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(queries)) {
    const cells = q.by_latency[String(headlineLatency)] ?? {};
    out[name] = {
      ...headline(cells.standard),
      d: q.d,
      latency_ms: headlineLatency,
      baseline: headline(cells.baseline),
      ...(cells.reference ? { reference: headline(cells.reference) } : {}),
      floor: headline(cells.floor),
      n_star: q.n_star,
      variants: q.variants,
      by_latency: q.by_latency,
      ...(q.ledger_check ? { ledger_check: q.ledger_check } : {}),
    };
  }
  return { machine, queries: out, targets };
}
