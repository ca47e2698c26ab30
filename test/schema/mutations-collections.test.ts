import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { belugaCalls, gid, member, outsider } from '../helpers/writes.ts';

/** A draft-project set the member may write: project 90, jobs 1338 and 1434. */
const SET = 67;
const SET_ID = gid(`Collection:BELUGA:${SET}`);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const calls = () => belugaCalls(stack);
const sentBody = (index = 0) =>
  JSON.parse(stack.fakes.beluga.control.ledger.entries()[index]!.body ?? 'null');

describe('createCollection', () => {
  const create = `mutation($input: CreateCollectionInput!) {
    createCollection(input: $input) {
      collection { id sourceId name method methodArguments description projectId permissions }
      userErrors { field message }
    } }`;

  it('makes one POST and answers the set from its response', async () => {
    const { body } = await stack.query(
      create,
      {
        input: {
          projectId: 90,
          name: 'Dusk, every 30 minutes',
          method: 'INTERVAL',
          methodArguments: { minute_interval: 30 },
          description: 'Evenings only',
        },
      },
      member,
    );
    expect(body.errors).toBeUndefined();
    const payload = body.data?.createCollection as {
      collection: { sourceId: string };
      userErrors: unknown[];
    };
    const id = payload.collection.sourceId;
    expect(payload).toEqual({
      collection: {
        id: gid(`Collection:BELUGA:${id}`),
        sourceId: id,
        name: 'Dusk, every 30 minutes',
        method: 'INTERVAL',
        methodArguments: { minute_interval: 30 },
        description: 'Evenings only',
        projectId: 90,
        permissions: ['update', 'delete', 'populate'],
      },
      userErrors: [],
    });
    expect(calls()).toEqual(['POST collections.list']);
    expect(sentBody()).toEqual({
      name: 'Dusk, every 30 minutes',
      method: 'interval',
      kwargs: { minute_interval: 30 },
      description: 'Evenings only',
      project: 90,
    });
    const entry = stack.fakes.beluga.control.ledger.entries()[0]!;
    expect(entry.headers.authorization).toBe(member.authorization);
    expect(stack.fakes.dataset.captureSets.get(Number(id))?.name).toBe('Dusk, every 30 minutes');
  });

  it('reads once more only for what the POST answer lacks (counts of a new set)', async () => {
    const { body } = await stack.query(
      `mutation { createCollection(input: {projectId: 90, name: "Counted", method: FULL}) {
        collection { name stats { occurrencesCount taxaCount } } } }`,
      undefined,
      member,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.createCollection).toEqual({
      collection: { name: 'Counted', stats: { occurrencesCount: 0, taxaCount: 0 } },
    });
    expect(calls()).toHaveLength(2);
    expect(calls()[0]).toBe('POST collections.list');
    expect(calls()[1]).toMatch(/^GET collections\./);
  });

  it('answers the new set although its POST answer has null counts: every count field shares one detail read', async () => {
    // Antenna's 201 carries source_images_count & co. as null (the fake does the same).
    const all = {
      itemCount: 0,
      withDetectionsCount: 0,
      processedCount: 0,
      occurrencesCount: 0,
      taxaCount: 0,
      mediaTypeDistribution: [],
    };
    const selections: [string, Partial<typeof all>][] = [
      ['itemCount', { itemCount: 0 }],
      ['withDetectionsCount processedCount', { withDetectionsCount: 0, processedCount: 0 }],
      ['mediaTypeDistribution { mediaType count }', { mediaTypeDistribution: [] }],
      [
        'itemCount withDetectionsCount processedCount occurrencesCount taxaCount mediaTypeDistribution { mediaType count }',
        all,
      ],
    ];
    for (const [index, [selection, stats]] of selections.entries()) {
      stack.fakes.beluga.control.ledger.reset();
      const { body } = await stack.query(
        `mutation { createCollection(input: {projectId: 90, name: "Counts ${index}", method: FULL}) {
          collection { name stats { ${selection} } } } }`,
        undefined,
        member,
      );
      expect(body.errors, selection).toBeUndefined();
      expect(body.data!.createCollection).toEqual({
        collection: { name: `Counts ${index}`, stats },
      });
      expect(calls(), selection).toEqual(['POST collections.list', 'GET collections.detail']);
      expect(
        (body as { extensions?: { cost?: unknown } }).extensions?.cost,
        selection,
      ).toMatchObject({
        predicted: { beluga: 2, wickson: 0 },
        actual: { beluga: 2, wickson: 0 },
      });
    }
  });

  it('turns DRF field errors into userErrors with paths into the input', async () => {
    const { body } = await stack.query(
      create,
      {
        input: {
          projectId: 99999,
          name: '',
          method: 'INTERVAL',
          methodArguments: { date_end: '2024-13-01', deployment_ids: [1, 'x'] },
        },
      },
      member,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.createCollection).toEqual({
      collection: null,
      userErrors: [
        { field: ['name'], message: 'This field may not be blank.' },
        { field: ['projectId'], message: 'Invalid pk "99999" - object does not exist.' },
        {
          field: ['methodArguments', 'date_end'],
          message: 'Invalid date format. Use YYYY-MM-DD format.',
        },
        {
          field: ['methodArguments', 'deployment_ids', '1'],
          message: 'A valid integer is required.',
        },
      ],
    });
    expect(calls()).toEqual(['POST collections.list']);
  });

  it('reports an object-level error (non_field_errors) with a null field', async () => {
    const taken = stack.fakes.dataset.captureSets.get(SET)!.name;
    const { body } = await stack.query(
      create,
      { input: { projectId: 90, name: taken, method: 'FULL' } },
      member,
    );
    expect(body.data!.createCollection).toEqual({
      collection: null,
      userErrors: [{ field: null, message: 'The fields name, project must make a unique set.' }],
    });
  });

  it('passes on only plain validation sentences, never other text of the body', async () => {
    stack.fakes.beluga.control.addFault({
      route: 'collections.list',
      method: 'POST',
      kind: 'status',
      status: 400,
      body: {
        name: ['<a href="https://evil.example/">click</a>'],
        secret_key_abc: ['Ensure this field has no more than 255 characters.'],
        description: [{ nested: 'x'.repeat(500) }],
      },
    });
    const { body } = await stack.query(
      create,
      { input: { projectId: 90, name: 'n', method: 'FULL', description: 'd' } },
      member,
    );
    expect(body.data?.createCollection).toEqual({
      collection: null,
      userErrors: [
        { field: ['name'], message: 'The value was rejected.' },
        { field: null, message: 'Ensure this field has no more than 255 characters.' },
        { field: ['description'], message: 'The value was rejected.' },
      ],
    });
    expect(JSON.stringify(body)).not.toMatch(/evil|secret_key|xxxx/);
  });

  it('refuses UNKNOWN as a method without calling', async () => {
    const { body } = await stack.query(
      create,
      { input: { projectId: 90, name: 'x', method: 'UNKNOWN' } },
      member,
    );
    expect(body.data!.createCollection).toEqual({
      collection: null,
      userErrors: [{ field: ['method'], message: 'UNKNOWN cannot be set.' }],
    });
    expect(calls()).toEqual([]);
  });
});

