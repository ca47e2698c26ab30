/**
 * The cached row: Q1 against a gateway with the shipped cache defaults (Beluga 5 s, Wickson 60 s),
 * so after the warm-up nearly every answer comes from the shared cache and the CPU per query is
 * the gateway's own floor (parse, limits, execution over cached entries, serialization). Run for
 * this tree and the reference commit, each in its own process warmed up like the uncached ones,
 * best CPU of `runs` alternating runs; issue 26's target is ≤ 0.25 ms per query at L = 0.
 */
import { bestCpuOf, type CellContext, gatewayCell, warmUp } from './cells.ts';
import { type GatewayProcess, type Reference, startGateway } from './gateway-process.ts';
import type { BenchQuery } from './queries.ts';
import type { LatencyCells, QueryReport, Target } from './report.ts';

/** Issue 26: a fully cached Q1 costs at most this much CPU per query. */
export const CACHED_Q1_CPU_MS = 0.25;

type GatewayOptions = Omit<Parameters<typeof startGateway>[0], 'mode' | 'reference' | 'caches'>;

export async function benchCachedQ1(options: {
  ctx: CellContext;
  gateway: GatewayOptions;
  reference: Reference | undefined;
  q1: BenchQuery;
  runs: number;
  /** Q1 load each process serves before its first measured cell (cells.ts `warmUp`). */
  warmupMs: number;
  log: (msg: string) => void;
}): Promise<{ report: QueryReport; targets: Target[] }> {
  const { ctx, q1, log } = options;
  // Served from the cache: no upstream call is expected once warm.
  const q = {
    ...q1,
    nStar: '0 (cached)',
    variants: q1.variants.map((v) => ({ ...v, minCalls: 0 })),
  };
  const systems: GatewayProcess[] = [];
  try {
    systems.push(await startGateway({ ...options.gateway, mode: 'standard', caches: 'default' }));
    if (options.reference) {
      systems.push(
        await startGateway({
          ...options.gateway,
          mode: 'standard',
          reference: options.reference,
          caches: 'default',
        }),
      );
    }
    for (const g of systems) await warmUp(g, [q], ctx, options.warmupMs);
    const cells: LatencyCells = {};
    for (const g of systems) {
      cells[g.name] = await gatewayCell(ctx, g, q);
      log(`Q1 cached L=${ctx.latencyMs} ${g.name}: ${cells[g.name]?.rps} rps`);
    }
    await bestCpuOf(ctx, systems, q, cells, options.runs);
    const report = {
      d: 0,
      n_star: q.nStar,
      variants: q.variants.length,
      by_latency: { [ctx.latencyMs]: cells },
    };
    return { report, targets: cachedTargets(cells, ctx.latencyMs) };
  } finally {
    await Promise.allSettled(systems.map((g) => g.stop()));
  }
}

function cachedTargets(cells: LatencyCells, latencyMs: number): Target[] {
  const s = cells.standard?.cpu_ms_per_query;
  if (s === null || s === undefined) return [];
  const r = cells.reference?.cpu_ms_per_query;
  return [
    {
      target: `cached Q1 cpu/query <= ${CACHED_Q1_CPU_MS} ms`,
      query: 'Q1',
      latency_ms: latencyMs,
      value: s,
      limit: CACHED_Q1_CPU_MS,
      met: s <= CACHED_Q1_CPU_MS,
      detail: `${s.toFixed(3)} ms${r ? ` (reference ${r.toFixed(3)} ms)` : ''}`,
    },
  ];
}
