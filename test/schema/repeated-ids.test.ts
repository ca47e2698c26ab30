/**
 * The same id asked for twice in one request (`node(id:)` beside `nodes(ids:)`, two aliases, a
 * repeat inside `nodes`) resolves every time from one upstream call, never INTERNAL_SERVER_ERROR:
 * the second lookup completes from the first one's cached promise before the relay plugin has
 * branded the object with its type.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let itemId: string;
beforeAll(async () => {
  stack = await startStack();
  const { body } = await stack.query(
    '{ collection(source: BELUGA, sourceId: "21") { items(first: 1) { edges { node { id } } } } }',
  );
  const items = (body.data as { collection: { items: { edges: { node: { id: string } }[] } } })
    .collection.items;
  itemId = items.edges[0]!.node.id;
});
afterAll(() => stack.close());
beforeEach(() => stack.resetLedgers());

const QUERY = `query($id: ID!, $ids: [ID!]!) {
  node(id: $id) { __typename id }
  again: node(id: $id) { id }
  nodes(ids: $ids) { __typename id }
}`;

describe('one id, several lookups in one request', () => {
  it.each([
    [
      'a Beluga capture set',
      () => encodeGlobalId('Collection', 'BELUGA:21'),
      'beluga:collections.detail',
    ],
    [
      'a Wickson collection',
      () => encodeGlobalId('Collection', 'WICKSON:research_papers'),
      'wickson:collections.detail',
    ],
    ['a project', () => encodeGlobalId('Project', 'BELUGA:23'), 'beluga:projects.detail'],
    ['a job', () => encodeGlobalId('Job', 'BELUGA:1146'), 'beluga:jobs.detail'],
    ['a media item', () => itemId, 'beluga:captures.detail'],
  ])('%s: every lookup answers, one upstream call', async (_, id, route) => {
    const gid = id();
    const { body } = await stack.query(QUERY, { id: gid, ids: [gid, gid] });
    expect(body.errors).toBeUndefined();
    const data = body.data as {
      node: { __typename: string; id: string };
      again: { id: string };
      nodes: { __typename: string; id: string }[];
    };
    expect(data.node.id).toBe(gid);
    expect(data.again).toEqual({ id: gid });
    expect(data.nodes).toEqual([data.node, data.node]);
    expect(stack.calls().routes).toEqual({ [route]: 1 });
  });
});
