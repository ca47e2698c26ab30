import { afterAll, beforeAll, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    config: {
      MAX_UPSTREAM_CALLS: '100000',
      REQUEST_TIMEOUT_MS: '60000',
      UPSTREAM_TIMEOUT_MS: '30000',
      MAX_ALIASES: '100',
      MAX_TOKENS: '100000',
    },
  });
});
afterAll(() => s.close());

const run = async (name: string, q: string, v?: Record<string, unknown>) => {
  s.resetLedgers();
  const r = await s.query(q, v);
  const c = s.calls();
  console.log(
    name,
    r.status,
    JSON.stringify(c),
    JSON.stringify((r.body as any).extensions?.cost),
    JSON.stringify(r.body.errors?.slice(0, 1)),
  );
};

it('measure', async () => {
  await run(
    'bff',
    `{
    beluga: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) { edges { node { id name project { name } } } }
    wickson: collections(first: 100, filter: { sources: [WICKSON] }) { edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } } }
  }`,
  );
  const jobs = Array.from(
    { length: 16 },
    (_, k) =>
      `j${k}: jobs(first: ${k + 1}, status: [CREATED, PENDING, STARTED, SUCCESS], type: [ML, POPULATE_CAPTURES_COLLECTION, DATA_STORAGE_SYNC]) { __typename }`,
  ).join(' ');
  await run('jobs-attack', `{ projects(first: 100) { edges { node { ${jobs} } } } }`);
  const ids = (k: number) =>
    Array.from({ length: 100 }, (_, i) =>
      Buffer.from(`Collection:WICKSON:made_up_${k}_${i}`).toString('base64url'),
    );
  const nodes = Array.from(
    { length: 16 },
    (_, k) => `n${k}: nodes(ids: ${JSON.stringify(ids(k))}) { __typename }`,
  ).join(' ');
  await run('nodes-attack', `{ ${nodes} }`);
  await run(
    'var-default',
    `query($n: Int = 100) { collections(first: $n) { edges { node { id stats { mediaTypeDistribution { count } } } } } }`,
  );
});
