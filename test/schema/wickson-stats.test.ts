import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.resetLedgers();
  stack.fakes.wickson.control.clearFaults();
});

/**
 * The list without `collection_details` (every stats field then needs the detail), optionally
 * naming first a collection the detail endpoint does not know (deleted between the two calls).
 */
function listWithoutDetails(extra: string[] = []) {
  stack.fakes.wickson.control.addFault({
    kind: 'drift',
    route: 'collections.list',
    mutate: (body) => {
      const envelope = body as { data: { collections: string[] } };
      const collections = [...extra, ...envelope.data.collections];
      return { ...envelope, data: { ...envelope.data, collections, collection_details: {} } };
    },
  });
}

const WICKSON_LIST = (stats: string) => `{ collections(filter: { sources: [WICKSON] }, first: 1) {
  edges { node { stats { ${stats} } } } } }`;

describe('Wickson stats that need the detail', () => {
  it('itemCount of a listed collection whose detail is gone (404) is NOT_FOUND, not 0', async () => {
    listWithoutDetails();
    stack.fakes.wickson.control.addFault({
      kind: 'status',
      route: 'collections.detail',
      status: 404,
    });
    const { body } = await stack.query(WICKSON_LIST('itemCount'));
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(body.errors?.[0]?.path).toEqual([
      'collections',
      'edges',
      0,
      'node',
      'stats',
      'itemCount',
    ]);
    expect(JSON.stringify(body.data ?? null)).not.toContain('"itemCount":0');
    expect(stack.calls().routes['wickson:collections.detail']).toBe(1);
  });

  it('mediaTypeDistribution is non-null: a failed detail nulls only that edge node', async () => {
    listWithoutDetails();
    stack.fakes.wickson.control.addFault({
      kind: 'status',
      route: 'collections.detail',
      status: 500,
    });
    const { body } = await stack.query(`{ a: collection(source: BELUGA, sourceId: "21") { name }
      b: collections(filter: { sources: [WICKSON] }, first: 1) { edges { node {
        stats { mediaTypeDistribution { mediaType } } } } } }`);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.path).toEqual([
      'b',
      'edges',
      0,
      'node',
      'stats',
      'mediaTypeDistribution',
    ]);
    // The edge's node is the nearest nullable parent: the sibling root field survives.
    expect(body.data).toEqual({
      a: { name: 'Insectarium, End of every night' },
      b: { edges: [{ node: null }] },
    });
  });

  it('without a fault, the detail gives the real count', async () => {
    listWithoutDetails();
    const { body } = await stack.query(WICKSON_LIST('itemCount'));
    expect(body.errors).toBeUndefined();
    const edges = (
      body.data!.collections as { edges: { node: { stats: { itemCount: number } } }[] }
    ).edges;
    expect(edges[0]!.node.stats.itemCount).toBeGreaterThan(0);
    expect(stack.calls().routes['wickson:collections.detail']).toBe(1);
  });
});
