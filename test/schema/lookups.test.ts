import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

const gid = (text: string) => Buffer.from(text).toString('base64url');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.resetLedgers());

describe('point lookups', () => {
  it('normalizes Beluga capture set 21 (seed 000) in one call, jobs from the summaries', async () => {
    const { body } = await stack.query(`{
      collection(source: BELUGA, sourceId: "21") {
        id source sourceId name description method methodArguments createdAt updatedAt permissions projectId
        stats { itemCount withDetectionsCount processedCount occurrencesCount taxaCount
                mediaTypeDistribution { mediaType count } }
        jobs { id sourceId status type { key name } createdAt updatedAt }
      } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.collection).toEqual({
      id: gid('Collection:BELUGA:21'),
      source: 'BELUGA',
      sourceId: '21',
      name: 'Insectarium, End of every night',
      description: null,
      method: 'LAST_AND_RANDOM_FROM_EACH_EVENT',
      methodArguments: { num_each: 0 },
      createdAt: '2023-12-04T05:06:20.289Z',
      updatedAt: '2025-01-22T04:26:00.241Z',
      permissions: [],
      projectId: 23,
      stats: {
        itemCount: 403,
        withDetectionsCount: 147,
        processedCount: 148,
        occurrencesCount: 1091,
        taxaCount: 498,
        mediaTypeDistribution: [{ mediaType: 'IMAGE', count: 403 }],
      },
      jobs: [
        {
          id: gid('Job:BELUGA:1146'),
          sourceId: 1146,
          status: 'SUCCESS',
          type: { key: 'POPULATE_CAPTURES_COLLECTION', name: 'Populate captures collection' },
          createdAt: '2025-01-22T04:25:58.317Z',
          updatedAt: '2025-01-22T04:26:00.343Z',
        },
        expect.objectContaining({
          sourceId: 982,
          status: 'SUCCESS',
          type: { key: 'ML', name: 'ML pipeline' },
        }),
        expect.objectContaining({ sourceId: 225, status: 'FAILURE' }),
      ],
    });
    expect(stack.calls().routes).toEqual({ 'beluga:collections.detail': 1 });
  });

  it('filters embedded jobs locally by status and type', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      failed: jobs(status: [FAILURE]) { sourceId } ml: jobs(type: [ML]) { sourceId } } }`);
    expect(body.data?.collection).toEqual({
      failed: [{ sourceId: 225 }],
      ml: [{ sourceId: 982 }, { sourceId: 225 }],
    });
    expect(stack.calls().beluga).toBe(1);
  });

  it('reads Wickson research_papers (seed 002) from one detail call', async () => {
    const { body } = await stack.query(`{ collection(source: WICKSON, sourceId: "research_papers") {
      id source sourceId name description method methodArguments project { id } jobs { id }
      createdAt updatedAt permissions
      stats { itemCount firstItemDate lastItemDate withDetectionsCount processedCount occurrencesCount
              taxaCount mediaTypeDistribution { mediaType count } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.collection).toEqual({
      id: gid('Collection:WICKSON:research_papers'),
      source: 'WICKSON',
      sourceId: 'research_papers',
      name: 'research_papers',
      description: null,
      method: null,
      methodArguments: null,
      project: null,
      jobs: [],
      createdAt: '2025-01-15T10:22:33.000Z',
      updatedAt: null,
      permissions: [],
      stats: {
        itemCount: 17,
        firstItemDate: '2025-01-15T10:22:33.000Z',
        lastItemDate: '2025-03-05T16:45:22.000Z',
        withDetectionsCount: null,
        processedCount: null,
        occurrencesCount: null,
        taxaCount: null,
        mediaTypeDistribution: [
          { mediaType: 'DOCUMENT', count: 12 },
          { mediaType: 'IMAGE', count: 3 },
          { mediaType: 'VIDEO', count: 2 },
        ],
      },
    });
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 1 });
  });

  it('project(sourceId:) and job(sourceId:) take one detail call each', async () => {
    const { body } = await stack.query(`{
      project(sourceId: 23) { id sourceId name draft createdAt }
      job(sourceId: 1146) { id sourceId name status durationSeconds startedAt finishedAt
        progress { status progress stages { key name status progress params { key name value } } }
        project { sourceId name } collection { sourceId } } }`);
    expect(body.errors).toBeUndefined();
    const data = body.data as { project: Record<string, unknown>; job: Record<string, unknown> };
    expect(data.project).toMatchObject({
      id: gid('Project:BELUGA:23'),
      sourceId: 23,
      draft: false,
    });
    expect(data.project.createdAt).toMatch(/Z$/);
    expect(data.job).toMatchObject({
      id: gid('Job:BELUGA:1146'),
      sourceId: 1146,
      status: 'SUCCESS',
      project: { sourceId: 23, name: data.project.name },
      collection: { sourceId: '21' },
    });
    const progress = data.job.progress as { stages: { key: string }[] };
    expect(progress.stages.length).toBeGreaterThan(0);
    // Job.project and Job.collection { sourceId } resolve from the job's embedded summaries.
    expect(stack.calls().routes).toEqual({
      'beluga:projects.detail': 1,
      'beluga:jobs.detail': 1,
    });
  });

  it('collection with project and jobs costs two calls', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      name project { sourceId name description } jobs { sourceId status project { sourceId } collection { sourceId } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.collection).toMatchObject({ project: { sourceId: 23 } });
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:projects.detail': 1,
    });
  });

  it('unknown ids resolve to null without an error', async () => {
    const { body } = await stack.query(`{
      a: collection(source: BELUGA, sourceId: "999999") { id }
      b: collection(source: WICKSON, sourceId: "no_such_collection") { id }
      c: project(sourceId: 999999) { id }
      d: job(sourceId: 999999) { id }
      e: node(id: "${gid('Job:BELUGA:999998')}") { id } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ a: null, b: null, c: null, d: null, e: null });
  });
});

