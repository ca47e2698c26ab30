/**
 * `_entities` on /subgraph is costed like `nodes(ids:)`: predicted per representation and
 * selection, at least what it calls, refused over MAX_UPSTREAM_CALLS before any call, and
 * admitted under MAX_CONCURRENT_CALLS for what it predicts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.ts';
import { SUBGRAPH_PATH } from '../../src/server/subgraph.ts';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';
import { subgraphOver } from '../helpers/subgraph.ts';

interface Cost {
  predicted: { beluga: number; wickson: number };
  actual: { beluga: number; wickson: number };
}

let stack: Stack;
let subgraph: Gateway;
beforeAll(async () => {
  stack = await startStack({ config: { MAX_CONCURRENT_CALLS: '100' } });
  subgraph = subgraphOver(stack);
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.resetFakes();
});

async function post(query: string, variables: Record<string, unknown>) {
  const response = await subgraph.fetch(`http://gateway.test${SUBGRAPH_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLBody & { extensions: { cost: Cost } };
  return { status: response.status, body, cost: body.extensions.cost };
}

const ENTITIES = (selection: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
const wicksonSets = (names: readonly string[]) =>
  names.map((sourceId) => ({ __typename: 'Collection', source: 'WICKSON', sourceId }));
const ghosts = Array.from({ length: 100 }, (_, i) => `ghost_${i}`);

describe('_entities is predicted per representation and selection', () => {
  it('100 Wickson collections selecting their media types: 100 detail calls, all predicted', async () => {
    const names = [...ghosts.slice(0, 96), 'default', 'research_papers', 'product_images'];
    const { body, cost } = await post(
      ENTITIES('... on Collection { stats { mediaTypeDistribution { mediaType count } } }'),
      { r: wicksonSets([...names, 'training_videos']) },
    );
    expect(body.errors).toBeUndefined();
    expect(stack.calls().routes).toEqual({ 'wickson:collections.detail': 100 });
    expect(cost.actual).toEqual({ beluga: 0, wickson: 100 });
    expect(cost.predicted).toEqual({ beluga: 0, wickson: 100 });
  });

  it('100 capture sets with their items and jobs: refused before any call', async () => {
    const sets = Array.from({ length: 100 }, (_, i) => ({
      __typename: 'Collection',
      source: 'BELUGA',
      sourceId: String(i + 1),
    }));
    const { body, cost } = await post(
      ENTITIES('... on Collection { items(first: 5) { edges { node { id } } } jobs { name } }'),
      { r: sets },
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    // 100 set loads, 100 captures lists and 100 jobs lists.
    expect(cost.predicted).toEqual({ beluga: 300, wickson: 0 });
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it('a representation and a node of the same object are one load', async () => {
    const { body, cost } = await post(ENTITIES('... on Collection { name }'), {
      r: [
        ...wicksonSets(['research_papers', 'research_papers']),
        { __typename: 'Project', sourceId: 23 },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(cost.predicted).toEqual({ beluga: 1, wickson: 1 });
    expect(cost.actual).toEqual({ beluga: 1, wickson: 1 });
  });
});

describe('admission reserves what _entities predicts', () => {
  it('a lookup sent while 100 predicted calls hold MAX_CONCURRENT_CALLS waits for them', async () => {
    // Each Wickson call takes a while, so the 100 overlap whatever comes next.
    stack.fakes.wickson.control.setLatency({ fixedMs: 10 });
    const holder = post(ENTITIES('... on Collection { createdAt }'), { r: wicksonSets(ghosts) });
    for (let i = 0; i < 200 && stack.calls().wickson === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(stack.calls().wickson).toBeGreaterThan(0); // the holder executes
    const waiter = post(ENTITIES('... on Collection { createdAt }'), {
      r: wicksonSets(['research_papers']),
    });
    const [held, waited] = await Promise.all([holder, waiter]);
    expect(waited.body.errors).toBeUndefined();
    const paths = stack.fakes.wickson.control.ledger.entries().map((e) => e.path);
    expect(paths).toHaveLength(101);
    // The waiter's one call comes after all of the holder's.
    expect(paths.at(-1)).toBe('/v1/media/collections/research_papers');
    expect(held.cost.predicted.wickson).toBe(100);
  });
});
