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
import { type ClientClaim, type ClientIdInput, createClientId } from './client-id.ts';
import { type ClientLimits, createClientLimits } from './client-limits.ts';
import { corsOptions } from './cors.ts';
import { maskError } from './errors.ts';
import type { GraphQLSchema } from './graphql.ts';
import { mentionsIncremental } from './incremental.ts';
import { lazyChild } from './lazy-logger.ts';
import { createLiveService, type LiveService } from './live.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import {
  createMemoryIdempotencyStore,
  createRedisIdempotencyStore,
  type IdempotencyStore,
} from './plugins/idempotency-store.ts';
import { CallSlots, registerAdmissionMetrics, useAdmission } from './plugins/use-admission.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useClientLimits } from './plugins/use-client-limits.ts';
import { useCompiledExecution } from './plugins/use-compiled-execution.ts';
import { useGraphiQL } from './plugins/use-graphiql.ts';
import { useIdempotency } from './plugins/use-idempotency.ts';
import { useIncrementalDelivery } from './plugins/use-incremental-delivery.ts';
import { useInputGuard } from './plugins/use-input-guard.ts';
import { useLimits } from './plugins/use-limits.ts';
import { useOperations } from './plugins/use-operations.ts';
import {
  checkPersistedOperations,
  loadPersistedOperations,
  type PersistedOperations,
  usePersistedOperations,
} from './plugins/use-persisted-operations.ts';
import { type RequestTracingPlugin, useRequestTracing } from './plugins/use-request-tracing.ts';
import { createStateStore } from './request-state.ts';
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

/** What one gateway's plugins and request contexts share, built once per gateway. */
interface GatewayParts {
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

export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  const parts = gatewayParts(config, deps);
  const gateway = createYoga<Record<string, unknown>, GatewayContext>({
    schema: deps.schema ?? schema,
    graphqlEndpoint: parts.endpoint,
    // GraphiQL is useGraphiQL's: rendered and compressed once per process, not per view.
    graphiql: false,
    landingPage: false,
    batching: false,
    // No Upload scalar: multipart bodies are refused (415) instead of parsed.
    multipart: false,
    // useBodyLimit (last in `plugins`) enforces MAX_BODY_BYTES without yoga's per-request stream.
    maxRequestBodySize: false,
    cors: corsOptions(config.corsOrigins, CSRF_HEADERS),
    logging: yogaLogger(deps.logger),
    maskedErrors: { maskError, isDev: false },
    plugins: gatewayPlugins(config, deps, parts),
    context: requestContext(config, deps, parts),
  });
  if (parts.persisted) {
    const { validate, schema: graph } = gateway.getEnveloped({});
    checkPersistedOperations(parts.persisted, (document) => validate(graph, document));
  }
  return gateway;
}

