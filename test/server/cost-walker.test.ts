/**
 * The walker (src/server/cost.ts) on operation shapes the graph does not serve yet: fragments
 * marked @defer and lists marked @stream count like plain selections (execution would make the
 * same calls, later), and a subscription field costs what one of its polls costs.
 */
import SchemaBuilder from '@pothos/core';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { UPSTREAM_CALLS_PLUGIN } from '../../src/schema/cost/plugin.ts';
import { schema } from '../../src/schema/index.ts';
import { predictCalls } from '../../src/server/cost.ts';

const predict = (graph: typeof schema, query: string, variables?: Record<string, unknown>) =>
  predictCalls(graph, parse(query), undefined, variables);

describe('@defer and @stream', () => {
  const plain = `{ collections(first: 3, filter: { sources: [BELUGA] }) { edges { node {
      name ...Dates project { name } } } } }
    fragment Dates on Collection { stats { firstItemDate lastItemDate } }`;

  it('count a deferred fragment like a plain one', () => {
    const expected = { beluga: 8, wickson: 0 };
    expect(predict(schema, plain)).toEqual(expected);
    expect(predict(schema, plain.replace('...Dates', '...Dates @defer'))).toEqual(expected);
    const inline = plain.replace(
      '...Dates',
      '... @defer(label: "dates") { stats { firstItemDate lastItemDate } }',
    );
    expect(predict(schema, inline)).toEqual(expected);
  });

  it('count a streamed list like a plain one, with @skip still honoured', () => {
    const query = `query($skip: Boolean = false) { collection(source: BELUGA, sourceId: "21") {
        jobs @stream(initialCount: 1) { name } stats @skip(if: $skip) { firstItemDate } } }`;
    expect(predict(schema, query)).toEqual({ beluga: 3, wickson: 0 });
    expect(predict(schema, query, { skip: true })).toEqual({ beluga: 2, wickson: 0 });
  });
});

describe('subscription root fields', () => {
  const builder = new SchemaBuilder<{ DefaultFieldNullability: false }>({
    plugins: [UPSTREAM_CALLS_PLUGIN],
    defaultFieldNullability: false,
  });
  const Status = builder.objectRef<{ state: string }>('Status').implement({
    fields: (t) => ({ state: t.exposeString('state') }),
  });
  builder.queryType({
    fields: (t) => ({ ok: t.boolean({ upstreamCalls: { weight: 0 }, resolve: () => true }) }),
  });
  builder.subscriptionType({
    fields: (t) => ({
      jobStatus: t.field({
        type: Status,
        // One poll reads the job's detail.
        upstreamCalls: {
          weight: 1,
          predict: (input) => {
            input.charge('beluga', 1, 'job');
            return [{ holds: 'plain' }];
          },
        },
        subscribe: async function* () {},
        resolve: (status) => status,
      }),
    }),
  });
  const graph = builder.toSchema();

  it('cost one poll', () => {
    expect(predict(graph, 'subscription { jobStatus { state } }')).toEqual({
      beluga: 1,
      wickson: 0,
    });
    expect(predict(graph, 'subscription { a: jobStatus { state } }')).toEqual({
      beluga: 1,
      wickson: 0,
    });
  });
});
