/** One measured cell: a system (gateway standard/baseline, or the floor) × a query × a latency. */
import type { Fakes, LedgerEntry } from '../../src/fakes/index.ts';
import type { GatewayProcess } from './gateway-process.ts';
import type { FloorProcess } from './load.ts';
import { runAutocannon } from './load.ts';
import { cpuMs, peakRssMb, resetPeakRss, round } from './measure.ts';
import type { BenchQuery } from './queries.ts';
import type { Cell } from './report.ts';

export interface CellContext {
  fakes: Fakes;
  latencyMs: number;
  warmupMs: number;
  durationMs: number;
  connections: number;
  wicksonApiKey: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function resetLedgers(fakes: Fakes): void {
  fakes.beluga.control.ledger.reset();
  fakes.wickson.control.ledger.reset();
}

export function ledgerEntries(fakes: Fakes, sinceMs = 0): (LedgerEntry & { upstream: string })[] {
  const tag = (upstream: string) => (e: LedgerEntry) => ({ ...e, upstream });
  return [
    ...fakes.beluga.control.ledger.entries().map(tag('beluga')),
    ...fakes.wickson.control.ledger.entries().map(tag('wickson')),
  ].filter((e) => e.startedAt >= sinceMs);
}

export function countByRoute(
  entries: { upstream: string; route: string }[],
  per = 1,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries)
    out[`${e.upstream}:${e.route}`] = (out[`${e.upstream}:${e.route}`] ?? 0) + 1;
  for (const k of Object.keys(out)) out[k] = round((out[k] ?? 0) / per, 3) ?? 0;
  return out;
}

/** N* averaged over the variants actually answered (counts per variant index). */
function weightedMinCalls(q: BenchQuery, counts: number[] | undefined): number {
  const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
  if (!counts || total === 0) {
    return q.variants.reduce((a, v) => a + v.minCalls, 0) / Math.max(1, q.variants.length);
  }
  return counts.reduce((a, n, i) => a + n * (q.variants[i]?.minCalls ?? 0), 0) / total;
}

function runnerCpuPct(before: NodeJS.CpuUsage, elapsedMs: number): number | null {
  const used = process.cpuUsage(before);
  return round(((used.user + used.system) / 1000 / elapsedMs) * 100, 0);
}

/**
 * Brings a fresh gateway process to its steady state before any measured cell: `ms` of load per
 * query at L = 0. V8 optimizes the hot path over the first ~10 s of traffic (a fully cached Q1
 * measured 0.66, 0.34, then 0.24–0.25 ms a query in consecutive 5 s runs of one process), so
 * without this the first cells of a process measure its compiler, not its serving path. Every
 * system gets the same warm-up.
 */
export async function warmUp(
  gw: GatewayProcess,
  queries: BenchQuery[],
  ctx: Pick<CellContext, 'connections'>,
  ms: number,
): Promise<void> {
  for (const q of queries) {
    const bodies = q.variants.map((v) =>
      JSON.stringify({ query: q.document, variables: v.variables }),
    );
    await runAutocannon({ url: gw.url, bodies, connections: ctx.connections, durationMs: ms });
  }
}

