/**
 * Every README example query through the gateway on the real Antenna, as a project manager, an
 * outsider and anonymously: no errors, the upstream calls the README states (counted where
 * they leave the gateway), `extensions.cost.actual` equal to them and the prediction covering
 * them.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples.ts';
import { CALLERS, useAntennaStack } from './harness.ts';

const antenna = useAntennaStack();

describe.each(EXAMPLES)('$name', (example) => {
  it.each(CALLERS)('as %s: the stated calls, counted and predicted', async (caller) => {
    const { env, facts, ask } = antenna();
    const answer = await ask(example.query(env, facts), caller);
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    expect(answer.beluga, answer.beluga.join(', ')).toHaveLength(example.beluga);
    expect(answer.wickson).toHaveLength(example.wickson);
    expect(answer.cost.actual).toEqual({ beluga: example.beluga, wickson: example.wickson });
    expect(answer.cost.predicted.beluga).toBeGreaterThanOrEqual(example.beluga);
    expect(answer.cost.predicted.wickson).toBeGreaterThanOrEqual(example.wickson);
  });
});

interface Item {
  id: string;
}

describe('an item by its global id (README: one detail call)', () => {
  it.each(CALLERS)('as %s: node(id:) on a capture is one Beluga call', async (caller) => {
    const { env, ask } = antenna();
    const page = await ask(
      `{ collection(source: BELUGA, sourceId: "${env.captureSetId}") {
          items(first: 1) { edges { node { id filename } } } } }`,
      caller,
    );
    const listed = page.body.data as { collection: { items: { edges: { node: Item }[] } } };
    const edges = listed.collection.items.edges;
    expect(edges.length).toBe(1);
    const item = edges[0]!.node;
    const answer = await ask(
      `{ node(id: "${item.id}") { id ... on MediaItem { filename collection { name } } } }`,
      caller,
    );
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    expect(answer.body.data?.node).toMatchObject({ id: item.id });
    expect(answer.beluga).toEqual(['GET /api/v2/captures/{id}/']);
    expect(answer.cost.actual.beluga).toBe(1);
    expect(answer.cost.predicted.beluga).toBeGreaterThanOrEqual(1);
  });
});
