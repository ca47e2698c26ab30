/**
 * Traces through the whole stack with an in-memory exporter: one SERVER span per GraphQL
 * request, one CLIENT child per upstream call (counted against the fakes' ledger), and the W3C
 * `traceparent` each fake received naming that child.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../../src/config.ts';
import { FAKE_MEMBER_TOKEN, type LedgerEntry } from '../../../src/fakes/index.ts';
import { createTracing } from '../../../src/server/tracing/provider.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

const exporter = new InMemorySpanExporter();
const tracing = createTracing(configFrom({}).tracing, { exporter });
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ tracing });
});
afterAll(async () => {
  await stack?.close();
  await tracing?.shutdown();
});
beforeEach(() => {
  exporter.reset();
  stack.resetLedgers();
  stack.fakes.wickson.control.clearFaults();
});

const ledger = (): LedgerEntry[] => [
  ...stack.fakes.beluga.control.ledger.entries(),
  ...stack.fakes.wickson.control.ledger.entries(),
];

function spans() {
  const all = exporter.getFinishedSpans();
  const servers = all.filter((s) => s.kind === SpanKind.SERVER);
  expect(servers).toHaveLength(1);
  const server = servers[0] as ReadableSpan;
  return { server, clients: all.filter((s) => s.kind === SpanKind.CLIENT), all };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;

describe('tracing', () => {
  it('one operation span, one child per upstream call, traceparent on every upstream request', async () => {
    const { body } = await stack.query(
      'query Both { collections(first: 3) { edges { node { name project { name } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const { server, clients } = spans();
    expect(server.name).toBe('query Both');
    expect(server.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Both',
      'http.response.status_code': 200,
    });
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.parentSpanContext).toBeUndefined();

    const entries = ledger();
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(clients).toHaveLength(entries.length);
    expect(server.attributes['gateway.upstream_calls']).toBe(entries.length);
    const traceId = server.spanContext().traceId;
    for (const client of clients) {
      expect(client.spanContext().traceId).toBe(traceId);
      expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(client.name).toBe(`GET ${client.attributes['url.template']}`);
      expect(client.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'gateway.upstream.attempts': 1,
      });
      expect(String(client.attributes['url.template'])).toMatch(/^\/(api\/v2|v1)\//);
    }
    // Each upstream request carried the traceparent of its own call span.
    const sent = entries.map((e) => e.headers.traceparent?.match(TRACEPARENT));
    for (const match of sent) expect(match?.[1]).toBe(traceId);
    expect(new Set(sent.map((m) => m?.[2]))).toEqual(
      new Set(clients.map((c) => c.spanContext().spanId)),
    );
    expect(new Set(clients.map((c) => c.attributes['gateway.upstream']))).toEqual(
      new Set(['beluga', 'wickson']),
    );
  });

  it('continues the caller’s trace', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    await stack.query('query One { project(sourceId: 23) { name } }', undefined, {
      traceparent: `00-${callerTrace}-${callerSpan}-01`,
    });
    const { server, clients } = spans();
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.parentSpanContext?.spanId).toBe(callerSpan);
    expect(clients).toHaveLength(1);
    // The route template, not the raw path.
    expect(clients[0]?.name).toBe('GET /api/v2/projects/{id}/');
    const [entry] = ledger();
    expect(entry?.path).toContain('/23/');
    expect(entry?.headers.traceparent).toBe(
      `00-${callerTrace}-${clients[0]?.spanContext().spanId}-01`,
    );
  });

  it('a caller’s unsampled trace records nothing but still goes upstream, unsampled', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    await stack.query('query One { project(sourceId: 23) { name } }', undefined, {
      traceparent: `00-${callerTrace}-b7ad6b7169203331-00`,
    });
    expect(exporter.getFinishedSpans()).toEqual([]);
    const [entry] = ledger();
    expect(entry?.headers.traceparent?.match(TRACEPARENT)?.slice(1)).toEqual([
      callerTrace,
      expect.any(String),
      '0',
    ]);
  });

  it('records failures: status, error code and attempts on the call, codes on the operation', async () => {
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    const { body } = await stack.query(
      'query W { collections(first: 2, filter: { sources: [WICKSON] }) { totalCount } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const { server, clients } = spans();
    expect(server.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_UNAVAILABLE' });
    expect(server.attributes['gateway.graphql.error_codes']).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(clients).toHaveLength(1);
    const attempts = stack.fakes.wickson.control.ledger.count();
    expect(attempts).toBe(2);
    expect(clients[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(clients[0]?.attributes).toMatchObject({
      'error.type': 'UPSTREAM_UNAVAILABLE',
      'http.response.status_code': 503,
      'gateway.upstream.attempts': 2,
      'http.request.resend_count': 1,
    });
    // Both attempts of the one call carry the same traceparent.
    const sent = stack.fakes.wickson.control.ledger.entries().map((e) => e.headers.traceparent);
    expect(new Set(sent).size).toBe(1);
  });

  it('a refused document gets an operation span with its code and no children', async () => {
    const { body } = await stack.query('{ nope }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const { server, all } = spans();
    expect(all).toHaveLength(1);
    expect(server.name).toBe('GraphQL Operation');
    expect(server.attributes['gateway.graphql.error_codes']).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('never carries tokens, keys, documents or bodies', async () => {
    const document = 'query Secretive { collections(first: 2) { edges { node { name } } } }';
    await stack.query(document, undefined, { authorization: `Token ${FAKE_MEMBER_TOKEN}` });
    const text = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
        resource: s.resource.attributes,
      })),
    );
    expect(text).not.toContain(FAKE_MEMBER_TOKEN);
    expect(text).not.toContain(stack.config.wickson.apiKey);
    expect(text).not.toContain('edges');
    expect(text).not.toMatch(/authorization|x-api-key|"name":"[^"]*\?/i);
    // Upstreams get the trace context and nothing else from tracing.
    const added = ledger()
      .flatMap((e) => Object.keys(e.headers))
      .filter((h) => h.startsWith('trace'));
    expect(new Set(added)).toEqual(new Set(['traceparent']));
  });
});

describe('tracing off', () => {
  let plain: Stack;
  beforeAll(async () => {
    plain = await startStack();
  });
  afterAll(() => plain?.close());

  it('no endpoint: no tracer, and upstreams receive no traceparent (not even the caller’s)', async () => {
    expect(createTracing(configFrom({}).tracing)).toBeUndefined();
    expect(
      createTracing(
        configFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' })
          .tracing,
      ),
    ).toBeUndefined();
    await plain.query('{ project(sourceId: 23) { name } }', undefined, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const entries = plain.fakes.beluga.control.ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.headers.traceparent).toBeUndefined();
  });
});

describe('tracing with the shared cache on', () => {
  const cachedExporter = new InMemorySpanExporter();
  const cachedTracing = createTracing(configFrom({}).tracing, { exporter: cachedExporter });
  let cached: Stack;
  beforeAll(async () => {
    cached = await startStack({ tracing: cachedTracing, config: { WICKSON_CACHE_TTL_S: '60' } });
  });
  afterAll(async () => {
    await cached?.close();
    await cachedTracing?.shutdown();
  });

  const clientSpans = () => {
    const found = cachedExporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    cachedExporter.reset();
    return found.map((s) => s.attributes);
  };
  const WICKSON = '{ collection(source: WICKSON, sourceId: "research_papers") { name } }';

  it('a call that went upstream is a miss; the answer served from the cache is a hit span', async () => {
    await cached.query(WICKSON);
    expect(clientSpans()).toEqual([
      expect.objectContaining({ 'gateway.cache': 'miss', 'gateway.upstream.attempts': 1 }),
    ]);
    cached.resetLedgers();
    await cached.query(WICKSON);
    expect(cached.calls().wickson).toBe(0);
    expect(clientSpans()).toEqual([
      expect.objectContaining({
        'gateway.cache': 'hit',
        'gateway.upstream.attempts': 0,
        'url.template': '/v1/media/collections/{id}',
      }),
    ]);
  });
});