export async function gatewayCell(
  ctx: CellContext,
  gw: GatewayProcess,
  q: BenchQuery,
): Promise<Cell> {
  const bodies = q.variants.map((v) =>
    JSON.stringify({ query: q.document, variables: v.variables }),
  );
  const base = { url: gw.url, bodies, connections: ctx.connections, nullMarker: q.nullMarker };
  const warm = await runAutocannon({ ...base, durationMs: ctx.warmupMs });
  await sleep(250); // let requests cut off by the warm-up's end finish upstream
  resetLedgers(ctx.fakes);
  const hwmReset = resetPeakRss(gw.pid);
  const cpu0 = cpuMs(gw.pid);
  const runner0 = process.cpuUsage();
  const amount = Math.max(ctx.connections * 4, Math.round((warm.rps * ctx.durationMs) / 1000));
  const counts = q.classify ? q.variants.map(() => 0) : undefined;
  const res = await runAutocannon({
    ...base,
    amount,
    capMs: ctx.durationMs * 3 + 5000,
    ...(q.classify && counts
      ? {
          onBody: (body: string) => {
            const i = q.classify?.(body);
            if (i !== undefined) counts[i] = (counts[i] ?? 0) + 1;
          },
        }
      : {}),
  });
  const runnerPct = runnerCpuPct(runner0, res.elapsedMs);
  if (res.capped) await sleep(500);
  const cpu = cpuMs(gw.pid) - cpu0;
  const entries = ledgerEntries(ctx.fakes);
  const n = Math.max(1, res.completed);
  const notes = [
    res.capped ? 'stopped at the time cap with requests in flight' : '',
    runnerPct !== null && runnerPct > 90
      ? 'core 0 (fakes + load) above 90%: load-generator-bound'
      : '',
    hwmReset ? '' : 'rss is the peak since process start',
    res.firstError ? `first bad response: ${res.firstError}` : '',
    res.transportErrors ? `${res.transportErrors} transport errors/timeouts` : '',
  ].filter(Boolean);
  return {
    rps: round(res.rps, 1),
    p50_ms: round(res.p50),
    p99_ms: round(res.p99),
    p50_minus_dL_ms: round(res.p50 - q.d * ctx.latencyMs),
    calls_per_query: round(entries.length / n, 3),
    min_calls: round(weightedMinCalls(q, counts), 3) ?? 0,
    cpu_ms_per_query: round(cpu / n, 3),
    rss_mb: round(peakRssMb(gw.pid), 1),
    completed: res.completed,
    non_2xx: res.non2xx,
    error_responses: res.errorBodies,
    calls_by_route: countByRoute(entries, n),
    runner_cpu_pct: runnerPct,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

export async function floorCell(
  ctx: CellContext,
  floor: FloorProcess,
  q: BenchQuery,
): Promise<Cell> {
  resetLedgers(ctx.fakes);
  const hwmReset = resetPeakRss(floor.pid);
  const runner0 = process.cpuUsage();
  const res = await floor.run({
    belugaUrl: ctx.fakes.beluga.url,
    wicksonUrl: ctx.fakes.wickson.url,
    wicksonApiKey: ctx.wicksonApiKey,
    variants: q.variants.map((v) => v.waves),
    connections: ctx.connections,
    warmupMs: ctx.warmupMs,
    durationMs: ctx.durationMs,
  });
  const runnerPct = runnerCpuPct(runner0, ctx.warmupMs + res.elapsedMs);
  const entries = ledgerEntries(ctx.fakes, res.measureStartMs);
  const n = Math.max(1, res.completed);
  const sorted = [...res.latenciesMs].sort((a, b) => a - b);
  const pick = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const p50 = pick(50) ?? Number.NaN;
  return {
    rps: round((res.completed * 1000) / res.elapsedMs, 1),
    p50_ms: round(p50),
    p99_ms: round(pick(99) ?? Number.NaN),
    p50_minus_dL_ms: round(p50 - q.d * ctx.latencyMs),
    calls_per_query: round(entries.length / n, 3),
    min_calls: round(weightedMinCalls(q, res.perVariant), 3) ?? 0,
    cpu_ms_per_query: round(res.cpuMs / n, 3),
    rss_mb: round(peakRssMb(floor.pid), 1),
    completed: res.completed,
    non_2xx: res.failed,
    error_responses: 0,
    calls_by_route: countByRoute(entries, n),
    runner_cpu_pct: runnerPct,
    ...(hwmReset && (runnerPct ?? 0) <= 90
      ? {}
      : {
          note:
            runnerPct && runnerPct > 90
              ? 'core 0 (fakes + load) above 90%: load-generator-bound'
              : 'rss is the peak since process start',
        }),
  };
}

/**
 * Re-runs the cells of `systems` alternately until each has `runs` measurements and keeps, per
 * system, the one with the least CPU per query (peak RSS: the highest). Other processes on the
 * machine only ever add CPU time, so the best of alternating runs compares two systems fairly.
 */
const BEST_NOTE = (runs: number) => `least CPU of ${runs} alternating runs`;

export async function bestCpuOf(
  ctx: CellContext,
  systems: GatewayProcess[],
  q: BenchQuery,
  cells: Partial<Record<string, Cell>>,
  runs: number,
): Promise<void> {
  for (let i = 1; i < runs; i++) {
    for (const g of systems) {
      const next = await gatewayCell(ctx, g, q);
      const best = cells[g.name];
      const cpu = (c: Cell | undefined) => c?.cpu_ms_per_query ?? Number.POSITIVE_INFINITY;
      const keep = cpu(next) < cpu(best) ? next : (best ?? next);
      cells[g.name] = {
        ...keep,
        rss_mb: Math.max(next.rss_mb ?? 0, best?.rss_mb ?? 0),
        note: [
          ...(keep.note?.split('; ') ?? []).filter((n) => n !== BEST_NOTE(runs)),
          BEST_NOTE(runs),
        ].join('; '),
      };
    }
  }
}
