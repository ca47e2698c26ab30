/**
 * The real exporter: a running gateway configured by OTEL_* variables posts its spans over
 * OTLP/HTTP to a local receiver (node:http on 127.0.0.1, ephemeral port). forceFlush makes the
 * export happen now, and resolves once the receiver has answered.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fakes } from '../../../src/fakes/index.ts';
import type { RunningServer } from '../../../src/server/main.ts';
import { createTracing, type Tracing } from '../../../src/server/tracing/provider.ts';
import { type Listening, startListening } from '../../helpers/listening.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpTraces;
}
interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

let receiver: Server;
const received: Received[] = [];
let listening: Listening;
let fakes: Fakes;
let tracing: Tracing | undefined;
let running: RunningServer;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  listening = await startListening(
    {
      NODE_ENV: 'test',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: 'gateway-under-test',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=abc%20123',
    },
    {
      server: (config) => {
        tracing = createTracing(config.tracing);
        return { tracing };
      },
    },
  );
  ({ fakes, running } = listening);
});

afterAll(async () => {
  await listening?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('OTLP/HTTP export', () => {
  it('posts the operation span and its upstream children to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    expect(tracing).toBeDefined();
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Exported { project(sourceId: 23) { name } }' }),
    });
    expect(response.status).toBe(200);
    await tracing?.forceFlush();

    expect(received.length).toBeGreaterThanOrEqual(1);
    for (const post of received) {
      expect(post.path).toBe('/v1/traces');
      expect(post.headers['content-type']).toBe('application/json');
      expect(post.headers['x-collector-key']).toBe('abc 123');
    }
    const resources = received.flatMap((r) => r.body.resourceSpans);
    const serviceNames = resources.map(
      (r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
    );
    expect(new Set(serviceNames)).toEqual(new Set(['gateway-under-test']));
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const server = spans.find((s) => s.name === 'query Exported');
    const client = spans.find((s) => s.name === 'GET /api/v2/projects/{id}/');
    expect(server).toBeDefined();
    expect(client?.traceId).toBe(server?.traceId);
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(client?.attributes).toEqual(
      expect.arrayContaining([{ key: 'http.response.status_code', value: { intValue: 200 } }]),
    );
    const [entry] = fakes.beluga.control.ledger.entries();
    expect(entry?.headers.traceparent).toBe(`00-${client?.traceId}-${client?.spanId}-01`);
  });
});
