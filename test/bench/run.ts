/**
 * `npm run bench [-- --quick] [--json FILE] [--floor-only] [--connections N] [--reference REF|none]
 * [--queries Q1,…]`: the gateway (standard, and the baseline: the same with loaders that neither
 * batch nor cache, each in its own production-mode process), the reference commit's gateway as
 * it shipped, and the direct-REST floor, on
 * the same queries against the in-process fakes at L = 0 and 20 ms, then Q1 fully cached (the
 * shipped cache defaults, cached.ts) for both. See ../shared/DESIGN.md,
 * "Performance method". Prints a table and the issue-6 targets; `--json` writes the document.
 * `--only budget|graphiql|live|alloc` runs one other scenario instead (each file's header).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildGateway, isStale } from '../../src/build.ts';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { allocTable, benchAlloc } from './alloc.ts';
import { benchBudget, budgetWatchdogMs } from './budget.ts';
import { benchCachedQ1 } from './cached.ts';
import { bestCpuOf, type CellContext, floorCell, gatewayCell, warmUp } from './cells.ts';
import { discoverQ3, ledgerCheck } from './discovery.ts';
import {
  type GatewayProcess,
  killAllChildren,
  prepareReference,
  type Reference,
  setUpPinning,
  startGateway,
} from './gateway-process.ts';
import { benchGraphiQL } from './graphiql.ts';
import { benchLive, liveTable } from './live.ts';
import { type FloorProcess, startFloor } from './load.ts';
import { machineInfo } from './machine.ts';
import { round } from './measure.ts';
import {
  type BenchQuery,
  type PageComposition,
  Q1,
  Q2,
  Q3,
  Q4,
  q1Variants,
  q2Variants,
  q3PagesFromDataset,
  q3Variant,
  q4Variants,
} from './queries.ts';
import {
  evaluateTargets,
  footprintTargets,
  jsonDocument,
  type QueryReport,
  table,
  targetsText,
} from './report.ts';

/**
 * Issue 26's comparison point: main before this round of work, run as it shipped (its bundle with
 * its start script's flags). 5f5e649 (issue 13's, the last commit on Node 20) runs from sources.
 */
const REFERENCE_COMMIT = 'bb1a800';
/** Commits whose schema has no items (Q4): the reference skips Q4 for them. */
const BEFORE_ITEMS = new Set(['5f5e649']);
/**
 * The CPU targets compare the best of this many alternating runs of standard and reference: on
 * this class of VM one 4 s cell varies by 20–40% from run to run (the reference's own Q1 at L = 0
 * measured 0.53 and 0.73 ms in two runs), and other load only ever adds CPU time.
 */
const CPU_RUNS = 5;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    'floor-only': { type: 'boolean', default: false },
    connections: { type: 'string', default: '20' },
    /** Extra gateway environment, e.g. --env BELUGA_CONCURRENCY=50 (repeatable). */
    env: { type: 'string', multiple: true, default: [] },
    /** Write V8 CPU profiles of both gateways into this directory. */
    profile: { type: 'string' },
    /** One scenario alone: `budget`, `graphiql`, `live` or `alloc` (the file of that name). */
    only: { type: 'string' },
    /** With --only alloc: also list the N sites that allocate most per query. */
    'alloc-top': { type: 'string', default: '0' },
    budget: { type: 'boolean', default: false },
    /** The live scenario's watcher counts, e.g. --live-watchers 1,10,100 (with --only live). */
    'live-watchers': { type: 'string' },
    'budget-seconds': { type: 'string' },
    /** Also run this commit's gateway (standard mode, as it shipped) as the `reference` system; `none` skips it. */
    reference: { type: 'string', default: REFERENCE_COMMIT },
    /** Only these queries, e.g. --queries Q1,Q3 (profiling, iteration). */
    queries: { type: 'string' },
  },
});
const BUDGET_SECONDS = Number(args['budget-seconds'] ?? (args.quick ? 10 : 60));
const reference = args.reference === 'none' ? undefined : args.reference;
const onlyQueries = args.queries?.split(',');
const QUICK = args.quick === true;
const LATENCIES = [0, 20];
const HEADLINE_LATENCY = 20;
const SCALE = { projects: 50, captureSets: 5000, jobs: 20000, wicksonCollections: 200 };
const API_KEY = 'bench-key';
const Q3_PAGES = 6;
const timing = QUICK ? { warmupMs: 250, durationMs: 800 } : { warmupMs: 1000, durationMs: 4000 };
/**
 * Before its first measured cell every gateway process serves this long (cells.ts `warmUp`): the
 * uncached ones each of the queries for a quarter of it, the cached pair Q1 for all of it.
 */
