/**
 * `npm run bench -- --only alloc [--alloc-top N]`: bytes allocated per query for Q1, Q2 and Q3
 * (caches off), the one figure this VM gives deterministically: CPU time per query drifts by
 * tens of percent within an hour, allocation per query by a few. The gateway runs in this process,
 * wired as `npm start` wires it (`composeGateway`), from the sources (not the bundle, not
 * `npm start`'s node flags). Each upstream answer is fetched once
 * from the fakes, then replayed from memory through the same undici dispatch handler, so the
 * figure is the gateway's own work: the sockets and the fakes allocate nothing in it, and a
 * query's replayed answers are the bytes the fakes sent. V8's sampling heap profiler counts every
 * allocation (also what a young-generation collection frees), sampled every 4 KB.
 */
import { Session } from 'node:inspector/promises';
import pino from 'pino';
import type { Dispatcher } from 'undici';
import { configFrom } from '../../src/config.ts';
import { startFakes } from '../../src/fakes/index.ts';
import { composeGateway } from '../../src/server/compose.ts';
import { createPool } from '../../src/upstreams/pool.ts';
import { Q1, Q2, Q3, Q3_DISCOVERY, q1Variants, q2Variants } from './queries.ts';

const API_KEY = 'bench-alloc-key';
const SAMPLING_BYTES = 4096;
const CONCURRENCY = 20;
/** Q3 rotates through the first pages of the merged list, as the bench's Q3 cells do. */
const Q3_PAGES = 6;

interface Recorded {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A dispatcher that records each answer of `real` by method, path and query, then (`replay`)
 * answers from the recording without a socket. A request it has not seen fails loudly.
 */
function recorder(real: Dispatcher) {
  const answers = new Map<string, Recorded>();
  let replay = false;
  const keyOf = (opts: Dispatcher.DispatchOptions) =>
    `${opts.method} ${opts.path} ${JSON.stringify(opts.query ?? {})}`;
  const dispatcher = {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const key = keyOf(opts);
      if (replay) return replayed(answers.get(key), key, handler);
      const chunks: Buffer[] = [];
      let status = 0;
      let headers: Recorded['headers'] = {};
      return real.dispatch(opts, {
        ...handler,
        onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
        onResponseStart: (c, s, h, m) => {
          status = s;
          headers = h;
          return handler.onResponseStart?.(c, s, h, m);
        },
        onResponseData: (c, chunk) => {
          chunks.push(chunk);
          return handler.onResponseData?.(c, chunk);
        },
        onResponseEnd: (c, trailers) => {
          answers.set(key, { status, headers, body: Buffer.concat(chunks) });
          return handler.onResponseEnd?.(c, trailers);
        },
        onResponseError: (c, error) => handler.onResponseError?.(c, error),
      });
    },
    close: () => real.close(),
    destroy: () => real.destroy(),
    startReplay: () => {
      replay = true;
    },
  };
  return dispatcher;
}

function replayed(
  answer: Recorded | undefined,
  key: string,
  handler: Dispatcher.DispatchHandler,
): boolean {
  if (!answer) throw new Error(`bench alloc: no recorded answer for ${key}`);
  const controller = {
    abort() {},
    pause() {},
    resume() {},
    aborted: false,
    paused: false,
    reason: null,
  } as unknown as Dispatcher.DispatchController;
  handler.onRequestStart?.(controller, {});
  setImmediate(() => {
    handler.onResponseStart?.(controller, answer.status, { ...answer.headers }, 'OK');
    handler.onResponseData?.(controller, answer.body);
    handler.onResponseEnd?.(controller, {});
  });
  return true;
}

export interface AllocRow {
  query: string;
  kb_per_query: number;
  top?: { site: string; kb_per_query: number }[];
}

