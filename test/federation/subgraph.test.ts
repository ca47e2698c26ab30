/**
 * The federation subgraph served at /subgraph over the fakes: entity keys in `_service { sdl }`,
 * `_entities` batched through the request's loaders (the same calls as `nodes`), bad
 * representations rejected before any call, and the stand-alone graph without federation fields.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { printedSubgraphSchema } from '../../src/schema/federation.ts';
import { schema } from '../../src/schema/index.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import { Kind, parse } from '../../src/server/graphql.ts';
import { createSubgraph, SUBGRAPH_PATH } from '../../src/server/subgraph.ts';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';
import { subgraphOver } from '../helpers/subgraph.ts';
import { createManifestDir, manifestOf } from '../server/persisted/manifest-file.ts';

const gid = (text: string) => Buffer.from(text).toString('base64url');
const TEN_PROJECTS = [1, 16, 18, 20, 23, 24, 39, 45, 46, 67];

let stack: Stack;
let subgraph: Gateway;
beforeAll(async () => {
  stack = await startStack();
  subgraph = subgraphOver(stack);
});
afterAll(() => stack?.close());
beforeEach(() => stack.resetLedgers());

const stackEnv = () => ({
  BELUGA_URL: stack.fakes.beluga.url,
  WICKSON_URL: stack.fakes.wickson.url,
});

async function postTo(
  target: Gateway,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLBody> {
  const response = await target.fetch(`http://gateway.test${SUBGRAPH_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLBody;
}

const post = (
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) => postTo(subgraph, query, variables, headers);

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename ... on Project { sourceId name } ... on Job { sourceId status }
  ... on Collection { source setId: sourceId name } } }`;

describe('_service { sdl }', () => {
  it('prints the subgraph schema with the entity keys and the federation link', async () => {
    const body = await post('{ _service { sdl } }');
    const sdl = (body.data!._service as { sdl: string }).sdl;
    expect(sdl).toBe(printedSubgraphSchema());
    expect(sdl).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])',
    );
    const keys = Object.fromEntries(
      parse(sdl)
        .definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION)
        .map((d) => [
          d.name.value,
          (d.directives ?? [])
            .filter((dir) => dir.name.value === 'key')
            .map((dir) => {
              const fields = dir.arguments?.[0]?.value;
              return fields?.kind === Kind.STRING ? fields.value : '?';
            }),
        ])
        .filter(([, k]) => (k as string[]).length > 0),
    );
    expect(keys).toEqual({
      Collection: ['id', 'source sourceId'],
      Job: ['id', 'sourceId'],
      Project: ['id', 'sourceId'],
    });
  });

  it('answers with introspection turned off, which routers do not need', async () => {
    const closed = createSubgraph(configFrom({ ...stackEnv(), INTROSPECTION: 'false' }), {
      clients: { beluga: stack.upstreams.beluga, wickson: stack.upstreams.wickson },
      logger: pino({ level: 'silent' }),
    });
    const ask = (query: string) => postTo(closed, query);
    expect((await ask('{ _service { sdl } }')).data?._service).toEqual({
      sdl: printedSubgraphSchema(),
    });
    expect((await ask('{ __schema { types { name } } }')).errors?.[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('accepts router documents while PERSISTED_OPERATIONS_ONLY locks /graphql', async () => {
    const manifest = createManifestDir();
    try {
      const env = {
        ...stackEnv(),
        PERSISTED_OPERATIONS_FILE: manifest.write(
          manifestOf([{ name: 'Hello', body: 'query Hello { __typename }' }]),
        ),
        PERSISTED_OPERATIONS_ONLY: 'true',
      };
      const deps = {
        clients: { beluga: stack.upstreams.beluga, wickson: stack.upstreams.wickson },
        logger: pino({ level: 'silent' }),
      };
      const locked = await startStack({ sharedFakes: stack.fakes, config: env });
      try {
        expect((await locked.query('{ __typename }')).body.errors).toHaveLength(1);
      } finally {
        await locked.close();
      }
      const body = await postTo(createSubgraph(configFrom(env), deps), '{ _service { sdl } }');
      expect(body.data?._service).toEqual({ sdl: printedSubgraphSchema() });
    } finally {
      manifest.remove();
    }
  });

  it('the stand-alone graph has no federation fields', async () => {
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {})).not.toContain('_entities');
    const { body } = await stack.query('{ _service { sdl } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(stack.calls().beluga).toBe(0);
  });
});

describe('_entities', () => {
  it('ten Beluga projects cost what nodes with ten ids costs: one list call', async () => {
    const ids = TEN_PROJECTS.map((id) => gid(`Project:BELUGA:${id}`));
    const nodes = await stack.query(
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Project { sourceId name } } }',
      { ids },
    );
    expect(nodes.body.errors).toBeUndefined();
    const nodesCalls = stack.calls().routes;
    expect(nodesCalls).toEqual({ 'beluga:projects.list': 1 });

    for (const representations of [
      ids.map((id) => ({ __typename: 'Project', id })),
      TEN_PROJECTS.map((sourceId) => ({ __typename: 'Project', sourceId })),
    ]) {
      stack.resetLedgers();
      const body = await post(ENTITIES, { representations });
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual(
        (nodes.body.data!.nodes as object[]).map((n) => ({ __typename: 'Project', ...n })),
      );
      expect(stack.calls().routes).toEqual(nodesCalls);
    }
  });

  it('ten capture sets and all Wickson collections cost what nodes costs for the same ids', async () => {
    const listed = await stack.query(
      '{ beluga: collections(first: 10, filter: { sources: [BELUGA] }) { edges { node { id } } } wickson: collections(first: 10, filter: { sources: [WICKSON] }) { edges { node { id } } } }',
    );
    const idsOf = (key: string) =>
      (listed.body.data![key] as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
    const ids = [...idsOf('beluga'), ...idsOf('wickson')];
    expect(ids).toHaveLength(14);
    const selection = '... on Collection { source setId: sourceId name description }';
    stack.resetLedgers();
    const nodes = await stack.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ${selection} } }`, {
      ids,
    });
    expect(nodes.body.errors).toBeUndefined();
    const nodesCalls = stack.calls().routes;
    expect(nodesCalls).toEqual({
      'beluga:collections.detail': 10,
      'wickson:collections.detail': 4,
    });

    stack.resetLedgers();
    const body = await post(
      `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
      { r: ids.map((id) => ({ __typename: 'Collection', id })) },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual(nodes.body.data?.nodes);
    expect(stack.calls().routes).toEqual(nodesCalls);
  });

  it('resolves collections of both sources and jobs by either key, one call per resource', async () => {
    const body = await post(ENTITIES, {
      representations: [
        { __typename: 'Collection', id: gid('Collection:BELUGA:21') },
        { __typename: 'Collection', source: 'WICKSON', sourceId: 'research_papers' },
        { __typename: 'Job', sourceId: 1146 },
        { __typename: 'Job', id: gid('Job:BELUGA:1146') },
        { __typename: 'Collection', source: 'BELUGA', sourceId: '21' },
      ],
    });
    expect(body.errors).toBeUndefined();
    const entities = body.data?._entities as Record<string, unknown>[];
    expect(entities.map((e) => [e.__typename, e.sourceId ?? e.setId])).toEqual([
      ['Collection', '21'],
      ['Collection', 'research_papers'],
      ['Job', 1146],
      ['Job', 1146],
      ['Collection', '21'],
    ]);
    expect(entities[0]?.name).toBe('Insectarium, End of every night');
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:jobs.detail': 1,
      'wickson:collections.detail': 1,
    });
  });

  it('rejects malformed representations one by one, before any upstream call', async () => {
    const body = await post(ENTITIES, {
      representations: [
        { __typename: 'Project', id: gid('Collection:BELUGA:21') },
        { __typename: 'Project', sourceId: '23' },
        { __typename: 'Job', sourceId: -1 },
        { __typename: 'Collection', source: 'BELUGA', sourceId: 'research_papers' },
        { __typename: 'Collection', source: 'NOWHERE', sourceId: '21' },
        { __typename: 'Collection', id: 'not an id' },
        { __typename: 'Project', sourceId: 23 },
      ],
    });
    const entities = body.data?._entities as unknown[];
    expect(entities.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(entities[6]).toMatchObject({ __typename: 'Project', sourceId: 23 });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [['_entities', i], 'BAD_USER_INPUT']),
    );
    expect(stack.calls().routes).toEqual({ 'beluga:projects.detail': 1 });
  });

  it('a missing or hidden entity is null; the caller token reaches Beluga', async () => {
    const representations = [
      { __typename: 'Project', sourceId: 999999 },
      { __typename: 'Project', sourceId: 90 },
    ];
    const anonymous = await post(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { name } } }',
      { r: representations },
    );
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?._entities).toEqual([null, null]);

    const member = await post(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { draft } } }',
      { r: representations },
      { authorization: `Token ${FAKE_MEMBER_TOKEN}` },
    );
    expect(member.data?._entities).toEqual([null, { draft: true }]);
  });
});
