/**
 * The HTTP edge of the gateway as one yoga plugin: request ids, /health, /ready, the error
 * allowlist on every GraphQL result, one access-log line per request and request metrics
 * (served on their own listener, metrics-listener.ts, never on the GraphQL port). An incremental
 * result (@defer/@stream) gets the same per payload (incremental-payloads.ts), and its request
 * ends, for the log, the metrics and the deadline, when its last payload has gone (delivery.ts).
 *
 * Right after useIdempotency in the plugin list (a replayed answer is the one logged and given a
 * request id), before the rest: a request the door, CSRF or a limit refuses still gets its
 * request id, its log line and its metrics, and its state (request-state.ts) exists for them all.
 */

import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { PartialError } from '../../context.ts';
import type { CallBudget } from '../../upstreams/call-budget.ts';
import { deliver } from '../delivery.ts';
import { sanitizeErrors } from '../errors.ts';
import { GraphQLError, getOperationAST } from '../graphql.ts';
import { type Cleaning, cleanPayload, type Payload } from '../incremental-payloads.ts';
import { type GatewayMetrics, operationLabel } from '../metrics.ts';
import { createRequestState, type createStateStore, type RequestState } from '../request-state.ts';
import { mapStream } from '../stream-map.ts';
import { yogaLogger } from '../yoga-logger.ts';

export interface OperationsOptions {
  config: Config;
  logger: Logger;
  metrics: GatewayMetrics;
  store: ReturnType<typeof createStateStore>;
  isShuttingDown: () => boolean;
  /** Extra facts for /ready's body (the cache store's state); never turns it 503. */
  readiness?: () => Record<string, unknown>;
  now: () => number;
  /** The GraphQL path whose requests are logged and counted as operations. */
  endpoint?: string;
  /** A document from the persisted-operations manifest: its name may become a metrics label. */
  isPersisted?: (document: unknown) => boolean;
}

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

type Result = {
  data?: unknown;
  errors?: readonly unknown[];
  extensions?: Record<string, unknown>;
};

/** `extensions.cost` of every response: predicted and actual upstream calls, and the limit. */
function costExtension(budget: CallBudget | undefined, limit: number) {
  const zero = { beluga: 0, wickson: 0 };
  return {
    predicted: { ...(budget?.predicted ?? zero) },
    actual: { ...(budget?.actual ?? zero) },
    limit,
  };
}

/**
 * Upstream failures a resolver absorbed to answer with partial data, as located errors whose
 * originalError is the UpstreamError: masking turns them into a closed-set code and constant text.
 */
function partialGraphQLErrors(partials: readonly PartialError[]): GraphQLError[] {
  return partials.map(
    ({ error, path, nodes }) =>
      new GraphQLError(error.message, { nodes, path, originalError: error }),
  );
}

export function useOperations(options: OperationsOptions): Plugin {
  const { config, store } = options;
  const endpoint = options.endpoint ?? '/graphql';
  const errorLog = yogaLogger(options.logger);
  const limit = config.limits.maxUpstreamCalls;
  return {
    onRequest({ request, url, endResponse }) {
      stateOf(options, request, url.pathname);
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/ready') endResponse(readiness(options));
    },
    onExecute({ args }) {
      // Only the operation that runs names the request: a client-sent operationName that
      // selects nothing must not mint a log value or a metrics series.
      const request = (args.contextValue as { request?: Request }).request;
      const state = request ? store.get(request) : undefined;
      if (state) {
        state.operation = getOperationAST(args.document, args.operationName)?.name?.value;
        state.executed = true;
        if (options.isPersisted?.(args.document)) state.trusted = true;
      }
    },
    onResultProcess({ request, result, setResult, resultProcessor }) {
      const state = stateOf(options, request);
      if (!isAsyncIterable(result)) {
        setResult(cleanResults(result, state, limit) as never);
        return;
      }
      // A subscription's events (subscribe, not execute) each carry the cost so far; the
      // stream keeps its own lifecycle.
      if (!state.executed) {
        setResult(costedEvents(result, state, limit) as never);
        return;
      }
      const delivery = deliver(
        result as AsyncIterable<Payload>,
        (payload) => cleanPayload(payload, cleaningOf(state, limit, errorLog)),
        request.signal,
      );
      state.delivered = delivery.ended;
      setResult(delivery.payloads as never);
      // No processor accepts it: yoga answers 406 and nothing will read the payloads.
      if (!resultProcessor) delivery.close();
    },
    onResponse({ request, response, setResponse }) {
      const state = stateOf(options, request);
      const final = ownAnswer(state, response);
      if (final !== response) setResponse(final);
      final.headers.set('x-request-id', state.requestId);
      const isGraphQL =
        state.pathname === endpoint && !final.headers.get('content-type')?.includes('text/html');
      const { status } = final;
      const finish = () => finishRequest(options, state, request, status, isGraphQL);
      // An incremental result is logged, counted and let go of once its last payload has gone.
      if (state.delivered) void state.delivered.then(finish);
      else finish();
    },
  };
}

