/**
 * The direct-REST floor: a client that makes exactly the N* calls of each query, wave by wave,
 * with undici `request`, and nothing else (no GraphQL). Runs as its own child process (pinned
 * like the gateway) so its CPU time compares with the gateway's. Protocol: one JSON FloorJob per
 * stdin line, one JSON FloorResult per stdout line.
 */
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import type { FloorCall } from './queries.ts';

export interface FloorJob {
  belugaUrl: string;
  wicksonUrl: string;
  wicksonApiKey: string;
  /** Per variant: its waves of calls. */
  variants: FloorCall[][][];
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface FloorResult {
  completed: number;
  failed: number;
  /** Date.now() when the measured phase began (warm-up calls all finished before it). */
  measureStartMs: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** Completed measured queries per variant index. */
  perVariant: number[];
  cpuMs: number;
}

const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 10_000 });

function fill(path: string, previous: unknown[]): string {
  return path.replace(/\{(\d+)\.(\w+)\}/g, (_, index: string, key: string) => {
    const body = previous[Number(index)] as Record<string, unknown> | undefined;
    return String(body?.[key]);
  });
}

async function call(job: FloorJob, c: FloorCall, previous: unknown[]): Promise<unknown> {
  const beluga = c.upstream === 'beluga';
  const res = await request(`${beluga ? job.belugaUrl : job.wicksonUrl}${fill(c.path, previous)}`, {
    dispatcher,
    headers: beluga
      ? { accept: 'application/json' }
      : { accept: 'application/json', 'x-api-key': job.wicksonApiKey },
  });
  const body = await res.body.json();
  if (res.statusCode !== 200) throw new Error(`${c.upstream} GET ${c.path} → ${res.statusCode}`);
  return body;
}

async function runQuery(job: FloorJob, waves: FloorCall[][]): Promise<void> {
  let previous: unknown[] = [];
  for (const wave of waves) {
    previous = await Promise.all(wave.map((c) => call(job, c, previous)));
  }
}

async function loop(
  job: FloorJob,
  untilMs: number,
  record?: { latencies: number[]; perVariant: number[] },
): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (Date.now() < untilMs) {
      const index = next++ % job.variants.length;
      const t0 = performance.now();
      try {
        await runQuery(job, job.variants[index] ?? []);
        if (record) {
          record.latencies.push(performance.now() - t0);
          record.perVariant[index] = (record.perVariant[index] ?? 0) + 1;
        }
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  return failed;
}

export async function runFloor(job: FloorJob): Promise<FloorResult> {
  await loop(job, Date.now() + job.warmupMs);
  const record = { latencies: [] as number[], perVariant: job.variants.map(() => 0) };
  const measureStartMs = Date.now();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const failed = await loop(job, measureStartMs + job.durationMs, record);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    completed: record.latencies.length,
    failed,
    measureStartMs,
    elapsedMs,
    latenciesMs: record.latencies,
    perVariant: record.perVariant,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const result = await runFloor(JSON.parse(line) as FloorJob);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
    }
  }
  await dispatcher.close();
}
