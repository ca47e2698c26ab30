/**
 * MAX_UPSTREAM_CALLS under default settings: the attacks from issue 12 are refused before any
 * upstream call with their prediction in the message; the backend-for-frontend query runs with
 * its exact calls; past the cap at run time, further upstream reads fail and the rest stands.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { plainLoaders } from '../helpers/plain-loaders.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetLedgers());

const costOf = (body: unknown) =>
  (body as { extensions: { cost: Record<string, unknown> } }).extensions.cost;

async function expectRefused(
  query: string,
  variables: Record<string, unknown> | undefined,
  predicted: { beluga: number; wickson: number },
) {
  const { status, body } = await stack.query(query, variables);
  const total = predicted.beluga + predicted.wickson;
  expect(status).toBe(200); // application/json: request errors keep 200 (graphql-over-http)
  expect(body.data).toBeUndefined();
  expect(body.errors).toEqual([
    {
      message: `This query could make ${total.toLocaleString('en-US')} upstream calls; the limit is 150.`,
      extensions: { code: 'COST_LIMIT_EXCEEDED', requestId: expect.any(String) },
    },
  ]);
  expect(costOf(body)).toEqual({ predicted, actual: { beluga: 0, wickson: 0 }, limit: 150 });
  expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
}

describe('attacks are refused before any upstream call', () => {
  it('the jobs status × type fan-out over 100 projects', async () => {
    const fields = Array.from(
      { length: 16 },
      (_, k) =>
        `${k ? `j${k}: ` : ''}jobs(first: ${k + 1}, status: [CREATED, PENDING, STARTED, SUCCESS], type: [ML, POPULATE_CAPTURES_COLLECTION, DATA_STORAGE_SYNC]) { __typename }`,
    ).join(' ');
    // 1 projects list + 100 projects × 16 pages × 12 (status, type) pairs
    await expectRefused(`{ projects(first: 100) { edges { node { ${fields} } } } }`, undefined, {
      beluga: 19_201,
      wickson: 0,
    });
  });

  it('the README example: every (status, type) pair of every project', async () => {
    await expectRefused(
      '{ projects(first: 100) { edges { node { jobs(status: [CREATED, PENDING, STARTED, SUCCESS], type: [ML, POPULATE_CAPTURES_COLLECTION, DATA_STORAGE_SYNC]) { totalCount } } } } }',
      undefined,
      { beluga: 1201, wickson: 0 },
    );
  });

  it('sixteen nodes(ids:) of 100 made-up Wickson ids each', async () => {
    const variables: Record<string, string[]> = {};
    for (let k = 0; k < 16; k++) {
      variables[`i${k}`] = Array.from({ length: 100 }, (_, i) =>
        encodeGlobalId('Collection', `WICKSON:made_up_${k}_${i}`),
      );
    }
    const defs = Object.keys(variables)
      .map((name) => `$${name}: [ID!]!`)
      .join(', ');
    const fields = Object.keys(variables)
      .map((name, k) => `${k ? `${name}: ` : ''}nodes(ids: $${name}) { __typename }`)
      .join(' ');
    await expectRefused(`query(${defs}) { ${fields} }`, variables, { beluga: 0, wickson: 1600 });
  });

  it('a page size that only a variable default sets', async () => {
    const query = `query($n: Int = 100) { collections(first: $n) { edges { node { stats { firstItemDate lastItemDate } } } } }`;
    // Beluga: 1 list + 100 sets × 2 capture dates; Wickson: 1 list + 100 details
    await expectRefused(query, undefined, { beluga: 201, wickson: 101 });
    const small = await stack.query(query, { n: 3 });
    expect(small.body.errors).toBeUndefined();
    // The merged page of 3 holds capture sets only (names sort before Wickson's): no details.
    expect(costOf(small.body)).toEqual({
      predicted: { beluga: 7, wickson: 4 },
      actual: { beluga: 7, wickson: 1 },
      limit: 150,
    });
    expect(stack.calls()).toMatchObject({ beluga: 7, wickson: 1 });
  });
});

describe('the backend-for-frontend query', () => {
  it('runs under default settings with its exact calls', async () => {
    const { status, body } = await stack.query(`{
      sets: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) {
        edges { node { id name project { sourceId name } } }
      }
      media: collections(first: 100, filter: { sources: [WICKSON] }) {
        edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } }
      }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const data = body.data as Record<string, { edges: unknown[] }>;
    expect(data.sets!.edges).toHaveLength(50);
    expect(data.media!.edges).toHaveLength(4);
    expect(stack.calls().routes).toEqual({
      'beluga:collections.list': 1,
      'beluga:projects.list': 1,
      'wickson:collections.list': 1,
      'wickson:collections.detail': 4,
    });
    // Predicted: Wickson's page of 100 could hold 100 collections, each needing its detail.
    expect(costOf(body)).toEqual({
      predicted: { beluga: 2, wickson: 101 },
      actual: { beluga: 2, wickson: 5 },
      limit: 150,
    });
  });
});

describe('the runtime cap', () => {
  it('fails upstream reads past MAX_UPSTREAM_CALLS and keeps the rest of the response', async () => {
    // Loaders without batching load each project by itself: more calls than the prediction,
    // which describes the gateway's own loaders. That is the prediction error the cap bounds.
    const baseline = await startStack({
      config: { MAX_UPSTREAM_CALLS: '5' },
      gateway: { loaders: plainLoaders },
    });
    try {
      const { status, body } = await baseline.query(
        '{ collections(first: 10, filter: { sources: [BELUGA] }) { edges { node { name project { name } } } } }',
      );
      expect(status).toBe(200);
      const edges = (body.data as { collections: { edges: { node: unknown }[] } }).collections
        .edges;
      expect(edges).toHaveLength(10);
      const projects = edges.map((e) => (e.node as { project: unknown }).project);
      expect(projects.filter((p) => p !== null)).toHaveLength(4);
      const codes = body.errors?.map((e) => e.extensions?.code);
      expect(codes).toEqual(Array.from({ length: 6 }, () => 'COST_LIMIT_EXCEEDED'));
      expect(body.errors?.[0]?.message).toBe(
        'The request reached its limit of upstream calls; this field was not fetched.',
      );
      expect(baseline.calls()).toMatchObject({ beluga: 5, wickson: 0 });
      expect(costOf(body)).toEqual({
        predicted: { beluga: 2, wickson: 0 },
        actual: { beluga: 5, wickson: 0 },
        limit: 5,
      });
    } finally {
      await baseline.close();
    }
  });
});