function gatewayParts(config: Config, deps: GatewayDeps): GatewayParts {
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

/**
 * The plugins in the order yoga runs their hooks (each file's header says why it sits there):
 * 1. compiled execution: its `execute` replaces the engine's; idempotency and admission, which
 *    wrap `execute`, then wrap the compiled one.
 * 2. idempotency: its onResponse swaps in a replayed answer before operations logs it and gives
 *    it a request id; its claim is taken in `execute`, once every check below let the operation
 *    in.
 * 3. operations: creates the request state the others read, answers /health and /ready, and logs,
 *    counts and masks every request, also one refused by any plugin after it.
 * 4. door plugins (the subgraph's router secret): refuse in onRequest, before anything is parsed.
 * 5. request tracing: a span from onParams on, so a document refused later is traced too.
 * 6. GraphiQL: before the CSRF check, since a browser opening the page sends no preflight header.
 * 7. CSRF prevention: a cross-site "simple" request is refused before its document is read.
 * 8. persisted operations: a manifest id becomes its parsed, validated document before parse.
 * 9. incremental delivery: @defer/@stream's rules, and its refusals (406, 400) before any cost
 *    is reserved.
 * 10. limits (armor, introspection, lists, cost): the cost check sets `budget.predicted`, which
 * 11. client limits reserve for the client (429 before any upstream call), and
 * 12. admission sizes its slot by; last of the three, so a refused operation never takes a slot.
 * 13. input guard: its request parsers measure JSON depth before `JSON.parse`.
 * 14. body limit: last, so its byte count wraps whichever parser the input guard chose.
 */
function gatewayPlugins(config: Config, deps: GatewayDeps, parts: GatewayParts): Plugin[] {
  const { persisted, tracing, admission } = parts;
  return [
    ...(config.compileQueriesAfter > 0
      ? [
          useCompiledExecution({
            compileAfter: config.compileQueriesAfter,
            leaveToExecutor: mentionsIncremental,
            onCompiled: parts.metrics.observeCompiled,
          }),
        ]
      : []),
    useIdempotency({
      store: parts.idempotency,
      clientId: parts.clientId,
      logger: deps.logger,
      now: deps.clock,
      lostAfterMs: config.requestTimeoutMs + 10_000,
    }),
    useOperations({
      config,
      logger: deps.logger,
      metrics: parts.metrics,
      store: parts.store,
      now: parts.now,
      endpoint: parts.endpoint,
      ...(persisted ? { isPersisted: persistedDocuments(persisted) } : {}),
      isShuttingDown: deps.isShuttingDown ?? (() => false),
      ...(deps.readiness ? { readiness: deps.readiness } : {}),
    }),
    ...(deps.doorPlugins ?? []),
    ...(tracing ? [tracing] : []),
    ...(config.graphiql ? [useGraphiQL({ endpoint: parts.endpoint })] : []),
    useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
    ...(persisted ? [usePersistedOperations(persisted)] : []),
    ...(deps.incrementalDelivery === false ? [] : useIncrementalDelivery()),
    ...useLimits(config),
    ...(parts.clientLimits ? [clientLimitsPlugin(deps, parts, parts.clientLimits)] : []),
    ...(admission ? [useAdmission(admission)] : []),
    useInputGuard(config.limits.maxInputDepth),
    useBodyLimit(config.limits.maxBodyBytes),
  ];
}

function clientLimitsPlugin(deps: GatewayDeps, parts: GatewayParts, limits: ClientLimits): Plugin {
  return useClientLimits({
    limits,
    clientId: parts.clientId,
    vouched: parts.vouched,
    onVouchedClient: (request) => {
      const state = parts.store.get(request);
      if (state) state.trusted = true;
    },
    logger: deps.logger,
  });
}

const persistedDocuments = (persisted: PersistedOperations) => {
  const documents = new Set<unknown>(persisted.documents.values());
  return (document: unknown) => documents.has(document);
};

const wicksonRemaining = (deps: GatewayDeps) => deps.wicksonBudget?.().remaining ?? Infinity;

/** yoga's context factory: each request's context over the state useOperations created. */
function requestContext(config: Config, deps: GatewayDeps, parts: GatewayParts) {
  const onCall = (record: CallRecord) => {
    parts.metrics.observeCall(record);
    deps.onCall?.(record);
  };
  return ({ request, req }: { request: Request; req?: unknown }): GatewayContext => {
    const state = parts.store.get(request);
    if (!state) throw new Error('request state missing: operations plugin did not run');
    const { live } = parts;
    const ctx = createRequestContext({
      config,
      clients: deps.clients,
      logger: lazyChild(deps.logger, { requestId: state.requestId }),
      requestId: state.requestId,
      authorization: request.headers.get('authorization') ?? undefined,
      signal: state.signal,
      onCall,
      onCallStart: parts.tracing?.onCallStart(request),
      createLoaders: deps.loaders,
      ...(live
        ? { live: liveAccess(parts, live, request, req as IncomingMessage | undefined) }
        : {}),
    });
    state.context = ctx;
    return ctx;
  };
}

/** The caller's place in the watch hub: its client as the per-client limits know it. */
function liveAccess(
  parts: GatewayParts,
  service: LiveService,
  request: Request,
  req?: IncomingMessage,
) {
  const { clientId, vouched } = parts;
  // Worked out on first read (a subscription's), not for every query: it hashes the token.
  let claim: ClientClaim | undefined;
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
}
