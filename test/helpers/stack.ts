/**
 * The one harness for integration tests: fakes on ephemeral loopback ports, real upstream clients
 * over sockets, and the gateway queried through `gateway.fetch` (or a real socket via `listen`).
 * Domain helpers (the fault matrix, the upstream-client and server tests) call it with their own
 * settings; `close()` stops everything the stack started.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { type Config, configFrom } from '../../src/config.ts';
import type { UpstreamClients } from '../../src/context.ts';
import { type FakeOptions, type Fakes, startFakes } from '../../src/fakes/index.ts';
import type { LiveClock } from '../../src/live/types.ts';
import { createClientLimits } from '../../src/server/client-limits.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import type { GatewayDeps } from '../../src/server/gateway-parts.ts';
import { createLiveService, type LiveService } from '../../src/server/live.ts';
import { createLogger } from '../../src/server/logger.ts';
import type { Tracing } from '../../src/server/tracing/provider.ts';
import { createUpstreams, type Upstreams } from '../../src/upstreams/index.ts';
import { createPool } from '../../src/upstreams/pool.ts';
import { NO_SHARED_CACHE } from './no-cache.ts';

export interface StackOptions {
  /** Options for the fakes the stack starts (and closes). */
  fakes?: FakeOptions;
  /** Fakes already running (e.g. a file's `useFakes()`): used as they are and left open. */
  sharedFakes?: Fakes;
  /** Env-style overrides passed to `configFrom`; `BELUGA_URL`/`WICKSON_URL` may replace the fakes'. */
  config?: Record<string, string>;
  /** OpenTelemetry tracing for the gateway (e.g. over an in-memory exporter). */
  tracing?: Tracing;
  /** Wall clock (Unix ms) of the upstream layer: cache ages, quota, retry budget. */
  now?: () => number;
  /** Gateway dependencies to replace: stub clients, a test schema, a shutdown flag, health. */
  gateway?: Partial<GatewayDeps>;
  /**
   * `plain` (default) keeps every line as the code wrote it, so a test sees whether a layer itself
   * keeps secrets out; `product` is the gateway's logger with its redaction and scrubbing.
   */
  logger?: 'plain' | 'product';
  /** The clock of the subscriptions' watch hub (src/live): polls happen when a test moves it. */
  liveClock?: LiveClock;
  /** Wait for in-flight upstream calls after each answer, so they count with their query. @default true */
  settle?: boolean;
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; retryAfterSeconds?: number; [key: string]: unknown };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

export interface QueryResult {
  status: number;
  body: GraphQLBody;
  text: string;
  ms: number;
}

export interface PostResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: assertions read the parsed JSON body loosely
  body: any;
  headers: Headers;
}

export interface Stack {
  fakes: Fakes;
  /** The subscriptions service the gateway uses (closed with the stack). */
  live: LiveService;
  upstreams: Upstreams;
  gateway: Gateway;
  config: Config;
  logger: Logger;
  /** Every log line the gateway wrote (JSON strings). */
  logs: string[];
  /** Every response body the gateway sent through `query` or `post`. */
  bodies: string[];
  query(
    document: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<QueryResult>;
  /** POSTs any body (an object is sent as JSON) to /graphql; a non-JSON answer stays text. */
  post(body: unknown, headers?: Record<string, string>): Promise<PostResult>;
  /** A real node:http server in front of the gateway; closed with the stack. */
  listen(): Promise<string>;
  /**
   * Another gateway over this stack's config, upstream clients (or `clients` in their place) and
   * logger, with only `deps` besides: a test's own slots, limits, plugins or schema.
   */
  gatewayWith(deps?: Partial<GatewayDeps>, clients?: Partial<UpstreamClients>): Gateway;
  /** Upstream calls counted by both fakes since the last `resetLedgers()`. */
  calls(): { beluga: number; wickson: number; routes: Record<string, number> };
  resetLedgers(): void;
  /** Clears faults, latency, ledgers and budgets of both fakes. */
  resetFakes(): void;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const fakes = options.sharedFakes ?? (await startFakes(options.fakes));
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
  const bodies: string[] = [];
  const destination = { write: (line: string) => void logs.push(line) };
  const logger =
    options.logger === 'product'
      ? createLogger(config, destination)
      : pino({ level: config.logLevel }, destination);
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
    if (options.settle === false) return;
    for (let i = 0; i < 400 && inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 5));
  };
  const clientLimits =
    options.gateway?.clientLimits === undefined
      ? createClientLimits(config, { wicksonRemaining: () => upstreams.wicksonBudget().remaining })
      : options.gateway.clientLimits;
  const live = createLiveService(config, {
    clients: upstreams,
    logger,
    redis: upstreams.redis,
    clientLimits: clientLimits || undefined,
    ...(options.liveClock ? { clock: options.liveClock } : {}),
  });
  const servers: Server[] = [];
  const close = async () => {
    await live.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await upstreams.close();
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    if (!options.sharedFakes) await fakes.close();
  };
  const clients = { beluga: upstreams.beluga, wickson: upstreams.wickson };
  let gateway: Gateway;
  try {
    gateway = createGateway(config, {
      clients,
      live,
      clientLimits,
      logger,
      health: () => upstreams.health(),
      wicksonBudget: () => upstreams.wicksonBudget(),
      tracing: options.tracing,
      redis: upstreams.redis,
      ...options.gateway,
    });
  } catch (error) {
    // A gateway that refuses to start (a bad manifest, …) leaves nothing running.
    await close();
    throw error;
  }

  const send = async (body: string, headers: Record<string, string>) => {
    const started = performance.now();
    const response = await gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    const ms = performance.now() - started;
    bodies.push(text);
    await drained();
    return { response, text, ms };
  };

  const query: Stack['query'] = async (document, variables, headers = {}) => {
    const { response, text, ms } = await send(
      JSON.stringify({ query: document, variables }),
      headers,
    );
    return { status: response.status, body: JSON.parse(text) as GraphQLBody, text, ms };
  };

  const post: Stack['post'] = async (body, headers = {}) => {
    const { response, text } = await send(
      typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    );
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsed, headers: response.headers };
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
    live,
    upstreams,
    gateway,
    config,
    logger,
    logs,
    bodies,
    query,
    post,
    calls,
    async listen() {
      const server = createServer(gateway);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    gatewayWith: (deps = {}, replaced = {}) =>
      createGateway(config, { clients: { ...clients, ...replaced }, logger, ...deps }),
    resetLedgers: () => {
      fakes.beluga.control.ledger.reset();
      fakes.wickson.control.ledger.reset();
    },
    resetFakes: () => {
      fakes.beluga.control.reset();
      fakes.wickson.control.reset();
    },
    close,
  };
}
