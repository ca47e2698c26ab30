/**
 * The "budget" scenario (issue 11, ../shared/DESIGN.md "Performance method"): the mixed traffic of
 * budget-traffic.ts at a fixed arrival rate (open loop: a slow answer does not slow the arrivals)
 * against fresh fakes that enforce Wickson's 1,000 requests per hour, through production-mode
 * gateways with the default configuration. Rows: the cache on (default), the cache off, and two
 * replicas sharing one Redis behind a round-robin client. Pass: Wickson calls per minute at most
 * 1,000/60 and no query in error, on one replica and on two.
 */
import { writeFileSync } from 'node:fs';
import { startFakes } from '../../src/fakes/index.ts';
import { freePort } from '../helpers/net.ts';
import { startRedisServer } from '../helpers/redis-server.ts';
import { type BudgetKind, budgetPlan, type PlannedRequest } from './budget-traffic.ts';
import { type Pinning, spawnNode, stopChild } from './gateway-process.ts';
import { round, summarize } from './measure.ts';

const API_KEY = 'budget-key';
const WICKSON_HOURLY = 1000;
const LIMIT_PER_MINUTE = WICKSON_HOURLY / 60;

export interface BudgetRowSpec {
  name: string;
  replicas: number;
  seconds: number;
  env: Record<string, string>;
  redis?: boolean;
}

export interface BudgetRow {
  name: string;
  replicas: number;
  seconds: number;
  queries: number;
  queries_with_errors: number;
  error_codes: Record<string, number>;
  /** Seconds into the run of the first query in error; null when none failed. */
  first_error_s: number | null;
  wickson_calls: number;
  wickson_calls_per_minute: number | null;
  wickson_429: number;
  /** Warnings the gateways logged (messages from the last lines of their stdout). */
  gateway_warnings: Record<string, number>;
  /** Wickson calls per fake route, e.g. `collections.detail`. */
  wickson_routes: Record<string, number>;
  beluga_calls: number;
  cache: { hits: number; stale: number; misses: number; hit_ratio: number | null };
  p50_ms: number | null;
  p99_ms: number | null;
  by_kind: Record<BudgetKind, { queries: number; errors: number; p50_ms: number | null }>;
  pass: boolean;
}

export function budgetRows(seconds: number): BudgetRowSpec[] {
  return [
    { name: 'cache on (default)', replicas: 1, seconds, env: {} },
    {
      name: 'cache off',
      replicas: 1,
      // At 840 calls/min the hour's budget lasts about 71 s: a full run lasts long enough to see
      // it run out.
      seconds: seconds >= 60 ? Math.max(seconds, 90) : seconds,
      env: { WICKSON_CACHE_TTL_S: '0', BELUGA_CACHE_TTL_S: '0' },
    },
    {
      name: '2 replicas, one Redis',
      replicas: 2,
      seconds,
      redis: true,
      env: { CACHE_KEY_SECRET: 'budget-bench-shared-secret' },
    },
  ];
}

interface Outcome {
  kind: BudgetKind;
  startedMs: number;
  ms: number;
  codes: string[];
}

/** Messages of the warn-or-worse JSON log lines in a stdout tail (a cut first line is skipped). */
function warnings(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      return (entry.level ?? 0) >= 40 ? [String(entry.msg)] : [];
    } catch {
      return [];
    }
  });
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