describe('updateCollection, deleteCollection, populateCollection', () => {
  it('updateCollection sends one PATCH with only the fields given', async () => {
    const { body } = await stack.query(
      `mutation($id: ID!) { updateCollection(input: {id: $id, description: "Tidied"}) {
        collection { sourceId name description } userErrors { field message } } }`,
      { id: SET_ID },
      member,
    );
    expect(body.data!.updateCollection).toEqual({
      collection: {
        sourceId: String(SET),
        name: stack.fakes.dataset.captureSets.get(SET)!.name,
        description: 'Tidied',
      },
      userErrors: [],
    });
    expect(calls()).toEqual(['PATCH collections.detail']);
    expect(sentBody()).toEqual({ description: 'Tidied' });
  });

  it('deleteCollection sends one DELETE; a later query finds nothing', async () => {
    const { body } = await stack.query(
      `mutation($id: ID!) { deleteCollection(input: {id: $id}) { deletedId userErrors { message } } }`,
      { id: SET_ID },
      member,
    );
    expect(body.data!.deleteCollection).toEqual({ deletedId: SET_ID, userErrors: [] });
    expect(calls()).toEqual(['DELETE collections.detail']);
    const after = await stack.query(`{ node(id: "${SET_ID}") { id } }`, undefined, member);
    expect(after.body.data?.node).toBeNull();
  });

  it('populateCollection: one POST when only the job id is selected', async () => {
    const { body } = await stack.query(
      `mutation($id: ID!) { populateCollection(input: {id: $id}) { job { id sourceId } userErrors { message } } }`,
      { id: SET_ID },
      member,
    );
    const job = (body.data!.populateCollection as { job: { sourceId: number } }).job;
    expect(body.data!.populateCollection).toEqual({
      job: { id: gid(`Job:BELUGA:${job.sourceId}`), sourceId: job.sourceId },
      userErrors: [],
    });
    expect(calls()).toEqual(['POST collections.populate']);
    expect(stack.fakes.dataset.jobs.get(job.sourceId)?.jobType.key).toBe(
      'populate_captures_collection',
    );
  });

  it('populateCollection: the job detail once when other job fields are selected', async () => {
    const { body } = await stack.query(
      `mutation($id: ID!) { populateCollection(input: {id: $id}) {
        job { status type { key } collection { sourceId } } } }`,
      { id: SET_ID },
      member,
    );
    expect(body.data!.populateCollection).toEqual({
      job: {
        status: 'PENDING',
        type: { key: 'POPULATE_CAPTURES_COLLECTION' },
        collection: { sourceId: String(SET) },
      },
    });
    expect(calls()).toEqual(['POST collections.populate', 'GET jobs.detail']);
  });

  it('refuses an id that is not a Beluga capture set without calling', async () => {
    for (const id of [gid('Collection:WICKSON:research_papers'), gid('Job:BELUGA:1146'), 'nope']) {
      const { body } = await stack.query(
        `mutation($id: ID!) { updateCollection(input: {id: $id, name: "x"}) { collection { id } userErrors { field message } } }`,
        { id },
        member,
      );
      expect(body.data!.updateCollection).toEqual({
        collection: null,
        userErrors: [{ field: ['id'], message: 'Not the id of a Beluga capture set.' }],
      });
    }
    expect(calls()).toEqual([]);
  });
});

