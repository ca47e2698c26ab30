/**
 * The gateway's parts as `npm start` wires them: tracing, the upstreams (their pools, the Redis
 * client and the cache store), metrics, the per-client limits and vouched tokens the replicas
 * share on Redis, the subscriptions service, and the gateway (plus the subgraph) over them.
 * Nothing here listens (serve.ts) or stops (shutdown.ts).
 */
import type { Config } from '../config.ts';
import type { LiveClock } from '../live/types.ts';
import { createUpstreams, type Upstreams, type UpstreamsDeps } from '../upstreams/index.ts';
import { createClientLimits } from './client-limits.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { createAdmission, type GatewayDeps } from './gateway-parts.ts';
import type { Handler } from './listener.ts';
import { createLiveService, type LiveService } from './live.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import type { Tracing } from './tracing/provider.ts';
import { createVouchedTokens, vouchedOptions } from './vouched.ts';

export interface ComposeOptions {
  logger: Logger;
  /** Defaults to OpenTelemetry when the config has an OTLP endpoint (`tracing.tracesUrl`). */
  tracing?: Tracing;
  /** Builds each request's loaders (GatewayDeps `loaders`). */
  loaders?: GatewayDeps['loaders'];
  /** The subscriptions' clock (tests step it). */
  liveClock?: LiveClock;
  /** True once shutdown began: /ready answers 503. */
  isShuttingDown: () => boolean;
  /** The upstreams' dispatchers (the allocation bench replays answers); default: a pool each. */
  dispatchers?: UpstreamsDeps['dispatchers'];
}

export interface Composed {
  tracing: Tracing | undefined;
  upstreams: Upstreams;
  metrics: GatewayMetrics;
  live: LiveService;
  /** /graphql, also behind the WebSocket door. */
  gateway: Gateway;
  /** What the HTTP listener serves: the gateway, and the subgraph on its path when enabled. */
  handler: Handler;
  subgraphPath: string | undefined;
  /**
   * Closes what composing opened (the subscriptions service, the upstreams with their Redis and
   * pools, tracing): for a start that fails before it serves. A serving gateway stops through
   * shutdown.ts, which closes the same parts around its listener.
   */
  close(): Promise<void>;
}

export async function composeGateway(config: Config, options: ComposeOptions): Promise<Composed> {
  const tracing = options.tracing ?? (await configuredTracing(config));
  const upstreams = createUpstreams(config, {
    logger: options.logger,
    ...(options.dispatchers ? { dispatchers: options.dispatchers } : {}),
  });
  const metrics = createMetrics({
    health: () => upstreams.health(),
    upstreams: () => upstreams,
    defaultMetrics: true,
  });
  const deps = gatewayDeps(config, { ...options, tracing, upstreams, metrics });
  const gateway = createGateway(config, deps);
  const subgraph = config.federation.subgraph ? await import('./subgraph.ts') : undefined;
  const handler = subgraph
    ? subgraph.routeSubgraph(gateway, subgraph.createSubgraph(config, deps))
    : gateway;
  return {
    tracing,
    upstreams,
    metrics,
    live: deps.live,
    gateway,
    handler,
    subgraphPath: subgraph?.SUBGRAPH_PATH,
    close: async () => {
      await deps.live.close();
      await upstreams.close();
      await tracing?.shutdown();
    },
  };
}

/** The OTel SDK loads only when configured (as the subgraph does): less memory and start time. */
async function configuredTracing(config: Config): Promise<Tracing | undefined> {
  if (!config.tracing.tracesUrl) return undefined;
  return (await import('./tracing/provider.ts')).createTracing(config.tracing);
}

/** What /graphql and the subgraph share: one process's clients, limits, slots and services. */
function gatewayDeps(
  config: Config,
  parts: Omit<ComposeOptions, 'tracing'> & {
    tracing: Tracing | undefined;
    upstreams: Upstreams;
    metrics: GatewayMetrics;
  },
): GatewayDeps & { live: LiveService } {
  const { logger, upstreams, metrics } = parts;
  const limitsLog = logger.child({ component: 'client-limits' });
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
    ...(parts.liveClock ? { clock: parts.liveClock } : {}),
  });
  return {
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
    isShuttingDown: parts.isShuttingDown,
    tracing: parts.tracing,
    readiness: () => ({ cache: upstreams.cache.readiness() }),
    loaders: parts.loaders,
    redis: upstreams.redis,
  };
}
