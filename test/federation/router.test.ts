/**
 * The gateway as a subgraph behind a real router from npm: the gateway (FEDERATION_SUBGRAPH=true,
 * on a loopback port) and a second tiny subgraph extending `Project` are composed with
 * @theguild/federation-composition from their `_service { sdl }`, and Hive Gateway's runtime
 * serves the supergraph. Queries cross both subgraphs; the fakes count the Beluga calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, type Fakes } from '../../src/fakes/index.ts';
import { parse } from '../../src/server/graphql.ts';
import type { RunningServer } from '../../src/server/main.ts';
import { SUBGRAPH_SECRET_HEADER } from '../../src/server/plugins/use-router-secret.ts';
import { type Listening, startListening } from '../helpers/listening.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';
import type { GraphQLBody } from '../helpers/stack.ts';
import { type ReviewsSubgraph, startReviewsSubgraph } from './reviews-subgraph.ts';

const TEN_PROJECTS = [1, 16, 18, 20, 23, 24, 39, 45, 46, 67];
const gid = (text: string) => Buffer.from(text).toString('base64url');

/** The router sends it to the gateway's subgraph (SUBGRAPH_SECRET), as a deployment would. */
const ROUTER_SECRET = 'the-router-and-the-gateway-share-this';

let listening: Listening;
let fakes: Fakes;
let gateway: RunningServer;
let reviews: ReviewsSubgraph;
let router: GatewayRuntime;
let routerServer: Server;
let routerUrl: string;

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLBody> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLBody;
}

/** Composition reads each SDL as the operator does, with the router's secret. */
const sdlOf = async (url: string) => {
  const body = await post(
    url,
    '{ _service { sdl } }',
    {},
    { [SUBGRAPH_SECRET_HEADER]: ROUTER_SECRET },
  );
  return (body.data!._service as { sdl: string }).sdl;
};

const belugaRoutes = () => {
  const routes: Record<string, number> = {};
  for (const e of fakes.beluga.control.ledger.entries())
    routes[e.route] = (routes[e.route] ?? 0) + 1;
  return routes;
};

beforeAll(async () => {
  listening = await startListening({
    NODE_ENV: 'test',
    FEDERATION_SUBGRAPH: 'true',
    SUBGRAPH_SECRET: ROUTER_SECRET,
    // Each case counts its own upstream calls: no answers shared across requests.
    ...NO_SHARED_CACHE,
  });
  ({ fakes, running: gateway } = listening);
  reviews = await startReviewsSubgraph(TEN_PROJECTS);

  const subgraphs = [
    { name: 'antenna', url: `${gateway.url}/subgraph` },
    { name: 'reviews', url: reviews.url },
  ];
  const composed = composeServices(
    await Promise.all(subgraphs.map(async (s) => ({ ...s, typeDefs: parse(await sdlOf(s.url)) }))),
  );
  if (compositionHasErrors(composed)) throw new Error(composed.errors.join('\n'));

  router = createGatewayRuntime({
    supergraph: composed.supergraphSdl,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => ({
        authorization: request.headers.get('authorization'),
        ...(subgraphName === 'antenna' ? { [SUBGRAPH_SECRET_HEADER]: ROUTER_SECRET } : {}),
      }),
    },
  });
  routerServer = createServer(router);
  await new Promise<void>((resolve) => routerServer.listen(0, '127.0.0.1', resolve));
  routerUrl = `http://127.0.0.1:${(routerServer.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  routerServer?.closeAllConnections();
  await new Promise((resolve) => routerServer?.close(resolve));
  await router?.dispose();
  await reviews?.close();
  await listening?.close();
});

beforeEach(() => {
  fakes.beluga.control.ledger.reset();
  fakes.wickson.control.ledger.reset();
  reviews.entityBatches.length = 0;
});

describe('through Hive Gateway over the composed supergraph', () => {
  it('the gateway serves the subgraph beside the unchanged stand-alone graph', async () => {
    const standalone = await post(`${gateway.url}/graphql`, '{ _service { sdl } }');
    expect(standalone.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await sdlOf(`${gateway.url}/subgraph`)).toContain('@key(fields: "sourceId")');
  });

  it('ten projects referenced by the other subgraph cost what nodes with ten ids costs', async () => {
    const direct = await post(
      `${gateway.url}/graphql`,
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Project { sourceId name } } }',
      { ids: TEN_PROJECTS.map((id) => gid(`Project:BELUGA:${id}`)) },
    );
    expect(direct.errors).toBeUndefined();
    const nodesCost = belugaRoutes();
    expect(nodesCost).toEqual({ 'projects.list': 1 });
    fakes.beluga.control.ledger.reset();

    const body = await post(routerUrl, '{ featuredProjects { sourceId name reviewNote } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.featuredProjects).toEqual(
      (direct.data!.nodes as { sourceId: number; name: string }[]).map((p) => ({
        ...p,
        reviewNote: `reviewed project ${p.sourceId}`,
      })),
    );
    expect(belugaRoutes()).toEqual(nodesCost);
    expect(reviews.entityBatches).toEqual([]);
  });

  it('a page of projects from this gateway gets its review notes in one entity batch', async () => {
    const query = '{ projects(first: 5) { edges { node { sourceId name } } } }';
    const direct = await post(`${gateway.url}/graphql`, query);
    const directCost = belugaRoutes();
    fakes.beluga.control.ledger.reset();

    const body = await post(
      routerUrl,
      '{ projects(first: 5) { edges { node { sourceId name reviewNote } } } }',
    );
    expect(body.errors).toBeUndefined();
    const edges = (direct.data!.projects as { edges: { node: { sourceId: number } }[] }).edges;
    expect(edges).toHaveLength(5);
    expect(body.data?.projects).toEqual({
      edges: edges.map(({ node }) => ({
        node: { ...node, reviewNote: `reviewed project ${node.sourceId}` },
      })),
    });
    expect(belugaRoutes()).toEqual(directCost);
    expect(reviews.entityBatches).toEqual([5]);
  });

  it('the router forwards the caller token: a draft project is visible to its member only', async () => {
    const query = '{ project(sourceId: 90) { name draft reviewNote } }';
    const anonymous = await post(routerUrl, query);
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.project).toBeNull();

    const member = await post(routerUrl, query, undefined, {
      authorization: `Token ${FAKE_MEMBER_TOKEN}`,
    });
    expect(member.errors).toBeUndefined();
    expect(member.data?.project).toMatchObject({ draft: true, reviewNote: 'reviewed project 90' });
    expect(belugaRoutes()).toEqual({ 'projects.detail': 2 });
  });
});
