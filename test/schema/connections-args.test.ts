import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainLoaders } from '../helpers/plain-loaders.ts';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let projectId: number;

beforeAll(async () => {
  stack = await startStack();
  const { dataset } = stack.fakes;
  projectId = [...dataset.captureSets.values()].find(
    (s) => !dataset.projects.get(s.project)?.draft,
  )!.project;
});
afterAll(() => stack?.close());

async function run(doc: string) {
  stack.resetLedgers();
  const { body } = await stack.query(doc);
  return { body, calls: stack.calls(), beluga: stack.fakes.beluga.control.ledger.entries() };
}
const data = (body: GraphQLBody) =>
  body.data as unknown as {
    collections: { pageInfo: { endCursor: string }; edges: { cursor: string }[] };
  };

describe('paging arguments', () => {
  const bad = async (doc: string) => {
    const { body, calls } = await run(doc);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls.beluga + calls.wickson).toBe(0);
    return body.errors![0]!.message;
  };

  it.each([
    '{ collections(first: 101) { totalCount } }',
    '{ collections(last: 101) { totalCount } }',
    '{ collections(first: -1) { totalCount } }',
    '{ collections(first: 2, last: 2) { totalCount } }',
    '{ projects(first: 1000) { totalCount } }',
  ])('rejects %s without any upstream call', async (doc) => {
    await bad(doc);
  });

  it('rejects bad or foreign cursors with a constant message', async () => {
    const message = await bad('{ collections(after: "secret-garbage") { totalCount } }');
    expect(message).not.toContain('secret');
    const { body } = await run(`{ collections(first: 1) { pageInfo { endCursor } } }`);
    const cursor = data(body).collections.pageInfo.endCursor;
    expect(
      await bad(
        `{ collections(after: "${cursor}", orderBy: { field: CREATED_AT }) { totalCount } }`,
      ),
    ).toBe(message);
    expect(await bad(`{ projects(after: "${cursor}") { totalCount } }`)).toBe(message);
  });

  it('defaults to 20 items', async () => {
    const { body, beluga } = await run(
      '{ collections(filter: { sources: [BELUGA] }) { edges { cursor } } }',
    );
    expect(data(body).collections.edges).toHaveLength(20);
    expect(beluga[0]?.query.limit).toBe('20');
  });
});

describe('loaders without batching or caching (the bench baseline)', () => {
  let baseline: Stack;
  beforeAll(async () => {
    baseline = await startStack({ gateway: { loaders: plainLoaders } });
  });
  afterAll(() => baseline?.close());

  it('do not share list calls', async () => {
    const query = `query($id: Int!) { a: collections(first: 2, filter: { projectId: $id }) {
        totalCount } b: collections(first: 2, filter: { projectId: $id }) { totalCount } }`;
    const { body } = await baseline.query(query, { id: projectId });
    expect(body.errors).toBeUndefined();
    const lists = baseline.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(lists).toHaveLength(2);
    stack.resetLedgers();
    await stack.query(query, { id: projectId });
    expect(stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' })).toHaveLength(
      1,
    );
  });
});

describe('an upstream failing under a connection', () => {
  it('reports the failed source on the merged list with its code; a Beluga-only list is unaffected', async () => {
    const fault = stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    try {
      const merged = await run('{ collections(first: 3) { totalCount } }');
      expect(merged.body.errors?.[0]).toMatchObject({
        path: ['collections'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE' },
      });
      // Partial page: the healthy source's items still come back (test/e2e/partial-merge.test.ts).
      expect(
        (merged.body.data as { collections: { totalCount: number } }).collections.totalCount,
      ).toBeGreaterThan(0);
      const beluga = await run(
        '{ collections(first: 3, filter: { sources: [BELUGA] }) { totalCount } }',
      );
      expect(beluga.body.errors).toBeUndefined();
      expect(beluga.calls.wickson).toBe(0);
    } finally {
      stack.fakes.wickson.control.removeFault(fault);
    }
  });
});
