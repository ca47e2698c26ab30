/**
 * `npm run soak -- --seconds N` (default 60): the gateway in-process behind a real socket, the
 * fakes injecting 5% 503, 1% hangs, 1% malformed JSON and latency jitter, and a few workers
 * sending a mixed query load. Exits non-zero on a crash, an unhandled rejection, RSS growth over
 * 50 MB after warm-up, a leaked canary key, or any answer that is not GraphQL carrying data or a
 * closed-set error code. In-process keeps event-loop delay measurable with monitorEventLoopDelay;
 * the RSS figure therefore includes the fakes and the load loop, which only makes it stricter.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { configFrom } from '../../src/config.ts';
import { startFakes } from '../../src/fakes/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { startServer } from '../../src/server/main.ts';
import { createQueryMix, createRng } from './queries.ts';
import { createStats, record, renderTable, sortedEntries } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '4' },
  },
});
const seconds = Number(values.seconds);
const workers = Number(values.workers);
if (!Number.isFinite(seconds) || seconds < 1 || !Number.isInteger(workers) || workers < 1) {
  process.stderr.write('usage: npm run soak -- --seconds N [--workers W]\n');
  process.exit(2);
}
/** A leak grows the live heap; RSS on Node 24 also grows while V8 sizes its heap to the load. */
const HEAP_LIMIT_MB = 20;
const RSS_LIMIT_MB = 150;
const warmupMs = Math.min(10_000, Math.max(5_000, (seconds * 1000) / 4));

const crashes: string[] = [];
process.on('unhandledRejection', (reason) =>
  crashes.push(`unhandled rejection: ${String(reason)}`),
);
process.on('uncaughtException', (error) => {
  process.stderr.write(`soak: uncaught exception: ${error.stack ?? error.message}\n`);
  process.stdout.write(`soak: FAIL (crash: ${error.message})\n`);
  process.exit(1);
});

const canary = `wk_CANARY_${randomBytes(8).toString('hex')}`;
const fakes = await startFakes({
  wicksonApiKey: canary,
  wicksonHourlyLimit: 100_000_000,
  latency: { fixedMs: 5, jitterMs: 25 },
});
for (const fake of [fakes.beluga, fakes.wickson]) {
  fake.control.addFault({ kind: 'status', status: 503, probability: 0.05 });
  fake.control.addFault({ kind: 'hang', probability: 0.01 });
  fake.control.addFault({ kind: 'malformed', probability: 0.01 });
}
const config = configFrom({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  BELUGA_URL: fakes.beluga.url,
  WICKSON_URL: fakes.wickson.url,
  WICKSON_API_KEY: canary,
  WICKSON_HOURLY_BUDGET: '1000000',
  // The soak is one client: per-client limits off, so faults are what it meets.
  CLIENT_CALLS_PER_MINUTE: '0',
  CLIENT_WICKSON_SHARE: '1',
  UPSTREAM_TIMEOUT_MS: '1000',
  // Not lower: startServer derives Node's request timeout from it, which must outlast the calls.
  REQUEST_TIMEOUT_MS: '5000',
  ...(process.env.SOAK_CACHE === '1' ? {} : { WICKSON_CACHE_TTL_S: '0', BELUGA_CACHE_TTL_S: '0' }),
});
let logLines = 0;
let leakedInLogs = 0;
const logger = createLogger(config, {
  write: (line: string) => {
    logLines++;
    if (line.includes(canary)) leakedInLogs++;
  },
});
const server = await startServer(config, { logger });
const client = new Pool(server.url, {
  connections: workers,
  headersTimeout: 15_000,
  bodyTimeout: 15_000,
});

const stats = createStats();
const mix = createQueryMix(fakes.dataset, createRng(7));
let leakedInResponses = 0;
let clientErrors = 0;
const started = Date.now();
const deadline = started + seconds * 1000;

const loop = monitorEventLoopDelay({ resolution: 10 });
const rss: Array<{ at: number; mb: number }> = [];
const sampler = setInterval(() => {
  rss.push({ at: Date.now() - started, mb: process.memoryUsage().rss / 1024 / 1024 });
}, 500);
/** Live heap after a full collection (the soak runs with --expose-gc): what a leak grows. */
const liveHeapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
let heapStart = 0;
const warmup = setTimeout(() => {
  loop.enable();
  heapStart = liveHeapMb();
}, warmupMs);
const progress = setInterval(() => {
  const at = ((Date.now() - started) / 1000).toFixed(0);
  process.stderr.write(`soak: ${at}s ${stats.requests} requests\n`);
}, 5000);

