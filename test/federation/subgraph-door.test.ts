/**
 * /subgraph is a door like /graphql: its callers get the per-client limits, and with
 * SUBGRAPH_SECRET only requests carrying the router's secret are served (403 before any parsing
 * or upstream call otherwise), while /graphql stays open.
 */
import { afterEach, expect, it } from 'vitest';
import { SUBGRAPH_SECRET_HEADER } from '../../src/server/plugins/use-router-secret.ts';
import { type Listening, startListening } from '../helpers/listening.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';

const SECRET = 'router-secret-of-32-characters!!';
const ENTITY = `{ _entities(representations: [{ __typename: "Collection", source: "WICKSON", sourceId: "research_papers" }]) { ... on Collection { name } } }`;
const WICKSON_LIST =
  '{ collections(filter: { sources: [WICKSON] }, first: 2) { edges { node { name } } } }';

let listening: Listening | undefined;
afterEach(async () => {
  await listening?.close();
  listening = undefined;
});

async function post(path: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${listening!.running.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it('with SUBGRAPH_SECRET, /subgraph serves the router only; /graphql stays open', async () => {
  listening = await startListening({ FEDERATION_SUBGRAPH: 'true', SUBGRAPH_SECRET: SECRET });
  const wickson = listening.fakes.wickson.control.ledger;
  const attempts: Record<string, string>[] = [{}, { [SUBGRAPH_SECRET_HEADER]: 'guess' }];
  for (const headers of attempts) {
    const refused = await post('/subgraph', ENTITY, headers);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'FORBIDDEN' } }],
    });
  }
  expect(wickson.count()).toBe(0);
  const served = await post('/subgraph', ENTITY, { [SUBGRAPH_SECRET_HEADER]: SECRET });
  expect(served).toEqual({
    status: 200,
    body: { data: { _entities: [{ name: expect.any(String) }] }, extensions: expect.anything() },
  });
  expect((await post('/graphql', WICKSON_LIST)).status).toBe(200);
});

it('SUBGRAPH_SECRET shorter than 16 characters stops start-up, naming the variable', async () => {
  await expect(
    startListening({ FEDERATION_SUBGRAPH: 'true', SUBGRAPH_SECRET: 'short' }),
  ).rejects.toThrow(/SUBGRAPH_SECRET/);
});

it('the per-client limits hold on /subgraph as on /graphql', async () => {
  listening = await startListening({
    FEDERATION_SUBGRAPH: 'true',
    CLIENT_CALLS_PER_MINUTE: '2',
    ...NO_SHARED_CACHE,
  });
  expect((await post('/subgraph', ENTITY)).status).toBe(200);
  expect((await post('/graphql', WICKSON_LIST)).status).toBe(200);
  // One client across both doors: its third call is refused on either.
  const refused = await post('/subgraph', ENTITY);
  expect(refused.status).toBe(429);
  expect((await post('/graphql', WICKSON_LIST)).status).toBe(429);
  expect(listening.fakes.wickson.control.ledger.count()).toBe(2);
});