const PROCESS_WARMUP_MS = QUICK ? 2000 : 12_000;
const connections = Number(args.connections);
const extraEnv: Record<string, string> = Object.fromEntries(
  (args.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

const t0 = Date.now();
const log = (msg: string) =>
  process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const pinning = setUpPinning();
  log(pinning.note);
  const budget = { seconds: BUDGET_SECONDS, pinning, json: args.json };
  if (args.only === 'graphiql') return (await benchGraphiQL(pinning, log)) ? 0 : 1;
  if (args.only === 'live') {
    const watchers = (args['live-watchers'] ?? (QUICK ? '1,10,100' : '1,10,100,300'))
      .split(',')
      .map(Number);
    const rows = await benchLive({ watchers, seconds: QUICK ? 5 : 20, intervalMs: 1000 }, log);
    process.stdout.write(liveTable(rows, 1000));
    if (args.json) writeFileSync(args.json, `${JSON.stringify({ live: rows }, null, 2)}\n`);
    return 0;
  }
  if (args.only === 'alloc') {
    const rows = await benchAlloc(
      { scale: SCALE, queries: QUICK ? 1500 : 6000, top: Number(args['alloc-top']) },
      log,
    );
    process.stdout.write(allocTable(rows));
    if (args.json) writeFileSync(args.json, `${JSON.stringify({ alloc: rows }, null, 2)}\n`);
    return 0;
  }
  if (args.only === 'budget') {
    await benchBudget({ ...budget, machine: machineInfo({ pinning: pinning.note }) }, log);
    return 0;
  }
  let fakes: Fakes | undefined;
  let floor: FloorProcess | undefined;
  const gateways: GatewayProcess[] = [];
  try {
    fakes = await startFakes({ scale: SCALE, wicksonApiKey: API_KEY, wicksonHourlyLimit: 1e9 });
    const f = fakes;
    floor = startFloor(pinning);
    const gw = {
      belugaUrl: f.beluga.url,
      wicksonUrl: f.wickson.url,
      wicksonApiKey: API_KEY,
      pinning,
      extraEnv,
      ...(args.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] } : {}),
    };
    let ref: Reference | undefined;
    if (!args['floor-only']) {
      // `npm start` runs the build (dist/): bring it up to date as the start script would.
      if (isStale()) {
        const built = await buildGateway();
        log(`built dist/gateway.js (${(built.entryBytes / 1e6).toFixed(1)} MB)`);
      }
      ref = reference ? prepareReference(reference, log) : undefined;
      // One at a time: start-up CPU of one must not slow another's, and idle RSS is per process.
      for (const options of [
        { ...gw, mode: 'standard' as const },
        { ...gw, mode: 'baseline' as const },
        ...(ref ? [{ ...gw, mode: 'standard' as const, reference: ref }] : []),
      ]) {
        gateways.push(await startGateway(options));
      }
      log(
        `gateways up (${gateways.map((g) => `${g.name} pid ${g.pid}, idle ${g.idleRssMb.toFixed(0)} MB`).join('; ')})` +
          (ref ? `; reference is ${ref.commit} on ${ref.node} ${ref.nodeArgs.join(' ')}` : ''),
      );
    }
    const standard = gateways[0];

    let pages: PageComposition[];
    let firstNames: string[] = [];
    let q3Source = 'discovered through the gateway';
    if (standard) {
      ({ pages, firstNames } = await discoverQ3(standard.url, f, Q3_PAGES));
    } else {
      pages = q3PagesFromDataset(f.dataset, Q3_PAGES);
      q3Source = 'assumed from the dataset (name order), --floor-only';
    }
    const allQueries: BenchQuery[] = [
      {
        name: 'Q1',
        document: Q1,
        d: 2,
        nStar: '2',
        variants: q1Variants(f.dataset),
        nullMarker: '"collection":null',
      },
      {
        name: 'Q2',
        document: Q2,
        d: 1,
        nStar: '2',
        variants: q2Variants(f.dataset),
        nullMarker: '"project":null',
      },
      {
        name: 'Q3',
        document: Q3,
        d: 2,
        nStar: '2 + W + B + [B>0] per page',
        variants: pages.map(q3Variant),
        classify: (body) => {
          const name = /"name":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
          const i = name === undefined ? -1 : firstNames.indexOf(name);
          return i >= 0 ? i : undefined;
        },
      },
      {
        name: 'Q4',
        document: Q4,
        d: 2,
        nStar: '4',
        variants: q4Variants(f.dataset),
        nullMarker: '"b":null',
      },
    ];
    const queries = allQueries.filter((q) => !onlyQueries || onlyQueries.includes(q.name));
    log(
      `Q3 pages (${q3Source}): ${pages.map((p) => `B${p.beluga.length}/W${p.wickson.length}`).join(' ')}`,
    );

    for (const g of gateways) {
      await warmUp(g, queries, { connections }, PROCESS_WARMUP_MS / queries.length);
      log(`${g.name} warmed up`);
    }

    const report: Record<string, QueryReport> = {};
    for (const q of queries) {
      report[q.name] = { d: q.d, n_star: q.nStar, variants: q.variants.length, by_latency: {} };
    }
    for (const latency of LATENCIES) {
      f.beluga.control.setLatency({ fixedMs: latency });
      f.wickson.control.setLatency({ fixedMs: latency });
      const ctx: CellContext = {
        fakes: f,
        latencyMs: latency,
        connections,
        wicksonApiKey: API_KEY,
        ...timing,
      };
      for (const q of queries) {
        const entry = report[q.name] as QueryReport;
        if (standard && latency === HEADLINE_LATENCY) {
          entry.ledger_check = await ledgerCheck(standard.url, f, q, latency);
        }
        const cells: QueryReport['by_latency'][string] = {};
        for (const g of gateways) {
          if (g.name === 'reference' && q.name === 'Q4' && BEFORE_ITEMS.has(String(reference)))
            continue;
          cells[g.name] = await gatewayCell(ctx, g, q);
          log(`${q.name} L=${latency} ${g.name}: ${cells[g.name]?.rps} rps`);
        }
        const compared = gateways.filter((g) => g.name !== 'baseline' && cells[g.name]);
        if (q.name !== 'Q4' && cells.reference) await bestCpuOf(ctx, compared, q, cells, CPU_RUNS);
        cells.floor = await floorCell(ctx, floor, q);
        const floorP50 = cells.floor.p50_ms;
        for (const c of [cells.standard, cells.baseline, cells.reference]) {
          if (c && c.p50_ms !== null && floorP50 !== null)
            c.p50_minus_floor_ms = round(c.p50_ms - floorP50);
        }
        log(`${q.name} L=${latency} floor: ${cells.floor.rps} rps`);
        entry.by_latency[String(latency)] = cells;
      }
    }

    const idleRssMb = Object.fromEntries(gateways.map((g) => [g.name, round(g.idleRssMb, 1)]));
    const targets = [...evaluateTargets(report), ...footprintTargets(report, idleRssMb)];
    const cached: Record<string, QueryReport> = {};
    const q1 = queries.find((q) => q.name === 'Q1');
    if (standard && q1) {
      // The uncached gateways are done: stop them so the cached pair runs alone.
      await Promise.allSettled(gateways.splice(0).map((g) => g.stop()));
      f.beluga.control.setLatency({ fixedMs: 0 });
      f.wickson.control.setLatency({ fixedMs: 0 });
      const run = await benchCachedQ1({
        ctx: { fakes: f, latencyMs: 0, connections, wicksonApiKey: API_KEY, ...timing },
        gateway: gw,
        reference: ref,
        q1,
        runs: CPU_RUNS,
        warmupMs: PROCESS_WARMUP_MS,
        log,
      });
      cached['Q1 cached'] = run.report;
      targets.push(...run.targets);
    }
    const machine = machineInfo({
      pinning: pinning.note,
      connections,
      warmup_ms: timing.warmupMs,
      measure_ms: timing.durationMs,
      process_warmup_ms: PROCESS_WARMUP_MS,
      cpu_runs: CPU_RUNS,
      scale: SCALE,
      gateway_env: extraEnv,
      q3_pages: q3Source,
      idle_rss_mb: idleRssMb,
      ...(reference ? { reference } : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    });
    const idle = Object.entries(idleRssMb).map(([name, mb]) => `${name} ${mb}`);
    process.stdout.write(
      `\n${table({ ...report, ...cached })}\n\nIdle RSS MB: ${idle.join(', ')}\n\nTargets (issues 6, 13, 26):\n${targetsText(targets)}\n`,
    );
    process.stdout.write(
      `\n${machine.model}, ${machine.cpus} cpus, node ${machine.node}; ${pinning.note}\n`,
    );
    if (args.json) {
      writeFileSync(
        args.json,
        `${JSON.stringify(jsonDocument(machine, { ...report, ...cached }, targets, HEADLINE_LATENCY), null, 2)}\n`,
      );
      log(`wrote ${args.json}`);
    }
    if (args.budget) await benchBudget({ ...budget, json: undefined, machine: {} }, log);
    return 0;
  } finally {
    await Promise.allSettled([...gateways.map((g) => g.stop()), floor?.stop()]);
    await fakes?.close();
  }
}

const watchdog = setTimeout(
  () => {
    log('watchdog: the run took too long; killing children');
    killAllChildren();
    process.exit(2);
  },
  (args.only === 'budget' ? 0 : QUICK ? 300_000 : 900_000) +
    (args.budget || args.only === 'budget' ? budgetWatchdogMs(BUDGET_SECONDS) : 0),
);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}
main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exit(code);
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    killAllChildren();
    process.exit(1);
  },
);
