/**
 * createGateway(config, deps) → a yoga instance. No listen, no process.env: main.ts and the
 * tests own those. Tests call `gateway.fetch(...)` without a port.
 */
import type { IncomingMessage } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { createRequestContext, type GatewayContext } from '../context.ts';
import { schema } from '../schema/index.ts';
import type { CallRecord } from '../upstreams/types.ts';
import type { ClientClaim } from './client-id.ts';
import type { ClientLimits } from './client-limits.ts';
import { corsOptions } from './cors.ts';
import { maskError } from './errors.ts';
import { type GatewayDeps, type GatewayParts, gatewayParts } from './gateway-parts.ts';
import { mentionsIncremental } from './incremental.ts';
import { lazyChild } from './lazy-logger.ts';
import type { LiveService } from './live.ts';
import { useAdmission } from './plugins/use-admission.ts';
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
  type PersistedOperations,
  usePersistedOperations,
} from './plugins/use-persisted-operations.ts';
import { yogaLogger } from './yoga-logger.ts';

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** Header names that count as a CSRF preflight marker on "simple" requests. */
export const CSRF_HEADERS = [
  'x-graphql-yoga-csrf',
  'graphql-require-preflight',
  'apollo-require-preflight',
];

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
 * 10. limits (armor, introspection, lists, cost): refuse before execution; the cost check sets
 *     `budget.predicted`, which the next two read.
 * 11. client limits: reserve the predicted calls for the client (429 before any upstream call).
 * 12. admission: a slot sized by the prediction, taken last, so a refused operation holds none.
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
            compilesPerMinute: config.compileQueriesPerMinute,
            now: parts.now,
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
      // Its signal is read on the first upstream call: a request answered from the cache never makes it.
      aborts: state,
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
    // A getter: the fetch API's Request makes its AbortSignal on first read.
    get signal() {
      return request.signal;
    },
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
