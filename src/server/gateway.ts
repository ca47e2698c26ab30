/**
 * createGateway(config, deps) → a yoga instance. No listen, no process.env: main.ts and the
 * tests own those. Tests call `gateway.fetch(...)` without a port.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import {
  createRequestContext,
  type GatewayContext,
  type RequestContextInput,
  type UpstreamClients,
} from '../context.ts';
import type { Redis } from '../redis.ts';
import { schema } from '../schema/index.ts';
import type { CallRecord, UpstreamHealth } from '../upstreams/types.ts';
import { admissionPlugin, CallSlots, registerAdmissionMetrics } from './admission.ts';
import { bodyLimitPlugin } from './body-limit.ts';
import { createClientId } from './client-id.ts';
import { clientLimitPlugin } from './client-limit-plugin.ts';
import { type ClientLimits, createClientLimits } from './client-limits.ts';
import { corsOptions } from './cors.ts';
import { maskError } from './errors.ts';
import { graphiqlPlugin } from './graphiql-serve.ts';
import type { GraphQLSchema } from './graphql.ts';
import { incrementalDeliveryPlugins, mentionsIncremental } from './incremental.ts';
import { inputGuardPlugin } from './input-guard.ts';
import { lazyChild } from './lazy-logger.ts';
import { limitPlugins } from './limits.ts';
import { createLiveService, type LiveService } from './live.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import { operationsPlugin } from './operations.ts';
import {
  checkPersistedOperations,
  createPersistedOperations,
  type PersistedOperations,
} from './persisted/index.ts';
import {
  createMemoryIdempotencyStore,
  createRedisIdempotencyStore,
} from './plugins/idempotency-store.ts';
import { useCompiledExecution } from './plugins/use-compiled-execution.ts';
import { useIdempotency } from './plugins/use-idempotency.ts';
import { createStateStore } from './request-state.ts';
import { requestTracing } from './tracing/plugin.ts';
import type { Tracing } from './tracing/provider.ts';
import { createVouchedTokens, type VouchedTokens, vouchedOptions } from './vouched.ts';
import { yogaLogger } from './yoga-logger.ts';

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
  /** @defer and @stream (src/server/incremental.ts); on unless `false`. */
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

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** Header names that count as a CSRF preflight marker on "simple" requests. */
export const CSRF_HEADERS = [
  'x-graphql-yoga-csrf',
  'graphql-require-preflight',
  'apollo-require-preflight',
];

/** New MAX_CONCURRENT_CALLS slots with their gauges; null when the limit is off. */
export function createAdmission(config: Config, metrics: GatewayMetrics): CallSlots | null {
  if (config.limits.maxConcurrentCalls <= 0) return null;
  const slots = new CallSlots(config.limits.maxConcurrentCalls);
  registerAdmissionMetrics(slots, metrics.registry);
  return slots;
}

const persistedDocuments = (persisted: PersistedOperations) => {
  const documents = new Set<unknown>(persisted.documents.values());
  return (document: unknown) => documents.has(document);
};

const wicksonRemaining = (deps: GatewayDeps) => deps.wicksonBudget?.().remaining ?? Infinity;

