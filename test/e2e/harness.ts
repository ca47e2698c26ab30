/**
 * End-to-end harness: fakes on ephemeral ports, the real upstream clients and the real gateway,
 * queried through `gateway.fetch` (or a real socket via `listen`). Composed here from the public
 * factories rather than test/helpers/stack.ts so a row can point an upstream URL at a closed port
 * or an unresolvable host. Every response body and log line is kept for the canary invariants.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, configFrom } from '../../src/config.ts';
import type { FakeOptions, Fakes } from '../../src/fakes/index.ts';
import { startFakes } from '../../src/fakes/index.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import { createLogger } from '../../src/server/logger.ts';
import { ERROR_CODES } from '../../src/upstreams/errors.ts';
import { createUpstreams, type Upstreams } from '../../src/upstreams/index.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';

/** Server-held Wickson key for every e2e stack: it must never appear in a response or a log. */
export const CANARY = `wk_CANARY_${randomBytes(8).toString('hex')}`;

export interface GraphQLError {
  message: string;
  path?: Array<string | number>;
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

export interface E2EStack {
  fakes: Fakes;
  config: Config;
  upstreams: Upstreams;
  gateway: Gateway;
  logs: string[];
  bodies: string[];
  query(
    document: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<QueryResult>;
  /** A real node:http server in front of the gateway; closed with the stack. */
  listen(): Promise<string>;
  resetFakes(): void;
  close(): Promise<void>;
}

export interface E2EOptions {
  fakes?: FakeOptions;
  /** Env-style overrides for configFrom; `BELUGA_URL`/`WICKSON_URL` may replace the fakes'. */
  env?: Record<string, string>;
}

/** Small deadlines so timeout rows finish fast on a 2-core machine. */
export const FAST_ENV = {
  UPSTREAM_TIMEOUT_MS: '500',
  REQUEST_TIMEOUT_MS: '1500',
  ...NO_SHARED_CACHE,
};

export async function startE2E(options: E2EOptions = {}): Promise<E2EStack> {
  const fakes = await startFakes({ wicksonApiKey: CANARY, ...options.fakes });
  const config = configFrom({
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    WICKSON_API_KEY: CANARY,
    LOG_LEVEL: 'debug',
    BREAKER_HALF_OPEN_MS: '60000',
    ...FAST_ENV,
    ...options.env,
  });
  const logs: string[] = [];
  const bodies: string[] = [];
  const logger = createLogger(config, { write: (line: string) => logs.push(line) });
  const upstreams = createUpstreams(config, { logger, random: () => 0 });
  const gateway = createGateway(config, {
    clients: upstreams,
    logger,
    health: () => upstreams.health(),
  });
  const servers: Server[] = [];

  const query: E2EStack['query'] = async (document, variables, headers) => {
    const started = performance.now();
    const response = await gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: document, variables }),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    bodies.push(text);
    return { status: response.status, body: JSON.parse(text) as GraphQLBody, text, ms };
  };

  return {
    fakes,
    config,
    upstreams,
    gateway,
    logs,
    bodies,
    query,
    async listen() {
      const server = createServer(gateway);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    resetFakes() {
      fakes.beluga.control.reset();
      fakes.wickson.control.reset();
    },
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await upstreams.close();
      await fakes.close();
    },
  };
}

/** Codes of the errors whose path starts with `field`. */
export function codesAt(body: GraphQLBody, field: string): string[] {
  return (body.errors ?? [])
    .filter((e) => e.path?.[0] === field)
    .map((e) => String(e.extensions?.code));
}

/** Every error code in the body, sorted; fails the caller's expectation if one is outside the set. */
export function allCodes(body: GraphQLBody): string[] {
  return (body.errors ?? []).map((e) => String(e.extensions?.code)).sort();
}

export function isClosedSetCode(code: string): boolean {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Polls `check` until it returns true or `ms` passes. */
export async function waitFor(check: () => boolean, ms = 1000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

/** A port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A bystander HTTP server that counts what reaches it (redirect and `next` targets). */
export async function startBystander(): Promise<{
  url: string;
  hits: string[];
  close(): Promise<void>;
}> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${Object.keys(req.headers).join(',')}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[],"count":0}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Unhandled rejections seen while a suite runs; each suite asserts the list stays empty. */
export function trackUnhandled(): { rejections: unknown[]; stop(): void } {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  return { rejections, stop: () => process.off('unhandledRejection', onRejection) };
}
