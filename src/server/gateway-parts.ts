/**
 * What createGateway (gateway.ts) is given (GatewayDeps) and what it builds from that once per
 * gateway for its plugins and request contexts (GatewayParts): metrics, request states, client
 * ids, per-client limits, vouched tokens, the idempotency store, admission slots, tracing, the
 * persisted manifest and the subscriptions service.
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { RequestContextInput, UpstreamClients } from '../context.ts';
import type { Redis } from '../redis.ts';
import type { CallRecord, UpstreamHealth } from '../upstreams/types.ts';
import { type ClientClaim, type ClientIdInput, createClientId } from './client-id.ts';
import { type ClientLimits, createClientLimits } from './client-limits.ts';
import type { GraphQLSchema } from './graphql.ts';
import { createLiveService, type LiveService } from './live.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import {
  createMemoryIdempotencyStore,
  createRedisIdempotencyStore,
  type IdempotencyStore,
} from './plugins/idempotency-store.ts';
import { CallSlots, registerAdmissionMetrics } from './plugins/use-admission.ts';
import {
  loadPersistedOperations,
  type PersistedOperations,
} from './plugins/use-persisted-operations.ts';
import { type RequestTracingPlugin, useRequestTracing } from './plugins/use-request-tracing.ts';
import { createStateStore } from './request-state.ts';
import type { Tracing } from './tracing/provider.ts';
import { createVouchedTokens, type VouchedTokens, vouchedOptions } from './vouched.ts';

export interface GatewayDeps {
  clients: UpstreamClients;
  logger: Logger;
  /** Breaker and quota state per upstream, for metrics. */
  health?: () => UpstreamHealth[];
  onCall?: (record: CallRecord) => void;
  /** True once shutdown began: /ready answers 503. */
  isShuttingDown?: () => boolean;
  /** Extra facts for /ready's body, e.g. the cache store's state. */
  readiness?: () => Record<string, unknown>;
  /** Defaults to a fresh per-gateway registry. */
  metrics?: GatewayMetrics;
  now?: () => number;
  /**
   * The MAX_CONCURRENT_CALLS slots, shared by the endpoints of one process (the subgraph gets the
   * gateway's); `null` turns admission off. Defaults to new slots with their metrics.
   */
  admission?: CallSlots | null;
  /** Defaults to the graph (src/schema); tests may pass their own. */
  schema?: GraphQLSchema;
  /** OpenTelemetry tracing (src/server/tracing); none when tracing is off. */
  tracing?: Tracing;
  /** Where GraphQL is served; defaults to /graphql. */
  endpoint?: string;
  /** What is left of the shared Wickson hour, for the per-client pacing (client-limits.ts). */
  wicksonBudget?: () => { remaining: number };
  /** Per-client limits; defaults to in-memory ones from the config; `false` turns them off. */
  clientLimits?: ClientLimits | false;
  /** Tokens Beluga accepted (shared by the endpoints of a process); defaults to in-memory ones. */
  vouched?: VouchedTokens;
  /** Builds each request's loaders; defaults to src/loaders' `createLoaders`. */
  loaders?: RequestContextInput['createLoaders'];
  /** @defer and @stream (plugins/use-incremental-delivery.ts); on unless `false`. */
  incrementalDelivery?: boolean;
  /** Subscriptions (./live.ts); defaults to one process's hub without Redis; `false`: none. */
  live?: LiveService | false;
  /** Checks at the door, before anything is parsed (the subgraph's router secret). */
  doorPlugins?: Plugin[];
  /** The process's Redis (REDIS_URL): idempotency keys live there, else in memory. */
  redis?: Redis;
  /** Wall clock (Unix ms) of the Idempotency-Key window; defaults to Date.now. */
  clock?: () => number;
}

/** New MAX_CONCURRENT_CALLS slots with their gauges; null when the limit is off. */
export function createAdmission(config: Config, metrics: GatewayMetrics): CallSlots | null {
  if (config.limits.maxConcurrentCalls <= 0) return null;
  const slots = new CallSlots(config.limits.maxConcurrentCalls);
  registerAdmissionMetrics(slots, metrics.registry);
  return slots;
}

/** What one gateway's plugins and request contexts share, built once per gateway. */
export interface GatewayParts {
  now: () => number;
  metrics: GatewayMetrics;
  store: ReturnType<typeof createStateStore>;
  endpoint: string;
  clientId: (input: ClientIdInput) => ClientClaim;
  vouched: VouchedTokens;
  idempotency: IdempotencyStore;
  admission: CallSlots | null;
  tracing: RequestTracingPlugin | undefined;
  persisted: PersistedOperations | undefined;
  clientLimits: ClientLimits | undefined;
  live: LiveService | undefined;
}

export function gatewayParts(config: Config, deps: GatewayDeps): GatewayParts {
  const metrics = deps.metrics ?? createMetrics({ health: deps.health });
  const store = createStateStore();
  const { file, only } = config.persistedOperations;
  const clientLimits =
    deps.clientLimits === false
      ? undefined
      : (deps.clientLimits ??
        createClientLimits(config, {
          ...(deps.wicksonBudget ? { wicksonRemaining: () => wicksonRemaining(deps) } : {}),
        }));
  return {
    now: deps.now ?? (() => performance.now()),
    metrics,
    store,
    endpoint: deps.endpoint ?? '/graphql',
    clientId: createClientId({
      secret: config.cache.keySecret ?? randomBytes(32).toString('hex'),
      trustProxy: config.clients.trustProxy,
    }),
    vouched: deps.vouched ?? createVouchedTokens(vouchedOptions(config)),
    idempotency: deps.redis
      ? createRedisIdempotencyStore({ redis: deps.redis, keyPrefix: config.redis.keyPrefix })
      : createMemoryIdempotencyStore(),
    admission: deps.admission !== undefined ? deps.admission : createAdmission(config, metrics),
    tracing: deps.tracing ? useRequestTracing({ tracing: deps.tracing, store }) : undefined,
    persisted: file ? loadPersistedOperations({ file, only }) : undefined,
    clientLimits,
    live:
      deps.live === false
        ? undefined
        : (deps.live ??
          createLiveService(config, { clients: deps.clients, logger: deps.logger, clientLimits })),
  };
}

const wicksonRemaining = (deps: GatewayDeps) => deps.wicksonBudget?.().remaining ?? Infinity;