export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  const now = deps.now ?? (() => performance.now());
  const metrics = deps.metrics ?? createMetrics({ health: deps.health });
  const store = createStateStore();
  const onCall = (record: CallRecord) => {
    metrics.observeCall(record);
    deps.onCall?.(record);
  };

  const admission =
    deps.admission !== undefined ? deps.admission : createAdmission(config, metrics);
  const traced = deps.tracing ? requestTracing(deps.tracing, store) : undefined;
  const { file, only } = config.persistedOperations;
  const persisted = file ? createPersistedOperations({ file, only }) : undefined;

  const endpoint = deps.endpoint ?? '/graphql';
  const clientId = createClientId({
    secret: config.cache.keySecret ?? randomBytes(32).toString('hex'),
    trustProxy: config.clients.trustProxy,
  });
  const idempotency = deps.redis
    ? createRedisIdempotencyStore({ redis: deps.redis, keyPrefix: config.redis.keyPrefix })
    : createMemoryIdempotencyStore();
  const limits =
    deps.clientLimits === false
      ? undefined
      : (deps.clientLimits ??
        createClientLimits(config, {
          ...(deps.wicksonBudget ? { wicksonRemaining: () => wicksonRemaining(deps) } : {}),
        }));
  const vouched = deps.vouched ?? createVouchedTokens(vouchedOptions(config));
  const clientLimits = limits
    ? [
        clientLimitPlugin({
          limits,
          clientId,
          vouched,
          onVouchedClient: (request) => {
            const state = store.get(request);
            if (state) state.trusted = true;
          },
          logger: deps.logger,
        }),
      ]
    : [];
  const live =
    deps.live === false
      ? undefined
      : (deps.live ??
        createLiveService(config, {
          clients: deps.clients,
          logger: deps.logger,
          clientLimits: limits,
        }));
  /** The caller's place in the watch hub: its client as the per-client limits know it. */
  const liveAccess = (service: LiveService, request: Request, req?: IncomingMessage) => {
    // Worked out on first read (a subscription's), not for every query: it hashes the token.
    let claim: ReturnType<typeof clientId> | undefined;
    const remoteAddress = req?.socket?.remoteAddress;
    return {
      hub: service.hub,
      limits: service.limits,
      now: service.now,
      signal: request.signal,
      // Read once the client-limit plugin has asked whether Beluga vouched for the token.
      get clientId() {
        claim ??= clientId({
          authorization: request.headers.get('authorization'),
          forwardedFor: request.headers.get('x-forwarded-for'),
          remoteAddress,
        });
        return claim.token && vouched.knows(claim.token) ? claim.token : claim.address;
      },
    };
  };
  const gateway = createYoga<Record<string, unknown>, GatewayContext>({
    schema: deps.schema ?? schema,
    graphqlEndpoint: endpoint,
    // GraphiQL is graphiqlPlugin's: rendered and compressed once per process, not per view.
    graphiql: false,
    landingPage: false,
    batching: false,
    // No Upload scalar: multipart bodies are refused (415) instead of parsed.
    multipart: false,
    // bodyLimitPlugin (last in `plugins`) enforces MAX_BODY_BYTES without yoga's per-request stream.
    maxRequestBodySize: false,
    cors: corsOptions(config.corsOrigins, CSRF_HEADERS),
    logging: yogaLogger(deps.logger),
    maskedErrors: { maskError, isDev: false },
    plugins: [
      ...(config.compileQueriesAfter > 0
        ? [
            useCompiledExecution({
              compileAfter: config.compileQueriesAfter,
              leaveToExecutor: mentionsIncremental,
              onCompiled: metrics.observeCompiled,
            }),
          ]
        : []),
      useIdempotency({
        store: idempotency,
        clientId,
        logger: deps.logger,
        now: deps.clock,
        lostAfterMs: config.requestTimeoutMs + 10_000,
      }),
      operationsPlugin({
        config,
        logger: deps.logger,
        metrics,
        store,
        now,
        endpoint,
        ...(persisted ? { isPersisted: persistedDocuments(persisted) } : {}),
        isShuttingDown: deps.isShuttingDown ?? (() => false),
        ...(deps.readiness ? { readiness: deps.readiness } : {}),
      }),
      ...(deps.doorPlugins ?? []),
      ...(traced ? [traced.plugin] : []),
      // Before the CSRF check: a browser opening the page sends no preflight header.
      ...(config.graphiql ? [graphiqlPlugin(endpoint)] : []),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      ...(persisted ? [persisted.plugin] : []),
      ...(deps.incrementalDelivery === false ? [] : incrementalDeliveryPlugins()),
      ...limitPlugins(config),
      ...clientLimits,
      ...(admission ? [admissionPlugin(admission)] : []),
      inputGuardPlugin(config.limits.maxInputDepth),
      bodyLimitPlugin(config.limits.maxBodyBytes),
    ],
    context: ({ request, req }) => {
      const state = store.get(request);
      if (!state) throw new Error('request state missing: operations plugin did not run');
      const ctx = createRequestContext({
        config,
        clients: deps.clients,
        logger: lazyChild(deps.logger, { requestId: state.requestId }),
        requestId: state.requestId,
        authorization: request.headers.get('authorization') ?? undefined,
        signal: state.signal,
        onCall,
        onCallStart: traced?.onCallStart(request),
        createLoaders: deps.loaders,
        ...(live ? { live: liveAccess(live, request, req as IncomingMessage | undefined) } : {}),
      });
      state.context = ctx;
      return ctx;
    },
  });
  if (persisted) {
    const { validate, schema: graph } = gateway.getEnveloped({});
    checkPersistedOperations(persisted, (document) => validate(graph, document));
  }
  return gateway;
}
