/**
 * Malformed Unicode (a lone UTF-16 surrogate, `"\ud800"` in JSON variables) in any id is the
 * caller's mistake: BAD_USER_INPUT with no upstream call, never INTERNAL_SERVER_ERROR.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetLedgers());

const LONE = ['\ud800', 'research\udfff', '\udc00papers', `a${'\ud83d'}`];

describe('lone surrogates in ids', () => {
  it.each([
    [
      'collection(source: WICKSON)',
      'query($id: String!) { collection(source: WICKSON, sourceId: $id) { name } }',
    ],
    [
      'collection(source: BELUGA)',
      'query($id: String!) { collection(source: BELUGA, sourceId: $id) { name } }',
    ],
    ['node(id:)', 'query($id: ID!) { node(id: $id) { id } }'],
    ['nodes(ids:)', 'query($id: ID!) { nodes(ids: [$id, $id]) { id } }'],
  ])('%s: BAD_USER_INPUT, no upstream call', async (_, query) => {
    for (const id of LONE) {
      const { body } = await stack.query(query, { id }, member);
      const codes = [...(body.errors ?? []).map((e) => e.extensions?.code)];
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(['BAD_USER_INPUT']));
      expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
    }
  });

  it('a mutation input id: a userError on `id`, no upstream call', async () => {
    for (const id of LONE) {
      const { body } = await stack.query(
        'mutation($id: ID!) { updateCollection(input: { id: $id, name: "x" }) { collection { id } userErrors { field message } } }',
        { id },
        member,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        updateCollection: {
          collection: null,
          userErrors: [{ field: ['id'], message: 'Not the id of a Beluga capture set.' }],
        },
      });
      expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
    }
  });

  it('a well-formed pair (an emoji) is a valid Wickson id that Wickson is asked about', async () => {
    const { body } = await stack.query(
      'query($id: String!) { collection(source: WICKSON, sourceId: $id) { name } }',
      { id: 'papers\ud83d\udcda' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ collection: null });
    expect(stack.calls().routes).toEqual({ 'wickson:collections.detail': 1 });
  });
});
