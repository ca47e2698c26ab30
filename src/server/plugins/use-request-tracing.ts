/**
 * One SERVER span per GraphQL request, continued from the caller's W3C `traceparent`, and one
 * CLIENT child per upstream call whose context goes upstream as `traceparent`. Attributes carry
 * names, route templates, statuses and codes only: never a document, body, header or credential.
 */
import {
  type Attributes,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '@opentelemetry/semantic-conventions';
import type { Plugin } from 'graphql-yoga';
import type { CallObserver, CallStart } from '../../upstreams/types.ts';
import { getOperationAST } from '../graphql.ts';
import type { createStateStore, RequestState } from '../request-state.ts';
import type { Tracing } from '../tracing/provider.ts';

// Incubating semantic conventions, copied as the OpenTelemetry docs advise.
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_URL_TEMPLATE = 'url.template';
// The gateway's own.
const ATTR_UPSTREAM = 'gateway.upstream';
const ATTR_ATTEMPTS = 'gateway.upstream.attempts';
const ATTR_CACHE = 'gateway.cache';
const ATTR_ERROR_CODES = 'gateway.graphql.error_codes';
const ATTR_REQUEST_ID = 'gateway.request_id';
const ATTR_UPSTREAM_CALLS = 'gateway.upstream_calls';

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export interface RequestTracingOptions {
  /** The OpenTelemetry tracer (tracing/provider.ts). */
  tracing: Tracing;
  /** The request states (request-state.ts): the request id, error codes and calls at the end. */
  store: ReturnType<typeof createStateStore>;
}

/** The yoga plugin, and the upstream-call hook the request's scope is given (context.ts). */
export interface RequestTracingPlugin extends Plugin {
  /** The upstream-call hook for one request's scope: a child span per call. */
  onCallStart(request: Request): (call: CallStart) => CallObserver;
}

export function useRequestTracing(options: RequestTracingOptions): RequestTracingPlugin {
  const { tracing, store } = options;
  const { tracer } = tracing;
  const spans = new WeakMap<Request, Span>();

  return {
    // onParams runs for GraphQL requests only (not /health, /metrics or GraphiQL's page), and
    // before any document is parsed, so refused documents are traced too.
    onParams({ request }) {
      if (spans.has(request)) return;
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
      const span = tracer.startSpan(
        'GraphQL Operation',
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method } },
        parent,
      );
      spans.set(request, span);
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const span = request && spans.get(request);
      const operation = span && getOperationAST(args.document, args.operationName);
      if (!span || !operation) return;
      const name = operation.name?.value;
      span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
      span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
      if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
    },
    onResponse({ request, response }) {
      const span = spans.get(request);
      if (!span) return;
      const state = store.get(request);
      const end = () => {
        spans.delete(request);
        endOperation(span, state, response);
      };
      // An incremental result (@defer/@stream) is traced until its last payload has gone: the
      // calls of its deferred parts are children of this span too.
      if (state?.delivered) void state.delivered.then(end);
      else end();
    },
    onCallStart:
      (request: Request) =>
      (call: CallStart): CallObserver =>
        startCallSpan(tracer, spans.get(request), call),
  };
}

/** Ends the operation span with the request's status, upstream calls and error codes. */
function endOperation(span: Span, state: RequestState | undefined, response: Response) {
  const codes = [...new Set(state?.errorCodes ?? [])];
  const attributes: Attributes = {
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: response.status,
    [ATTR_UPSTREAM_CALLS]: state?.upstreamCalls() ?? 0,
  };
  if (state) attributes[ATTR_REQUEST_ID] = state.requestId;
  if (codes.length) attributes[ATTR_ERROR_CODES] = codes;
  span.setAttributes(attributes);
  if (codes.length || response.status >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(' ') || undefined });
  }
  span.end();
}

/** A client span per upstream call, child of the operation's; its context goes out in headers. */
function startCallSpan(
  tracer: Tracer,
  parentSpan: Span | undefined,
  call: CallStart,
): CallObserver {
  const parent = parentSpan ? trace.setSpan(ROOT_CONTEXT, parentSpan) : ROOT_CONTEXT;
  const span = tracer.startSpan(
    `${call.method} ${call.route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: call.method,
        [ATTR_URL_TEMPLATE]: call.route,
        [ATTR_UPSTREAM]: call.upstream,
        ...(call.cache ? { [ATTR_CACHE]: call.cache } : {}),
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  return {
    headers,
    end(record) {
      const attributes: Attributes = { [ATTR_ATTEMPTS]: record.attempts };
      if (record.status !== undefined) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = record.status;
      if (record.attempts > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = record.attempts - 1;
      if (record.errorCode) {
        attributes[ATTR_ERROR_TYPE] = record.errorCode;
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCode });
      }
      span.setAttributes(attributes);
      span.end();
    },
  };
}