/** The request's state, created by the first hook that sees the request. */
function stateOf(options: OperationsOptions, request: Request, pathname?: string): RequestState {
  let state = options.store.get(request);
  if (!state) {
    state = createRequestState(
      request,
      options.config.requestTimeoutMs,
      options.now,
      pathname ?? new URL(request.url).pathname,
    );
    options.store.set(request, state);
  }
  return state;
}

/** /ready: 503 once shutdown began, else 200 with the extra facts. */
function readiness(options: OperationsOptions): Response {
  return options.isShuttingDown()
    ? json({ status: 'shutting down' }, 503)
    : json({ status: 'ready', ...options.readiness?.() }, 200);
}

/** yoga's built-in liveness answers any path ending in /health; only ours is exact. */
function ownAnswer(state: RequestState, response: Response): Response {
  if (!response.headers.has('x-yoga-id')) return response;
  return state.pathname === '/health'
    ? json({ status: 'ok' }, 200)
    : new Response(null, { status: 404 });
}

/** How an incremental result's payloads are cleaned: ids, absorbed failures, cost, masking. */
function cleaningOf(
  state: RequestState,
  limit: number,
  errorLog: ReturnType<typeof yogaLogger>,
): Cleaning {
  return {
    requestId: state.requestId,
    partials: state.context?.partialErrors ?? [],
    located: partialGraphQLErrors,
    cost: () => costExtension(state.context?.budget, limit),
    sent: (error) => void state.errorCodes.push(String(error.extensions.code)),
    log: (raw) => errorLog.error(raw),
  };
}

/** The end of a request: its deadline and listeners go; a GraphQL one is logged and counted. */
function finishRequest(
  options: Pick<OperationsOptions, 'logger' | 'metrics' | 'now'>,
  state: RequestState,
  request: Request,
  status: number,
  isGraphQL: boolean,
): void {
  const { logger, metrics, now } = options;
  state.dispose();
  // A query or mutation is over here (an incremental one too: this runs after its last payload);
  // a subscription's events still read its context.
  if (state.executed) state.release();
  const path = state.pathname;
  if (!isGraphQL) {
    if (!logger.isLevelEnabled('debug')) return;
    logger.debug(
      { requestId: state.requestId, method: request.method, path, status },
      'http request',
    );
    return;
  }
  const durationMs = now() - state.startedAt;
  const operation = operationLabel(state.operation);
  const { errorCodes, trusted } = state;
  metrics.observeRequest({ operation, status, durationMs, errorCodes, trusted });
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      requestId: state.requestId,
      method: request.method,
      path,
      operation,
      status,
      durationMs: Math.round(durationMs),
      upstreamCalls: state.upstreamCalls(),
      errorCodes: [...new Set(state.errorCodes)],
    },
    'graphql request',
  );
}

/** A subscription's events (subscribe, not execute), each with the cost so far. */
function costedEvents(result: unknown, state: RequestState, limit: number) {
  return mapStream(result as AsyncIterable<Result>, (event) => ({
    ...event,
    extensions: { ...event.extensions, cost: costExtension(state.context?.budget, limit) },
  }));
}

/**
 * A single result (or a batch): the cost extension on each, the request's absorbed failures on
 * the first, every error masked to the closed set and counted for the access log.
 */
function cleanResults(result: unknown, state: RequestState, limit: number): unknown {
  const results = (Array.isArray(result) ? result : [result]) as Result[];
  const partial = partialGraphQLErrors(state.context?.partialErrors.splice(0) ?? []);
  const cost = costExtension(state.context?.budget, limit);
  const cleaned = results.map((r, i) => {
    const withCost = { ...r, extensions: { ...r.extensions, cost } };
    const raw = [...(r.errors ?? []), ...(i === 0 ? partial : [])];
    if (!raw.length) return withCost;
    const errors = sanitizeErrors(raw as never, state.requestId, r.data != null);
    for (const e of errors) state.errorCodes.push(String(e.extensions.code));
    return { ...withCost, errors };
  });
  return Array.isArray(result) ? cleaned : cleaned[0];
}
