import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { closeTestGateways, type TestGateway, testGateway, useTestGateway } from './helpers.ts';

afterEach(closeTestGateways);

const get = (t: TestGateway, path: string, headers: Record<string, string> = {}) =>
  t.gateway.fetch(`http://gateway.test${path}`, { headers });

describe('operations endpoints', () => {
  let shuttingDown = false;
  const health = () => [
    { upstream: 'beluga' as const, breaker: 'closed' as const },
    { upstream: 'wickson' as const, breaker: 'open' as const },
  ];
  // Rendered on the metrics listener in production (metrics-listener.ts), read directly here.
  const metrics = createMetrics({ health });
  const t = useTestGateway(
    {},
    {
      deps: { isShuttingDown: () => shuttingDown, health, metrics },
      beluga: { getCaptureSet: async () => null },
    },
  );

  it('/health is liveness with a JSON body; only the exact path', async () => {
    const res = await get(t, '/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await get(t, '/graphql/health')).status).toBe(404);
  });

  it('/ready is 200, then 503 with a constant body while shutting down', async () => {
    expect((await get(t, '/ready')).status).toBe(200);
    shuttingDown = true;
    const res = await get(t, '/ready');
    shuttingDown = false;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'shutting down' });
  });

  it('metrics count requests per operation and breaker state; the GraphQL port has no /metrics', async () => {
    expect((await get(t, '/metrics')).status).toBe(404);
    await t.post({ query: 'query Named { beluga }', operationName: 'Named' });
    const text = await metrics.render();
    // A stranger (no token Beluga vouched for, no persisted operation) mints no label.
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="other",status="200"\} 1/);
    expect(text).toMatch(/gateway_graphql_request_duration_seconds_count\{operation="other"\} 1/);
    expect(text).toMatch(/gateway_upstream_breaker_state\{upstream="wickson",state="open"\} 1/);
    expect(text).toMatch(/gateway_upstream_breaker_state\{upstream="beluga",state="open"\} 0/);
  });

  it('request id: accepted when sane, replaced when not, returned and logged', async () => {
    const ok = await t.post({ query: '{ version }' }, { 'x-request-id': 'client-id_1.2' });
    expect(ok.headers.get('x-request-id')).toBe('client-id_1.2');
    const bad = await t.post({ query: '{ version }' }, { 'x-request-id': 'x'.repeat(129) });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const evil = await t.post({ query: '{ version }' }, { 'x-request-id': 'a b\u0000' });
    expect(evil.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = t.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.requestId === 'client-id_1.2' && l.msg === 'graphql request');
    expect(line).toMatchObject({
      status: 200,
      upstreamCalls: 0,
      errorCodes: [],
      operation: 'anonymous',
    });
    expect(typeof line.durationMs).toBe('number');
  });

  it('logs one line per GraphQL request with the upstream call count and error codes', async () => {
    await t.post({ query: 'query Two { beluga version }' }, { 'x-request-id': 'count-me' });
    await t.post({ query: '{ nope }' }, { 'x-request-id': 'invalid-one' });
    const lines = t.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'graphql request');
    expect(lines.filter((l) => l.requestId === 'count-me')).toEqual([
      expect.objectContaining({ operation: 'Two', upstreamCalls: 0, status: 200 }),
    ]);
    expect(lines.find((l) => l.requestId === 'invalid-one').errorCodes).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });
});

describe('operation label cardinality', () => {
  it('labels only executed operations and caps distinct names, whatever clients send', async () => {
    const metrics = createMetrics({});
    const t = await testGateway({}, { deps: { metrics } });
    const series = async () =>
      (await metrics.render())
        .split('\n')
        .filter((l) => l.startsWith('gateway_graphql_requests_total{'));
    for (let i = 0; i < 250; i++) {
      await t.post({ query: '{ version }', operationName: `Random${i}x${Math.random() * 1e9}` });
    }
    const unexecuted = await series();
    expect(unexecuted.every((l) => !l.includes('Random'))).toBe(true);
    expect(unexecuted.length).toBeLessThanOrEqual(2);
    for (let i = 0; i < 250; i++) {
      const name = `Op${i}_${Math.floor(Math.random() * 1e9)}`;
      expect(
        (await t.post({ query: `query ${name} { version }`, operationName: name })).status,
      ).toBe(200);
    }
    const lines = await series();
    const labels = new Set(lines.map((l) => /operation="([^"]*)"/.exec(l)?.[1]));
    expect(labels.size).toBeLessThanOrEqual(200 + 3);
    expect(labels.has('other')).toBe(true);
    expect(labels.has('anonymous')).toBe(true);
    const log = t.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'graphql request');
    expect(log.slice(0, 250).every((l) => l.operation === 'anonymous')).toBe(true);
  });
});

