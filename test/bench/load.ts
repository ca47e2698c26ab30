/** Drives load: autocannon against a gateway, or the floor child process, measured the same way. */
import { once } from 'node:events';
import autocannon from 'autocannon';
import type { FloorJob, FloorResult } from './floor.ts';
import { type Pinning, spawnNode, stopChild } from './gateway-process.ts';
import { summarize } from './measure.ts';

export interface LoadResult {
  completed: number;
  elapsedMs: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** 2xx responses whose body holds a GraphQL `errors` key. */
  errorBodies: number;
  transportErrors: number;
  /** The run hit its safety cap and was stopped with requests in flight. */
  capped: boolean;
  /** First error message seen, for the report. */
  firstError?: string;
}

/**
 * Closed-loop load with `connections` connections, rotating the request bodies. With `amount`,
 * stops after exactly that many responses (so upstream calls ÷ requests is exact); else after
 * `durationMs`. `capMs` bounds an `amount` run in time.
 */
export async function runAutocannon(options: {
  url: string;
  bodies: string[];
  connections: number;
  amount?: number;
  durationMs?: number;
  capMs?: number;
  /** A substring that marks a wrong (empty) answer in a 200 response. */
  nullMarker?: string | undefined;
  onBody?: (body: string) => void;
}): Promise<LoadResult> {
  let next = 0;
  let errorBodies = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount
      ? { amount: options.amount }
      : { duration: (options.durationMs ?? 1000) / 1000 }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        setupRequest: (req) => ({ ...req, body: options.bodies[next++ % options.bodies.length] }),
        onResponse: (status, body) => {
          const wrong =
            body.includes('"errors"') || (options.nullMarker && body.includes(options.nullMarker));
          if (status === 200 && !wrong) {
            options.onBody?.(body);
            return;
          }
          if (status === 200) errorBodies += 1;
          firstError ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  let capped = false;
  const cap = setTimeout(() => {
    capped = true;
    instance.stop();
  }, options.capMs ?? 60_000);
  const t0 = performance.now();
  const [result] = (await once(instance, 'done')) as [autocannon.Result];
  const elapsedMs = performance.now() - t0;
  clearTimeout(cap);
  const { p50, p99 } = summarize(latencies);
  return {
    completed: latencies.length,
    elapsedMs,
    rps: (latencies.length * 1000) / elapsedMs,
    p50,
    p99,
    non2xx: result.non2xx,
    errorBodies,
    transportErrors: result.errors + result.timeouts,
    capped,
    ...(firstError ? { firstError } : {}),
  };
}

export interface FloorProcess {
  pid: number;
  run(job: FloorJob): Promise<FloorResult>;
  stop(): Promise<void>;
}

/** The floor script in its own (pinned) process, fed one job at a time. */
export function startFloor(pinning: Pinning): FloorProcess {
  const proc = spawnNode('test/bench/floor.ts', [], {}, pinning, true);
  let buffered = '';
  let waiting: ((line: string) => void) | undefined;
  proc.child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const nl = buffered.indexOf('\n');
    if (nl >= 0 && waiting) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const resolve = waiting;
      waiting = undefined;
      resolve(line);
    }
  });
  return {
    pid: proc.pid,
    async run(job) {
      let onExit: ((code: number | null) => void) | undefined;
      const line = await new Promise<string>((resolve, reject) => {
        waiting = resolve;
        onExit = (code) => reject(new Error(`floor exited ${code}: ${proc.stderr()}`));
        proc.child.once('exit', onExit);
        proc.child.stdin?.write(`${JSON.stringify(job)}\n`);
      }).finally(() => {
        if (onExit) proc.child.off('exit', onExit);
      });
      const parsed = JSON.parse(line) as FloorResult | { error: string };
      if ('error' in parsed) throw new Error(`floor: ${parsed.error}`);
      return parsed;
    },
    stop: () => stopChild(proc.child),
  };
}
