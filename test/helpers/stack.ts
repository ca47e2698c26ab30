/**
 * The whole product for integration tests: fakes on ephemeral loopback ports, real upstream
 * clients over sockets, and the gateway queried through `gateway.fetch` (no gateway port).
 */
import pino from 'pino';
import { type Config, configFrom } from '../../src/config.ts';
import { type FakeOptions, type Fakes, startFakes } from '../../src/fakes/index.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import type { Tracing } from '../../src/server/tracing/provider.ts';
import { createUpstreams, type Upstreams } from '../../src/upstreams/index.ts';
import { createPool } from '../../src/upstreams/pool.ts';
import { NO_SHARED_CACHE } from './no-cache.ts';

export interface StackOptions {
  fakes?: FakeOptions;
  /** Env-style overrides passed to `configFrom` (upstream URLs are filled in). */
  config?: Record<string, string>;
  /** OpenTelemetry tracing for the gateway (e.g. over an in-memory exporter). */
  tracing?: Tracing;
  /** Wall clock (Unix ms) of the upstream layer: cache ages, quota, retry budget. */
  now?: () => number;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Stack {
  fakes: Fakes;
  upstreams: Upstreams;
  gateway: Gateway;
  config: Config;
  /** Every log line the gateway wrote (JSON strings). */
  logs: string[];
  query(
    document: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLBody }>;
  /** Upstream calls counted by both fakes since the last `resetLedgers()`. */
  calls(): { beluga: number; wickson: number; routes: Record<string, number> };
  resetLedgers(): void;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const fakes = await startFakes(options.fakes);
  const config = configFrom({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    UPSTREAM_TIMEOUT_MS: '1000',
    REQUEST_TIMEOUT_MS: '3000',
    ...NO_SHARED_CACHE,
    ...options.config,
  });
  const logs: string[] = [];
  const logger = pino({ level: config.logLevel }, { write: (line: string) => logs.push(line) });
  const pools = {
    beluga: createPool(config.beluga.url, config),
    wickson: createPool(config.wickson.url, config),
  };
  // Shortest retry backoff (50 ms): a retry never races the deadline by chance.
  const upstreams = createUpstreams(config, {
    logger,
    dispatchers: pools,
    random: () => 0,
    ...(options.now ? { now: options.now } : {}),
  });
  const inFlight = () =>
    Object.values(pools).reduce((n, { stats }) => n + stats.pending + stats.running, 0);
  // A query may answer before a call it started finishes (a prefetch whose parent came back
  // null); waiting for the pools to drain counts that call with its query, not the next one.
  const drained = async () => {
    for (let i = 0; i < 400 && inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 5));
  };
  const gateway = createGateway(config, {
    clients: { beluga: upstreams.beluga, wickson: upstreams.wickson },
    logger,
    health: () => upstreams.health(),
    tracing: options.tracing,
  });

  const query: Stack['query'] = async (document, variables, headers) => {
    const response = await gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: document, variables }),
    });
    const body = (await response.json()) as GraphQLBody;
    await drained();
    return { status: response.status, body };
  };

  const calls: Stack['calls'] = () => {
    const routes: Record<string, number> = {};
    const count = (name: 'beluga' | 'wickson') => {
      const entries = fakes[name].control.ledger.entries();
      for (const e of entries)
        routes[`${name}:${e.route}`] = (routes[`${name}:${e.route}`] ?? 0) + 1;
      return entries.length;
    };
    return { beluga: count('beluga'), wickson: count('wickson'), routes };
  };

  return {
    fakes,
    upstreams,
    gateway,
    config,
    logs,
    query,
    calls,
    resetLedgers: () => {
      fakes.beluga.control.ledger.reset();
      fakes.wickson.control.ledger.reset();
    },
    close: async () => {
      await upstreams.close();
      await Promise.all(Object.values(pools).map((pool) => pool.close()));
      await fakes.close();
    },
  };
}