describe('whose write', () => {
  const update = (id: string, headers?: Record<string, string>) =>
    stack.query(
      `mutation($id: ID!) { updateCollection(input: {id: $id, name: "x"}) { collection { name } } }`,
      { id },
      headers,
    );

  it('anonymous: UNAUTHENTICATED, and no upstream call', async () => {
    const { body } = await update(SET_ID);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.path).toEqual(['updateCollection']);
    expect(calls()).toEqual([]);
  });

  it('outsider on a public set: FORBIDDEN after one PATCH; on a hidden set: NOT_FOUND', async () => {
    const forbidden = await update(gid('Collection:BELUGA:21'), outsider);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const hidden = await update(SET_ID, outsider);
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(calls()).toEqual(['PATCH collections.detail', 'PATCH collections.detail']);
    expect(JSON.stringify(forbidden.body)).not.toContain('permission to perform');
  });

  it('a bad token: UNAUTHENTICATED from Beluga', async () => {
    const { body } = await update(SET_ID, { authorization: 'Token 0000' });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(calls()).toEqual(['PATCH collections.detail']);
  });

  it('never falls back to BELUGA_TOKEN', async () => {
    const withServerToken = await startStack({ config: { BELUGA_TOKEN: FAKE_MEMBER_TOKEN } });
    try {
      const { body } = await withServerToken.query(
        `mutation { deleteCollection(input: {id: "${SET_ID}"}) { deletedId } }`,
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(withServerToken.calls().beluga).toBe(0);
    } finally {
      await withServerToken.close();
    }
  });
});