describe('node and nodes', () => {
  it('resolves mixed sources and types with one call per distinct resource', async () => {
    const ids = [
      gid('Collection:BELUGA:21'),
      gid('Collection:WICKSON:research_papers'),
      gid('Project:BELUGA:23'),
      gid('Job:BELUGA:1146'),
      gid('Collection:BELUGA:21'),
    ];
    const { body } = await stack.query(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
        ... on Collection { sourceId name } ... on Project { name } ... on Job { status } } }`,
      { ids },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data?.nodes as { __typename: string; id: string }[];
    expect(nodes.map((n) => [n.__typename, n.id])).toEqual([
      ['Collection', ids[0]],
      ['Collection', ids[1]],
      ['Project', ids[2]],
      ['Job', ids[3]],
      ['Collection', ids[0]],
    ]);
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:projects.detail': 1,
      'beluga:jobs.detail': 1,
      'wickson:collections.detail': 1,
    });
  });

  it('node(id:) round-trips an id the graph issued', async () => {
    const { body } = await stack.query(
      `{ node(id: "${gid('Collection:BELUGA:21')}") { id ... on Collection { name } } }`,
    );
    expect(body.data?.node).toEqual({
      id: gid('Collection:BELUGA:21'),
      name: 'Insectarium, End of every night',
    });
  });

  it.each([
    ['not base64', 'Collection:BELUGA:21'],
    ['unknown type', gid('Deployment:BELUGA:1')],
    ['wrong source for the type', gid('Job:WICKSON:x')],
    ['non-numeric Beluga key', gid('Collection:BELUGA:abc')],
    ['huge Beluga key', gid('Project:BELUGA:99999999999999999999')],
    ['extra segments', gid('Collection:BELUGA:21:x')],
    ['Wickson name "..", a path segment', gid('Collection:WICKSON:..')],
    ['Wickson name ".", a path segment', gid('Collection:WICKSON:.')],
    ['Wickson name with a control character', gid('Collection:WICKSON:a\nb')],
    ['Wickson name over 256 characters', gid(`Collection:WICKSON:${'x'.repeat(257)}`)],
    ['very long', 'A'.repeat(5000)],
  ])('rejects an invalid id (%s) with BAD_USER_INPUT and no upstream call', async (_why, id) => {
    const { body } = await stack.query('query($id: ID!) { node(id: $id) { id } }', { id });
    expect(body.data?.node).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).not.toContain(id.slice(0, 12));
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it('rejects invalid sourceIds in root lookups without calling upstream', async () => {
    const { body } = await stack.query(`{
      a: collection(source: BELUGA, sourceId: "21x") { id }
      b: collection(source: WICKSON, sourceId: "..") { id }
      c: project(sourceId: -1) { id } d: job(sourceId: 0) { id } }`);
    expect(body.data).toEqual({ a: null, b: null, c: null, d: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(Array(4).fill('BAD_USER_INPUT'));
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it.each([
    ['Field notes (2025)', '/v1/media/collections/Field%20notes%20(2025)'],
    ['../../etc', '/v1/media/collections/..%2F..%2Fetc'],
    ['a:b?c#d', '/v1/media/collections/a%3Ab%3Fc%23d'],
  ])('accepts the Wickson id %j and sends it URL-encoded', async (name, path) => {
    const id = gid(`Collection:WICKSON:${name}`);
    const { body } = await stack.query('query($id: ID!) { node(id: $id) { id } }', { id });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ node: null });
    const calls = stack.fakes.wickson.control.ledger.entries({ route: 'collections.detail' });
    expect(calls.map((e) => e.path)).toEqual([path]);
  });

  it('a listed Wickson collection with an odd name round-trips through node(id:)', async () => {
    const name = 'Field notes (2025)';
    stack.fakes.wickson.control.addFault({
      kind: 'drift',
      route: 'collections.list',
      mutate: (body) => {
        const envelope = body as { data: { collections: string[] } };
        const collections = [name, ...envelope.data.collections];
        return { ...envelope, data: { ...envelope.data, collections } };
      },
    });
    try {
      const listed = await stack.query(`{ collections(filter: { sources: [WICKSON] }, first: 100) {
        edges { node { id sourceId } } } }`);
      const edges = (
        listed.body.data!.collections as { edges: { node: { id: string; sourceId: string } }[] }
      ).edges;
      const node = edges.find((e) => e.node.sourceId === name)!.node;
      expect(node.id).toBe(gid(`Collection:WICKSON:${name}`));
      stack.resetLedgers();
      const { body } = await stack.query('query($id: ID!) { node(id: $id) { id } }', {
        id: node.id,
      });
      expect(body.errors).toBeUndefined();
      // The fake's detail does not know the drifted name (404): null, but it was asked for it.
      expect(body.data).toEqual({ node: null });
      const [call] = stack.fakes.wickson.control.ledger.entries({ route: 'collections.detail' });
      expect(call?.path).toBe('/v1/media/collections/Field%20notes%20(2025)');
    } finally {
      stack.fakes.wickson.control.clearFaults();
    }
  });

  it('limits nodes(ids:) to MAX_LIST_LENGTH', async () => {
    const ids = Array.from({ length: stack.config.limits.maxListLength + 1 }, (_, i) =>
      gid(`Job:BELUGA:${i + 1}`),
    );
    const { body } = await stack.query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });
});
