/**
 * Malformed Unicode (a lone UTF-16 surrogate, `"\ud800"` in JSON variables) in any string input
 * (ids, names, JSON scalar values, object keys, inline literals, the operation name; read or
 * write) is the caller's mistake: HTTP 400 BAD_USER_INPUT with no upstream call, never
 * INTERNAL_SERVER_ERROR and never sent to an upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type QueryResult, type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetLedgers());

const LONE = ['\ud800', 'research\udfff', '\udc00papers', `a${'\ud83d'}`];

function expectRefused(result: QueryResult) {
  expect(result.status).toBe(400);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
}

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

  it('a mutation input id: BAD_USER_INPUT, no upstream call', async () => {
    for (const id of LONE) {
      const result = await stack.query(
        'mutation($id: ID!) { updateCollection(input: { id: $id, name: "x" }) { collection { id } userErrors { field message } } }',
        { id },
        member,
      );
      expectRefused(result);
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

const CREATE = `mutation($input: CreateCollectionInput!) {
  createCollection(input: $input) { collection { id } userErrors { field message } }
}`;
const input = (over: Record<string, unknown>) => ({
  projectId: 90,
  name: 'Night shift',
  method: 'FULL',
  ...over,
});

describe('lone surrogates in any other string input', () => {
  it.each([
    ['a write name', { name: '\ud800x' }],
    ['a write description', { description: 'ok \udfff' }],
    ['a JSON scalar value', { methodArguments: { note: 'a\ud800' } }],
    ['a nested JSON scalar value', { methodArguments: { list: [{ deep: ['\udc00'] }] } }],
    ['a JSON scalar key', { methodArguments: { 'minute\ud800': 30 } }],
  ])('%s: BAD_USER_INPUT, nothing sent to Beluga', async (_, over) => {
    expectRefused(await stack.query(CREATE, { input: input(over) }, member));
  });

  it('the same write with well-formed strings reaches Beluga', async () => {
    const ok = await stack.query(
      CREATE,
      { input: input({ name: 'Night \ud83e\udd8b', methodArguments: { note: 'é' } }) },
      member,
    );
    expect(ok.body.errors).toBeUndefined();
    expect(stack.calls().beluga).toBeGreaterThan(0);
  });

  it('an inline literal, raw or as a GraphQL escape', async () => {
    for (const literal of ['"\ud800"', '"\\ud800"', '"x\\uDFFFy"', '"\\u{D800}"']) {
      const query = `{ collection(source: WICKSON, sourceId: ${literal}) { name } }`;
      expectRefused(await stack.query(query));
    }
  });

  it('an inline JSON scalar in a mutation', async () => {
    const query = `mutation { createCollection(input: { projectId: 90, name: "n", method: FULL,
      methodArguments: { note: "\\ud800" } }) { collection { id } } }`;
    expectRefused(await stack.query(query, undefined, member));
  });

  it('a variable nobody declared, the operation name and an extension', async () => {
    const read = '{ collection(source: WICKSON, sourceId: "research_papers") { name } }';
    expectRefused(await stack.query(read, { unused: { '\ud800': 1 } }));
    const named = await stack.post({ query: 'query Q { __typename }', operationName: 'Q\ud800' });
    expect([named.status, named.body.errors?.[0]?.extensions?.code]).toEqual([
      400,
      'BAD_USER_INPUT',
    ]);
    const extension = await stack.post({ query: read, extensions: { note: ['\udc00'] } });
    expect([extension.status, extension.body.errors?.[0]?.extensions?.code]).toEqual([
      400,
      'BAD_USER_INPUT',
    ]);
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });
});
