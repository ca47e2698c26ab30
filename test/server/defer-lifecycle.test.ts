/**
 * An incremental result is one request from its first byte to its last payload: it is logged and
 * counted in the metrics once, at its end, with every upstream call it made; and the request
 * deadline (REQUEST_TIMEOUT_MS) bounds the whole stream, not just the first payload. A
 * subscription, the other kind of stream, keeps the lifecycle it had.
 */
import { GraphQLBoolean, GraphQLNonNull, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.ts';
import { CALLS_EXTENSION } from '../../src/schema/cost/plugin.ts';
import { free } from '../../src/schema/cost/types.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import {
  BFF_DEFERRED,
  createGate,
  gatedGateway,
  gatewayOver,
  payloads,
  readAll,
  requestLines,
  send,
} from './defer-helpers.ts';

describe('the access log and metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { REQUEST_TIMEOUT_MS: '10000' } });
  });
  afterAll(() => stack.close());

  it('count a deferred request once, at its end, with all its calls', async () => {
    const gate = createGate();
    const metrics = createMetrics({});
    const gateway = gatedGateway(stack, gate, { metrics });
    const counted = async () =>
      (await metrics.render()).match(/^gateway_graphql_requests_total\{[^}]*\} (\d+)$/m)?.[1];
    stack.logs.length = 0;
    stack.resetLedgers();

    const stream = payloads(await send(gateway, BFF_DEFERRED, 'multipart/mixed'));
    await stream.next();
    expect(requestLines(stack.logs)).toEqual([]);
    expect(await counted()).toBeUndefined();

    gate.open();
    for await (const _ of stream);
    const lines = requestLines(stack.logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 200, upstreamCalls: 7, errorCodes: [] });
    expect(stack.calls()).toMatchObject({ beluga: 2, wickson: 5 });
    expect(await counted()).toBe('1');
  });
});

describe('the request deadline', () => {
  let stack: Stack;
  beforeAll(async () => {
    // An upstream call alone would wait a minute: only the request deadline can end it sooner.
    stack = await startStack({
      config: { REQUEST_TIMEOUT_MS: '3000', UPSTREAM_TIMEOUT_MS: '60000' },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetFakes());

  it('ends a stream whose deferred part is still waiting, with UPSTREAM_TIMEOUT', async () => {
    stack.fakes.wickson.control.addFault({ kind: 'hang', route: 'collections.list' });
    stack.logs.length = 0;
    const response = await send(stack.gateway, BFF_DEFERRED, 'text/event-stream');
    const all = await readAll(response);

    expect(Object.keys(all[0]?.data ?? {})).toEqual(['sets']);
    const last = all.at(-1);
    expect(last?.hasNext).toBe(false);
    expect(last?.incremental?.[0]).toMatchObject({
      data: null,
      path: [],
      errors: [{ path: ['media'], extensions: { code: 'UPSTREAM_TIMEOUT' } }],
    });
    // The list call that hung reached Wickson: it counts.
    expect(last?.extensions?.cost).toMatchObject({ actual: { beluga: 2, wickson: 1 } });
    expect(requestLines(stack.logs)).toMatchObject([{ errorCodes: ['UPSTREAM_TIMEOUT'] }]);
  });
});

describe('a subscription', () => {
  // A stream that is not an incremental result: the request deadline must not cut it.
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { REQUEST_TIMEOUT_MS: '100' } });
  });
  afterAll(() => stack.close());

  it('keeps its upstream scope past REQUEST_TIMEOUT_MS, as before', async () => {
    let next: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      next = resolve;
    });
    const Tick = new GraphQLObjectType({
      name: 'Tick',
      fields: {
        aborted: {
          type: new GraphQLNonNull(GraphQLBoolean),
          extensions: { [CALLS_EXTENSION]: free },
        },
      },
    });
    // A subscription is costed like a query (src/server/plugins/use-limits.ts): every field
    // declares calls.
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          ok: {
            type: GraphQLBoolean,
            resolve: () => true,
            extensions: { [CALLS_EXTENSION]: free },
          },
        },
      }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: {
          tick: {
            type: new GraphQLNonNull(Tick),
            extensions: { [CALLS_EXTENSION]: free },
            async *subscribe(_root, _args, ctx: GatewayContext) {
              yield { tick: { aborted: ctx.scope.signal?.aborted ?? false } };
              await released;
              yield { tick: { aborted: ctx.scope.signal?.aborted ?? false } };
            },
          },
        },
      }),
    });
    const gateway = gatewayOver(stack, { schema });
    const stream = payloads(
      await send(gateway, 'subscription { tick { aborted } }', 'text/event-stream'),
    );
    expect((await stream.next()).value).toMatchObject({ data: { tick: { aborted: false } } });
    // Timers fire in order: the 100 ms deadline, had it been kept, fires before this one.
    await new Promise((r) => setTimeout(r, 300));
    next();
    expect((await stream.next()).value).toMatchObject({ data: { tick: { aborted: false } } });
    expect((await stream.next()).done).toBe(true);
  });
});