async function startReplica(env: Record<string, string>, pinning: Pinning) {
  const port = await freePort();
  const metricsPort = await freePort();
  const proc = spawnNode(
    'src/server/main.ts',
    [],
    {
      PORT: String(port),
      // Prometheus metrics have their own listener; the GraphQL port answers /metrics with 404.
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...env,
    },
    pinning,
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`gateway exited: ${proc.stderr()}`);
    const ok = await fetch(`${base}/health`).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(proc.child);
      throw new Error(`gateway not healthy: ${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  return { base, metrics, pid: proc.pid, stdout: proc.stdout, stop: () => stopChild(proc.child) };
}

async function send(url: string, request: PlannedRequest, t0: number): Promise<Outcome> {
  const startedMs = performance.now() - t0;
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let codes: string[] = [];
    try {
      const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
      codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
    } catch {
      codes = ['NOT_JSON'];
    }
    if (res.status !== 200 && codes.length === 0) codes = [`HTTP_${res.status}`];
    return { kind: request.kind, startedMs, ms, codes };
  } catch (error) {
    const ms = performance.now() - started;
    return { kind: request.kind, startedMs, ms, codes: [(error as Error).name] };
  }
}

/** Fires every planned request at its time, round-robin over the replicas, without waiting. */
async function drive(urls: string[], plan: PlannedRequest[]): Promise<Outcome[]> {
  const t0 = performance.now();
  const inFlight: Promise<Outcome>[] = [];
  for (const [i, request] of plan.entries()) {
    const wait = t0 + request.at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(urls[i % urls.length] as string, request, t0));
  }
  return Promise.all(inFlight);
}

/** Sums of the shared cache's counters (`gateway_cache_*_total`) on one /metrics page. */
function cacheCounts(text: string): { hits: number; stale: number; misses: number } {
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    hits: sum('gateway_cache_hits_total'),
    stale: sum('gateway_cache_stale_total'),
    misses: sum('gateway_cache_misses_total'),
  };
}

export async function runBudgetRow(
  spec: BudgetRowSpec,
  pinning: Pinning,
  log: (msg: string) => void,
): Promise<BudgetRow> {
  const fakes = await startFakes({ wicksonApiKey: API_KEY, wicksonHourlyLimit: WICKSON_HOURLY });
  const redis = spec.redis ? await startRedisServer() : undefined;
  const replicas: Awaited<ReturnType<typeof startReplica>>[] = [];
  try {
    const env = {
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      WICKSON_API_KEY: API_KEY,
      ...(redis ? { REDIS_URL: redis.url } : {}),
      ...spec.env,
    };
    for (let i = 0; i < spec.replicas; i++) replicas.push(await startReplica(env, pinning));
    const plan = budgetPlan(fakes.dataset, { rps: 20, seconds: spec.seconds });
    log(`budget "${spec.name}": ${plan.length} requests over ${spec.seconds} s`);
    const outcomes = await drive(
      replicas.map((r) => `${r.base}/graphql`),
      plan,
    );
    const cache = { hits: 0, stale: 0, misses: 0 };
    for (const r of replicas) {
      const counts = cacheCounts(await (await fetch(r.metrics)).text());
      cache.hits += counts.hits;
      cache.stale += counts.stale;
      cache.misses += counts.misses;
    }
    const wickson = fakes.wickson.control.ledger.entries();
    const failed = outcomes.filter((o) => o.codes.length > 0);
    const errorCodes = tally(failed.flatMap((o) => o.codes));
    const kinds: BudgetKind[] = ['home', 'wickson', 'beluga'];
    const byKind = Object.fromEntries(
      kinds.map((kind) => {
        const mine = outcomes.filter((o) => o.kind === kind);
        return [
          kind,
          {
            queries: mine.length,
            errors: mine.filter((o) => o.codes.length > 0).length,
            p50_ms: round(summarize(mine.map((o) => o.ms)).p50, 1),
          },
        ];
      }),
    ) as BudgetRow['by_kind'];
    const latency = summarize(outcomes.map((o) => o.ms));
    const perMinute = wickson.length / (spec.seconds / 60);
    const lookups = cache.hits + cache.stale + cache.misses;
    const row: BudgetRow = {
      name: spec.name,
      replicas: spec.replicas,
      seconds: spec.seconds,
      queries: outcomes.length,
      queries_with_errors: failed.length,
      error_codes: errorCodes,
      first_error_s: failed.length
        ? round(Math.min(...failed.map((o) => o.startedMs)) / 1000, 1)
        : null,
      wickson_calls: wickson.length,
      wickson_calls_per_minute: round(perMinute, 1),
      wickson_429: wickson.filter((e) => e.status === 429).length,
      wickson_routes: tally(wickson.map((e) => e.route)),
      gateway_warnings: tally(replicas.flatMap((r) => warnings(r.stdout()))),
      beluga_calls: fakes.beluga.control.ledger.count(),
      cache: {
        ...cache,
        hit_ratio: lookups ? round((cache.hits + cache.stale) / lookups, 3) : null,
      },
      p50_ms: round(latency.p50, 1),
      p99_ms: round(latency.p99, 1),
      by_kind: byKind,
      pass: perMinute <= LIMIT_PER_MINUTE && failed.length === 0,
    };
    log(
      `budget "${spec.name}": ${row.wickson_calls_per_minute} Wickson calls/min, ${row.queries_with_errors} queries in error`,
    );
    return row;
  } finally {
    await Promise.allSettled(replicas.map((r) => r.stop()));
    await redis?.stop();
    await fakes.close();
  }
}

export function budgetTable(rows: BudgetRow[]): string {
  const header = [
    'row',
    'seconds',
    'queries',
    'in error',
    'first error s',
    'Wickson calls/min',
    'Wickson 429s',
    'hit ratio',
    'p50 ms',
    'p99 ms',
  ];
  const lines = rows.map((r) => [
    r.name,
    String(r.seconds),
    String(r.queries),
    String(r.queries_with_errors),
    r.first_error_s === null ? '-' : String(r.first_error_s),
    String(r.wickson_calls_per_minute),
    String(r.wickson_429),
    r.cache.hit_ratio === null ? '-' : String(r.cache.hit_ratio),
    String(r.p50_ms),
    String(r.p99_ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

/** The line: every cached row (one replica and two) within the budget with no errors. */
export function budgetVerdict(rows: BudgetRow[]): string {
  const cached = rows.filter((r) => r.name !== 'cache off');
  const ok = cached.length > 0 && cached.every((r) => r.pass);
  const detail = cached
    .map((r) => `${r.name}: ${r.wickson_calls_per_minute}/min, ${r.queries_with_errors} errors`)
    .join('; ');
  return `budget: ${ok ? 'PASS' : 'FAIL'} (Wickson calls/min ≤ ${round(LIMIT_PER_MINUTE, 1)} and 0 queries in error; ${detail})`;
}

export async function runBudget(
  options: { seconds: number; pinning: Pinning },
  log: (msg: string) => void,
): Promise<{ rows: BudgetRow[]; text: string; pass: boolean }> {
  const rows: BudgetRow[] = [];
  for (const spec of budgetRows(options.seconds)) {
    rows.push(await runBudgetRow(spec, options.pinning, log));
  }
  const verdict = budgetVerdict(rows);
  const text = `Budget scenario (20 requests/s, open loop; Wickson 1,000/h):\n${budgetTable(rows)}\n${verdict}`;
  return { rows, text, pass: verdict.startsWith('budget: PASS') };
}

/** Longest a budget run may take: every row's seconds plus start-up and drain per row. */
export function budgetWatchdogMs(seconds: number): number {
  return budgetRows(seconds).reduce((ms, r) => ms + (r.seconds + 45) * 1000, 0);
}

/** `npm run bench -- --only budget [--budget-seconds N] [--json FILE]`, and the tail of a full run. */
export async function benchBudget(
  options: { seconds: number; pinning: Pinning; json?: string; machine: Record<string, unknown> },
  log: (msg: string) => void,
): Promise<void> {
  const { rows, text } = await runBudget(options, log);
  process.stdout.write(`\n${text}\n`);
  if (options.json) {
    const document = { machine: options.machine, budget: rows };
    writeFileSync(options.json, `${JSON.stringify(document, null, 2)}\n`);
    log(`wrote ${options.json}`);
  }
}
