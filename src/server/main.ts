/**
 * Composition root: config → upstreams → gateway → node:http listen, and graceful shutdown.
 * `npm start` runs this file; tests and the demo call `startServer`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { flushCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { listenErrorMessage } from '../listen-errors.ts';
import type { LiveClock } from '../live/types.ts';
import { createUpstreams } from '../upstreams/index.ts';
import { createClientLimits } from './client-limits.ts';
import { withCompression } from './compress.ts';
import { createAdmission, createGateway, type GatewayDeps } from './gateway.ts';
import { withGraphiQL } from './graphiql-serve.ts';
import { createListener } from './listener.ts';
import { createLiveService, type LiveService } from './live.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { listenMetrics, type MetricsListener } from './metrics-listener.ts';
import type { Tracing } from './tracing/provider.ts';
import { createVouchedTokens, vouchedOptions } from './vouched.ts';
import { attachWebSocket } from './websocket.ts';

export interface RunningServer {
  url: string;
  /** The subscriptions service (its hub's stats for metrics and tests). */
  live: LiveService;
  /** The Prometheus endpoint on METRICS_PORT; undefined when METRICS_PORT is unset. */
  metricsUrl: string | undefined;
  server: Server;
  /**
   * /ready turns 503 while requests are still served for config.shutdownDelayMs (load balancers
   * see the 503 and stop routing), then stop accepting, let in-flight requests finish within
   * config.shutdownTimeoutMs, close pools.
   */
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: {
    logger?: Logger;
    sleep?: (ms: number) => Promise<void>;
    tracing?: Tracing;
    /** Builds each request's loaders (GatewayDeps `loaders`). */
    loaders?: GatewayDeps['loaders'];
    /** The subscriptions' clock (tests step it). */
    liveClock?: LiveClock;
  } = {},
): Promise<RunningServer> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const logger = options.logger ?? createLogger(config);
  // The OTel SDK and the federation subgraph load only when configured: less memory and start time.
  const tracing =
    options.tracing ??
    (config.tracing.tracesUrl
      ? (await import('./tracing/provider.ts')).createTracing(config.tracing)
      : undefined);
  const upstreams = createUpstreams(config, { logger });
  const limitsLog = logger.child({ component: 'client-limits' });
  let shuttingDown = false;
  const metrics = createMetrics({
    health: () => upstreams.health(),
    upstreams: () => upstreams,
    defaultMetrics: true,
  });
  // On Redis the per-client counts are shared by the replicas (memory while Redis is down).
  const clientLimits = createClientLimits(config, {
    redis: upstreams.redis,
    keyPrefix: config.redis.keyPrefix,
    onStoreError: (error) => limitsLog.warn({ err: error }, 'client limits: store error'),
    wicksonRemaining: () => upstreams.wicksonBudget().remaining,
  });
  const live = createLiveService(config, {
    clients: upstreams,
    logger,
    redis: upstreams.redis,
    clientLimits,
    registry: metrics.registry,
    ...(options.liveClock ? { clock: options.liveClock } : {}),
  });
  const deps = {
    clients: upstreams,
    clientLimits,
    live,
    // Tokens Beluga accepted, on Redis shared by the replicas (README "Threat model").
    vouched: createVouchedTokens({
      ...vouchedOptions(config),
      redis: upstreams.redis,
      onStoreError: (error) => limitsLog.warn({ err: error }, 'vouched tokens: store error'),
    }),
    logger,
    health: () => upstreams.health(),
    metrics,
    // One set of slots for /graphql and the subgraph: they share the process's memory and core.
    admission: createAdmission(config, metrics),
    isShuttingDown: () => shuttingDown,
    tracing,
    readiness: () => ({ cache: upstreams.cache.readiness() }),
    loaders: options.loaders,
    redis: upstreams.redis,
  };
  const gateway = createGateway(config, deps);

  const subgraph = config.federation.subgraph ? await import('./subgraph.ts') : undefined;
  const httpLog = logger.child({ component: 'http' });
  const routed = subgraph
    ? subgraph.routeSubgraph(gateway, subgraph.createSubgraph(config, deps))
    : gateway;
  const listener = createListener(
    withCompression(withPage(config, routed, subgraph?.SUBGRAPH_PATH)),
    {
      requestTimeoutMs: config.requestTimeoutMs,
      isShuttingDown: () => shuttingDown,
      reject: (rejection) => {
        metrics.observeRejected(rejection.reason);
        httpLog.info(rejection, 'http request refused');
      },
    },
  );
  const { server } = listener;
  const webSocket = attachWebSocket(server, gateway, config);

  compactHeap();
  const url = await listener.listen(config.port, config.host);
  let metricsListener: MetricsListener | undefined;
  if (config.metricsPort !== undefined) {
    try {
      metricsListener = await listenMetrics(metrics, {
        port: config.metricsPort,
        host: config.host,
      });
    } catch (error) {
      server.close();
      await upstreams.close();
      throw error;
    }
  }
  logger.info(
    {
      url,
      metrics: metricsListener?.url,
      graphiql: config.graphiql,
      introspection: config.introspection,
      tracing: tracing !== undefined,
      subgraph: subgraph ? `${url}${subgraph.SUBGRAPH_PATH}` : undefined,
    },
    'gateway listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      if (config.shutdownDelayMs > 0) {
        logger.info({ delayMs: config.shutdownDelayMs }, 'not ready; serving until the delay ends');
        await sleep(config.shutdownDelayMs);
      }
      // Every stream gets its `complete` and every poller stops before the listener closes.
      await live.close();
      await webSocket.close();
      await listener.close(config.shutdownTimeoutMs, (open) =>
        logger.warn({ open }, 'shutdown timeout: closing remaining connections'),
      );
      await metricsListener?.close();
      await upstreams.close();
      await tracing?.shutdown();
      logger.info('gateway stopped');
    })();
    return closing;
  };
  return { url, live, metricsUrl: metricsListener?.url, server, close };
}

/**
 * With `--expose-gc` (npm start): one memory-reducing collection before listening. Start-up
 * (modules, the schema, the gateway) leaves garbage and a grown young generation; collecting it
 * once means an idle replica holds its live heap only. Without the flag (tests, the demo) a no-op.
 */
function compactHeap(): void {
  const gc = (globalThis as { gc?: (options: object) => void }).gc;
  gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const running = await startServer(config, { logger }).catch((error: unknown) => {
    const message = listenErrorMessage(error, {
      ports: { PORT: config.port, METRICS_PORT: config.metricsPort ?? -1 },
      host: ['HOST', config.host],
    });
    if (!message) throw error;
    process.stderr.write(`gateway: ${message}\n`);
    process.exit(1);
  });
  // With NODE_COMPILE_CACHE (npm start), the next start, or a second replica, reuses it right away.
  flushCompileCache();
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `gateway failed to start: ${error instanceof Error ? error.message : 'unknown error'}\n`,
    );
    process.exit(1);
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * GraphiQL (GRAPHIQL) straight from the listener: the page's bytes to the socket, no yoga on the
 * way. On /subgraph too, unless SUBGRAPH_SECRET keeps it to the router.
 */
function withPage(config: Config, handler: Handler, subgraphPath: string | undefined): Handler {
  if (!config.graphiql) return handler;
  const open = subgraphPath && !config.federation.secret ? [subgraphPath] : [];
  return withGraphiQL(handler, ['/graphql', ...open]);
}