describe('CSRF, GraphiQL, introspection', () => {
  const t = useTestGateway();
  it('GET without a preflight header is 403, with one it runs', async () => {
    expect((await get(t, '/graphql?query=%7Bversion%7D')).status).toBe(403);
    const ok = await get(t, '/graphql?query=%7Bversion%7D', { 'x-graphql-yoga-csrf': '1' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      data: { version: '1' },
      extensions: {
        cost: {
          predicted: { beluga: 0, wickson: 0 },
          actual: { beluga: 0, wickson: 0 },
          limit: 150,
        },
      },
    });
  });
  it('POST text/plain and form bodies are rejected', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"query":"{ version }"}',
      });
      expect(res.status).toBe(403);
    }
  });
  it('serves GraphiQL to a browser with the example query', async () => {
    const res = await get(t, '/graphql', { accept: 'text/html' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('collections(first: 5)');
    expect(html).not.toContain('demo-key');
    // Works offline: every asset is inlined, nothing is loaded from a CDN.
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']?https?:/);
  });
  it('GraphiQL off with GRAPHIQL=false', async () => {
    const off = await testGateway({ GRAPHIQL: 'false' });
    const res = await get(off, '/graphql', { accept: 'text/html' });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
  });
  it('introspection on by default, with suggestions', async () => {
    const { body } = await t.post({ query: '{ __schema { queryType { name } } }' });
    expect(body.data.__schema.queryType.name).toBe('Query');
    const typo = await t.post({ query: '{ versio }' });
    expect(typo.body.errors[0].message).toContain('Did you mean');
  });
  it('INTROSPECTION=false blocks __schema and __type and hides suggestions', async () => {
    const off = await testGateway({ INTROSPECTION: 'false' });
    for (const query of [
      '{ __schema { queryType { name } } }',
      '{ __type(name: "Query") { name } }',
    ]) {
      const { status, body } = await off.post({ query });
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
    }
    const typo = await off.post({ query: '{ versio }' });
    expect(typo.body.errors[0].message).not.toContain('version');
    expect(typo.body.errors[0].message).toContain('[Suggestion hidden]');
    expect(off.calls).toEqual([]);
  });
});

describe('logger', () => {
  it('redacts secret headers in any case and scrubs configured values and tokens', () => {
    const lines: string[] = [];
    const config = configFrom({
      WICKSON_API_KEY: 'wk_CANARY_xyz',
      BELUGA_TOKEN: 'server-token-123',
    });
    const logger = createLogger(config, { write: (l: string) => void lines.push(l) });
    logger.info(
      {
        req: {
          headers: {
            Authorization: 'Token 0123456789abcdef',
            'X-Api-Key': 'k1',
            cookie: 'cookie-val',
          },
        },
      },
      'a',
    );
    logger.info({ headers: { 'x-api-key': 'k2' } }, 'b');
    logger.info(
      { deep: { deeper: { note: 'the key is wk_CANARY_xyz and server-token-123' } } },
      'c',
    );
    logger.info(
      { AUTHORIZATION: 'Bearer abcdefghijkl' },
      'Token 0123456789abcdef0123456789abcdef01234567 in a message',
    );
    const text = lines.join('');
    for (const secret of [
      '0123456789abcdef',
      'k1',
      'cookie-val',
      'k2',
      'wk_CANARY_xyz',
      'server-token-123',
      'abcdefghijkl',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
