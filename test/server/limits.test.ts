import { describe, expect, it } from 'vitest';
import { DEPTH_MESSAGE } from '../../src/server/plugins/use-limits.ts';
import { useTestGateway } from './helpers.ts';

const t = useTestGateway(
  {
    MAX_DEPTH: '6',
    MAX_ALIASES: '15',
    MAX_TOKENS: '1000',
    MAX_DIRECTIVES: '50',
    MAX_UPSTREAM_CALLS: '150',
    MAX_LIST_LENGTH: '100',
  },
  { wickson: { listCollections: async () => ({}) }, beluga: { getCaptureSet: async () => null } },
);

/** The cost refusal names the prediction and the limit (test-schema fields have no cost rule). */
const COST = /^This query could make [\d,]+ upstream calls; the limit is 150\.$/;

async function expectRejected(
  query: string,
  variables?: Record<string, unknown>,
  message: string | RegExp = 'Query validation error.',
) {
  const before = t.calls.length;
  const { status, body } = await t.post({ query, variables });
  expect(status).toBe(400);
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].message).toMatch(message);
  expect(body.errors[0].message).not.toMatch(/^Syntax Error/);
  // armor's messages are constant: no configured number, no found number
  if (typeof message === 'string') expect(body.errors[0].message).not.toMatch(/\d/);
  expect(Object.keys(body.errors[0].extensions).sort()).toEqual(['code', 'requestId']);
  expect(t.calls.length).toBe(before);
  return body;
}

/** The depth refusal says it is about depth (armor's own text starts "Syntax Error"). */
const expectDeep = async (query: string) => {
  const body = await expectRejected(query, undefined, DEPTH_MESSAGE);
  expect(body.errors[0].message).toBe(DEPTH_MESSAGE);
  expect(body.errors[0].message).toMatch(/depth/);
  expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
};

const nest = (levels: number, inner = 'id') => {
  let q = inner;
  for (let i = 0; i < levels; i++) q = `related { ${q} }`;
  return q;
};

describe('depth limit (6)', () => {
  it('accepts depth 6 and calls the upstream', async () => {
    const before = t.calls.length;
    const { status, body } = await t.post({
      query: `{ collections(first: 1) { edges { node { ${nest(2)} } } } }`,
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(t.calls.length).toBe(before + 1);
  });
  it('rejects plain nesting', async () => {
    await expectDeep(`{ collections(first: 1) { edges { node { ${nest(4)} } } } }`);
  });
  it('rejects nesting through inline fragments', async () => {
    await expectDeep(
      `{ collections(first: 1) { edges { node { ... on Collection { ${nest(4)} } } } } }`,
    );
  });
  it('rejects nesting through named fragments', async () => {
    await expectDeep(
      `{ collections(first: 1) { edges { node { ...Deep } } } } fragment Deep on Collection { ${nest(4)} }`,
    );
  });
  it('rejects a recursive fragment', async () => {
    const { status, body } = await t.post({
      query: `{ collections(first: 1) { edges { node { ...R } } } } fragment R on Collection { related { ...R } }`,
    });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(t.calls).toEqual(expect.not.arrayContaining(['never']));
  });
  it('rejects a fragment named __schema (armor ignoreIntrospection bypass)', async () => {
    await expectDeep(
      `{ collections(first: 1) { edges { node { ...__schema } } } } fragment __schema on Collection { ${nest(4)} }`,
    );
  });
});

describe('other armor limits', () => {
  it('rejects 16 aliases but allows __typename aliases', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: version`).join(' ');
    await expectRejected(`{ ${aliases} }`);
    const typenames = Array.from({ length: 20 }, (_, i) => `t${i}: __typename`).join(' ');
    const { status } = await t.post({ query: `{ ${typenames} }` });
    expect(status).toBe(200);
  });
  it('rejects aliases hidden in fragments', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: version`).join(' ');
    await expectRejected(`{ ...F } fragment F on Query { ${aliases} }`);
  });
  it('rejects a token flood', async () => {
    await expectRejected(`{ ${Array.from({ length: 1001 }, () => 'version').join(' ')} }`);
  });
  it('rejects a directive flood', async () => {
    await expectRejected(
      `{ version ${Array.from({ length: 51 }, () => '@include(if: true)').join(' ')} }`,
    );
  });
});

describe('list length and upstream calls', () => {
  it('rejects a 101-item list argument as a variable and as a literal', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`);
    const body = await expectRejected(
      'query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids },
      'A list argument has too many items.',
    );
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await expectRejected(
      `{ nodes(ids: ${JSON.stringify(ids)}) { id } }`,
      undefined,
      'A list argument has too many items.',
    );
  });
  it('accepts 100 ids', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `id${i}`);
    const { status } = await t.post({
      query: 'query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids },
    });
    expect(status).toBe(200);
  });
  it('predicts from page sizes in literals and variables times nested selections', async () => {
    const query =
      'query Q($n: Int) { collections(first: $n) { edges { node { id children(first: $n) { totalCount edges { cursor } } } } } }';
    const ok = await t.post({ query, variables: { n: 10 } });
    expect(ok.status).toBe(200);
    const body = await expectRejected(query, { n: 100 }, COST);
    expect(body.errors[0].extensions.code).toBe('COST_LIMIT_EXCEEDED');
  });
  it('assumes a page of 20 without a page size, and 20 items for a list without a rule', async () => {
    await expectRejected(
      '{ collections { edges { node { related { related { id name } } } } } }',
      undefined,
      COST,
    );
  });
});

describe('per-document caching of the checks', () => {
  it('rejects a too-expensive document on every use, not only the first', async () => {
    const query = '{ collections { edges { node { related { related { id name } } } } } }';
    for (let i = 0; i < 3; i++) await expectRejected(query, undefined, COST);
  });
  it('reads variable lists on every request of a cached document', async () => {
    const query = 'query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const ok = await t.post({ query, variables: { ids: ['a', 'b'] } });
    expect(ok.status).toBe(200);
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`);
    await expectRejected(query, { ids }, 'A list argument has too many items.');
    const again = await t.post({ query, variables: { ids: ['a'] } });
    expect(again.status).toBe(200);
  });
  it('recomputes the cost when a variable sets a page size, in either order', async () => {
    const query =
      'query Q($n: Int) { collections(first: $n) { edges { node { related { id } } } } }';
    await expectRejected(query, { n: 100 }, COST);
    expect((await t.post({ query, variables: { n: 5 } })).status).toBe(200);
    await expectRejected(query, { n: 100 }, COST);
  });
  it('keeps costs per operation name within one document', async () => {
    const query =
      'query Cheap { version } query Dear { collections { edges { node { related { related { id name } } } } } }';
    expect((await t.post({ query, operationName: 'Cheap' })).status).toBe(200);
    const { status, body } = await t.post({ query, operationName: 'Dear' });
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(COST);
    expect((await t.post({ query, operationName: 'Cheap' })).status).toBe(200);
  });
});

describe('request shape', () => {
  it('rejects array batching', async () => {
    const { status } = await t.post([{ query: '{ version }' }, { query: '{ version }' }]);
    expect(status).toBeGreaterThanOrEqual(400);
  });
  it('rejects a mutation over GET-like misuse and unknown parameters', async () => {
    const { status } = await t.post({ query: '{ version }', extra: 1 });
    expect(status).toBe(400);
  });
});