async function worker(): Promise<void> {
  while (Date.now() < deadline) {
    const next = mix.next();
    try {
      const res = await client.request({
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
        },
        body: JSON.stringify({ query: next.query, variables: next.variables }),
      });
      const text = await res.body.text();
      if (text.includes(canary)) leakedInResponses++;
      mix.observe(record(stats, next.kind, res.statusCode, text));
    } catch (error) {
      clientErrors++;
      stats.requests++;
      stats.nonGraphQL++;
      if (stats.samples.length < 5)
        stats.samples.push(`client error (${next.kind}): ${(error as Error).message}`);
    }
  }
}

await Promise.all(Array.from({ length: workers }, () => worker()));
clearInterval(sampler);
clearInterval(progress);
process.stderr.write('soak: load done, closing\n');
clearTimeout(warmup);
loop.disable();
rss.push({ at: Date.now() - started, mb: process.memoryUsage().rss / 1024 / 1024 });
const heapEnd = liveHeapMb();
const heapGrowth = heapEnd - heapStart;
await client.close();
await server.close();
await fakes.close();

const afterWarmup = rss.filter((s) => s.at >= warmupMs);
const rssStart = afterWarmup[0]?.mb ?? rss[0]?.mb ?? 0;
const rssEnd = rss.at(-1)?.mb ?? 0;
const rssPeak = Math.max(...rss.map((s) => s.mb));
const growth = rssEnd - rssStart;
const p99 = loop.count > 0 ? loop.percentile(99) / 1e6 : Number.NaN;
const elapsed = (Date.now() - started) / 1000;

const reasons: string[] = [];
if (crashes.length) reasons.push(`${crashes.length} unhandled rejections`);
if (heapGrowth > HEAP_LIMIT_MB)
  reasons.push(`live heap grew ${heapGrowth.toFixed(1)} MB after warm-up`);
if (growth > RSS_LIMIT_MB) reasons.push(`RSS grew ${growth.toFixed(1)} MB after warm-up`);
if (stats.nonGraphQL) reasons.push(`${stats.nonGraphQL} non-GraphQL responses`);
if (stats.outsideClosedSet) reasons.push(`${stats.outsideClosedSet} errors outside the closed set`);
if (leakedInResponses || leakedInLogs) reasons.push('canary key leaked');
if (stats.requests === 0) reasons.push('no requests completed');

process.stdout.write(
  `${renderTable([
    ['duration s', elapsed.toFixed(1)],
    ['workers', workers],
    ['requests', stats.requests],
    ['requests/s', (stats.requests / elapsed).toFixed(1)],
    [
      'clean / partial / errors only',
      `${stats.okResponses} / ${stats.partialResponses} / ${stats.errorOnlyResponses}`,
    ],
    ['error codes', sortedEntries(stats.codes) || '-'],
    ['HTTP statuses', sortedEntries(stats.statuses)],
    ['query kinds', sortedEntries(stats.kinds)],
    ['non-GraphQL responses', `${stats.nonGraphQL} (client errors ${clientErrors})`],
    ['codes outside closed set', stats.outsideClosedSet],
    [
      'upstream requests',
      `beluga=${fakes.beluga.control.ledger.count()} wickson=${fakes.wickson.control.ledger.count()}`,
    ],
    [
      'live heap after warm-up → end MB',
      `${heapStart.toFixed(1)} → ${heapEnd.toFixed(1)} (growth ${heapGrowth.toFixed(1)})`,
    ],
    [
      'RSS after warm-up → end MB',
      `${rssStart.toFixed(1)} → ${rssEnd.toFixed(1)} (growth ${growth.toFixed(1)}, peak ${rssPeak.toFixed(1)})`,
    ],
    ['event-loop delay p99 ms', p99.toFixed(1)],
    ['log lines (warn+)', logLines],
    ['crashes', crashes.length],
  ])}\n`,
);
for (const line of [...stats.samples, ...crashes.slice(0, 5)])
  process.stdout.write(`  ! ${line}\n`);
process.stdout.write(reasons.length ? `soak: FAIL (${reasons.join('; ')})\n` : 'soak: PASS\n');
process.exit(reasons.length ? 1 : 0);