export async function benchAlloc(
  options: { scale: Record<string, number>; queries: number; top: number },
  log: (msg: string) => void,
): Promise<AllocRow[]> {
  const fakes = await startFakes({
    scale: options.scale,
    wicksonApiKey: API_KEY,
    wicksonHourlyLimit: 1e9,
  });
  const config = configFrom({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    WICKSON_API_KEY: API_KEY,
    WICKSON_HOURLY_BUDGET: '1000000',
    MAX_UPSTREAM_CALLS: '100000',
    CLIENT_CALLS_PER_MINUTE: '0',
    CLIENT_WICKSON_SHARE: '1',
    WICKSON_CACHE_TTL_S: '0',
    BELUGA_CACHE_TTL_S: '0',
    GRAPHIQL: 'false',
  });
  const logger = pino({ level: 'warn' });
  const dispatchers = {
    beluga: recorder(createPool(config.beluga.url, config)),
    wickson: recorder(createPool(config.wickson.url, config)),
  };
  const { gateway, upstreams, live } = await composeGateway(config, {
    logger,
    isShuttingDown: () => false,
    dispatchers: dispatchers as unknown as Record<'beluga' | 'wickson', Dispatcher>,
  });
  const session = new Session();
  session.connect();
  try {
    const post = async (query: string, variables: unknown) => {
      const res = await gateway.fetch('http://gateway.bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      if (text.includes('"errors"')) throw new Error(`bench alloc: ${text.slice(0, 300)}`);
      return text;
    };
    const q3Cursors: { cursor: string | null }[] = [];
    let cursor: string | null = null;
    for (let p = 0; p < Q3_PAGES; p += 1) {
      q3Cursors.push({ cursor });
      const page = JSON.parse(await post(Q3_DISCOVERY, { cursor }));
      cursor = page.data.collections.pageInfo.endCursor;
    }
    const workloads = [
      { name: 'Q1', document: Q1, variants: q1Variants(fakes.dataset, 16).map((v) => v.variables) },
      { name: 'Q2', document: Q2, variants: q2Variants(fakes.dataset, 16).map((v) => v.variables) },
      { name: 'Q3', document: Q3, variants: q3Cursors },
    ];
    // Record every variant's answers once, then answer from memory.
    for (const w of workloads) for (const v of w.variants) await post(w.document, v);
    for (const d of Object.values(dispatchers)) d.startReplay();
    await session.post('HeapProfiler.enable');
    const rows: AllocRow[] = [];
    for (const w of workloads) {
      const n = w.name === 'Q3' ? Math.ceil(options.queries / 10) : options.queries;
      const run = async (count: number) => {
        let next = 0;
        const worker = async () => {
          while (next < count) {
            const i = next++;
            await post(w.document, w.variants[i % w.variants.length]);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      };
      await run(Math.ceil(n / 3)); // warm: compiled documents, optimized code
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: SAMPLING_BYTES,
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      });
      await run(n);
      const { profile } = await session.post('HeapProfiler.stopSampling');
      rows.push(summarize(w.name, profile, n, options.top));
      log(`alloc ${w.name}: ${rows.at(-1)?.kb_per_query} KB a query`);
    }
    return rows;
  } finally {
    session.disconnect();
    await live.close();
    await upstreams.close();
    await fakes.close();
  }
}

type ProfileNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
};

function summarize(
  query: string,
  profile: { head: ProfileNode },
  n: number,
  top: number,
): AllocRow {
  let total = 0;
  const bySite = new Map<string, number>();
  const walk = (node: ProfileNode) => {
    total += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/.*node_modules\//, '').replace(/^.*?\/(src|test)\//, '$1/');
    const site = `${functionName || '(anonymous)'} ${file || '(native)'}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const kb = (bytes: number) => Math.round(bytes / n / 102.4) / 10;
  const row: AllocRow = { query, kb_per_query: kb(total) };
  if (top > 0) {
    row.top = [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([site, bytes]) => ({ site, kb_per_query: kb(bytes) }));
  }
  return row;
}

export function allocTable(rows: AllocRow[]): string {
  const lines = rows.map((r) => `${r.query.padEnd(5)} ${String(r.kb_per_query).padStart(8)} KB`);
  for (const r of rows) {
    if (!r.top) continue;
    lines.push('', `${r.query}: where it is allocated (KB a query)`);
    for (const t of r.top) lines.push(`  ${String(t.kb_per_query).padStart(7)}  ${t.site}`);
  }
  return `query  allocated a query\n${lines.join('\n')}\n`;
}
