/**
 * A deferred request is one operation span from its first byte to its last payload: it ends
 * after every upstream call span of the deferred part, and counts all of them.
 */
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { createTracing } from '../../src/server/tracing/provider.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { BFF_DEFERRED, createGate, gatedGateway, payloads, send } from './defer-helpers.ts';

const exporter = new InMemorySpanExporter();
const tracing = createTracing(configFrom({}).tracing, { exporter });
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ tracing, config: { REQUEST_TIMEOUT_MS: '10000' } });
});
afterAll(async () => {
  await stack.close();
  await tracing?.shutdown();
});

const ended = (span: ReadableSpan) => span.endTime[0] * 1e9 + span.endTime[1];

it('the operation span covers the deferred part and its calls', async () => {
  const gate = createGate();
  const gateway = gatedGateway(stack, gate, { tracing });
  exporter.reset();
  const stream = payloads(await send(gateway, BFF_DEFERRED, 'multipart/mixed'));
  await stream.next();
  expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toEqual([]);
  gate.open();
  for await (const _ of stream);

  const all = exporter.getFinishedSpans();
  const [server, ...others] = all.filter((s) => s.kind === SpanKind.SERVER);
  const clients = all.filter((s) => s.kind === SpanKind.CLIENT);
  expect(others).toEqual([]);
  expect(clients).toHaveLength(7);
  expect(server?.attributes['gateway.upstream_calls']).toBe(7);
  for (const client of clients) {
    expect(client.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(ended(client)).toBeLessThanOrEqual(ended(server as ReadableSpan));
  }
});
