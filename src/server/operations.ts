/**
 * The HTTP edge of the gateway as one yoga plugin: request ids, /health, /ready, the error
 * allowlist on every GraphQL result, one access-log line per request and request metrics
 * (served on their own listener, metrics-listener.ts, never on the GraphQL port).
 */

import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { PartialError } from '../context.ts';
import type { CallBudget } from '../upstreams/call-budget.ts';
import { sanitizeErrors } from './errors.ts';
import { GraphQLError, getOperationAST } from './graphql.ts';
import { type GatewayMetrics, operationLabel } from './metrics.ts';
import { createRequestState, type createStateStore, type RequestState } from './request-state.ts';

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

export function operationsPlugin(options: OperationsOptions): Plugin {
  const { config, logger, metrics, store, now } = options;
  const endpoint = options.endpoint ?? '/graphql';
  const stateOf = (request: Request, pathname?: string): RequestState => {
    let state = store.get(request);
    if (!state) {
      state = createRequestState(
        request,
        config.requestTimeoutMs,
        now,
        pathname ?? new URL(request.url).pathname,
      );
      store.set(request, state);
    }
    return state;
  };

  return {
    onRequest({ request, url, endResponse }) {
      stateOf(request, url.pathname);
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/ready') {
        endResponse(
          options.isShuttingDown()
            ? json({ status: 'shutting down' }, 503)
            : json({ status: 'ready', ...options.readiness?.() }, 200),
        );
      }
    },
    onExecute({ args }) {
      // Only the operation that runs names the request: a client-sent operationName that
      // selects nothing must not mint a log value or a metrics series.
      const request = (args.contextValue as { request?: Request }).request;
      const state = request ? store.get(request) : undefined;
      if (state) {
        state.operation = getOperationAST(args.document, args.operationName)?.name?.value;
      }
    },
    onResultProcess({ request, result, setResult }) {
      const state = stateOf(request);
      const results = (Array.isArray(result) ? result : [result]) as Result[];
      if (results.some((r) => typeof (r as object)[Symbol.asyncIterator as never] === 'function'))
        return;
      const partial = partialGraphQLErrors(state.partialErrors?.splice(0) ?? []);
      const cost = costExtension(state.budget, config.limits.maxUpstreamCalls);
      const cleaned = results.map((r, i) => {
        const withCost = { ...r, extensions: { ...r.extensions, cost } };
        const raw = [...(r.errors ?? []), ...(i === 0 ? partial : [])];
        if (!raw.length) return withCost;
        const errors = sanitizeErrors(raw as never, state.requestId, r.data != null);
        for (const e of errors) state.errorCodes.push(String(e.extensions.code));
        return { ...withCost, errors };
      });
      setResult((Array.isArray(result) ? cleaned : cleaned[0]) as never);
    },
    onResponse({ request, response, setResponse }) {
      const state = stateOf(request);
      const path = state.pathname;
      state.dispose();
      let final = response;
      if (response.headers.has('x-yoga-id')) {
        // yoga's built-in liveness answers any path ending in /health; only ours is exact.
        final =
          path === '/health' ? json({ status: 'ok' }, 200) : new Response(null, { status: 404 });
        setResponse(final);
      }
      final.headers.set('x-request-id', state.requestId);
      const isGraphQL =
        path === endpoint && !final.headers.get('content-type')?.includes('text/html');
      const durationMs = now() - state.startedAt;
      if (!isGraphQL) {
        if (!logger.isLevelEnabled('debug')) return;
        logger.debug(
          {
            requestId: state.requestId,
            method: request.method,
            path,
            status: final.status,
          },
          'http request',
        );
        return;
      }
      const operation = operationLabel(state.operation);
      metrics.observeRequest({
        operation,
        status: final.status,
        durationMs,
        errorCodes: state.errorCodes,
      });
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          requestId: state.requestId,
          method: request.method,
          path,
          operation,
          status: final.status,
          durationMs: Math.round(durationMs),
          upstreamCalls: state.calls?.length ?? 0,
          errorCodes: [...new Set(state.errorCodes)],
        },
        'graphql request',
      );
    },
  };
}
