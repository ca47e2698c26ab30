/** Shared setup for the upstream client tests: fresh clients per test over the real fakes. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { configFrom } from '../../src/config.ts';
import type { Fakes } from '../../src/fakes/index.ts';
import { createUpstreams, type Upstreams } from '../../src/upstreams/index.ts';
import type { CallRecord, UpstreamScope } from '../../src/upstreams/types.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';

export interface Harness {
  upstreams: Upstreams;
  logs: string[];
  calls: CallRecord[];
  scope(extra?: Partial<UpstreamScope>): UpstreamScope;
}

const open: Upstreams[] = [];

/** Small timeouts so every fault resolves fast on a 2-core machine. */
export function harness(fakes: Fakes, env: Record<string, string> = {}): Harness {
  const config = configFrom({
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    UPSTREAM_TIMEOUT_MS: '500',
    UPSTREAM_CONNECT_TIMEOUT_MS: '300',
    BREAKER_HALF_OPEN_MS: '300',
    ...NO_SHARED_CACHE,
    ...env,
  });
  const logs: string[] = [];
  const calls: CallRecord[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  // Shortest retry backoff (50 ms): a retry never races the deadline by chance.
  const upstreams = createUpstreams(config, { logger, random: () => 0 });
  open.push(upstreams);
  return {
    upstreams,
    logs,
    calls,
    scope: (extra) => ({
      authorization: undefined,
      signal: undefined,
      requestId: 'test-request',
      onCall: (record) => calls.push(record),
      ...extra,
    }),
  };
}

export async function closeHarnesses(): Promise<void> {
  await Promise.all(open.splice(0).map((u) => u.close()));
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** A tiny second origin that records what reaches it (redirect target, `next` host). */
export async function startRecorder(): Promise<{
  url: string;
  seen: string[];
  close(): Promise<void>;
}> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
