/**
 * Every mutation through the gateway on the real Antenna, with the calls the README states: as
 * the project manager each is applied (and createCollection answers the created set with its
 * counts: one more read); as the outsider each write reaches Antenna and comes back FORBIDDEN;
 * anonymously none is sent (UNAUTHENTICATED). Objects are named with NAME_PREFIX and swept
 * before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdSet, NAME_PREFIX, sweep, uniqueName } from './cleanup.ts';
import { type Answer, type Caller, rest, useAntennaStack } from './harness.ts';

const antenna = useAntennaStack();
const gid = (text: string) => Buffer.from(text).toString('base64url');
const SETS = '/api/v2/captures/collections/';
const JOBS = '/api/v2/jobs/';

beforeAll(async () => {
  await sweep(antenna().env);
});
afterAll(async () => {
  await sweep(antenna().env);
});

/** The mutation's payload, after checking it raised no error. */
function payload(answer: Answer, field: string) {
  expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the payload loosely
  return (answer.body.data as any)[field];
}

function expectCalls(answer: Answer, calls: string[]) {
  expect(answer.beluga).toEqual(calls);
  expect(answer.cost.actual.beluga).toBe(calls.length);
  expect(answer.cost.predicted.beluga).toBeGreaterThanOrEqual(calls.length);
}

const CREATE_SET = `mutation($input: CreateCollectionInput!) { createCollection(input: $input) {
  collection { id sourceId name method methodArguments projectId permissions
               stats { itemCount withDetectionsCount processedCount occurrencesCount taxaCount } }
  userErrors { field message } } }`;

describe('as the project manager: every mutation is applied', () => {
  let setId = '';
  let jobId = '';

  it('createCollection answers the created set (its counts: one detail read)', async () => {
    const { env, ask } = antenna();
    const name = uniqueName('set');
    const answer = await ask(CREATE_SET, 'manager', {
      input: {
        projectId: env.projectId,
        name,
        method: 'RANDOM',
        methodArguments: { size: 2 },
      },
    });
    const created = payload(answer, 'createCollection');
    expect(created.userErrors).toEqual([]);
    expect(created.collection).toMatchObject({
      name,
      method: 'RANDOM',
      methodArguments: { size: 2 },
      projectId: env.projectId,
      stats: {
        itemCount: 0,
        withDetectionsCount: 0,
        processedCount: 0,
        occurrencesCount: 0,
        taxaCount: 0,
      },
    });
    expect(created.collection.permissions.sort()).toEqual(['delete', 'populate', 'update']);
    expectCalls(answer, [`POST ${SETS}`, `GET ${SETS}{id}/`]);
    setId = created.collection.sourceId;
    createdSet(Number(setId));
    const stored = await rest(env.url, 'GET', `${SETS}${setId}/`, { token: env.managerToken });
    expect(stored.json.name).toBe(name);
  });

  it('createCollection without counts is the one POST', async () => {
    const { env, ask } = antenna();
    const answer = await ask(
      `mutation($input: CreateCollectionInput!) { createCollection(input: $input) {
        collection { sourceId name } userErrors { message } } }`,
      'manager',
      { input: { projectId: env.projectId, name: uniqueName('bare'), method: 'FULL' } },
    );
    const { sourceId } = payload(answer, 'createCollection').collection;
    expect(sourceId).toMatch(/^\d+$/);
    createdSet(Number(sourceId));
    expectCalls(answer, [`POST ${SETS}`]);
  });

  it('createCollection with a blank name: userErrors, nothing created', async () => {
    const { env, ask } = antenna();
    const answer = await ask(CREATE_SET, 'manager', {
      input: { projectId: env.projectId, name: ' ', method: 'FULL' },
    });
    expect(payload(answer, 'createCollection')).toEqual({
      collection: null,
      userErrors: [{ field: ['name'], message: 'This field may not be blank.' }],
    });
    expectCalls(answer, [`POST ${SETS}`]);
  });

  it('updateCollection is one PATCH', async () => {
    const { ask } = antenna();
    const answer = await ask(
      `mutation { updateCollection(input: {id: "${gid(`Collection:BELUGA:${setId}`)}", description: "Tidied"}) {
        collection { description } userErrors { message } } }`,
      'manager',
    );
    expect(payload(answer, 'updateCollection')).toEqual({
      collection: { description: 'Tidied' },
      userErrors: [],
    });
    expectCalls(answer, [`PATCH ${SETS}{id}/`]);
  });

  it('populateCollection is one POST; job fields beyond the id read the job', async () => {
    const { ask } = antenna();
    const id = gid(`Collection:BELUGA:${setId}`);
    const bare = await ask(
      `mutation { populateCollection(input: {id: "${id}"}) { job { sourceId } userErrors { message } } }`,
      'manager',
    );
    expect(payload(bare, 'populateCollection').job.sourceId).toEqual(expect.any(Number));
    expectCalls(bare, [`POST ${SETS}{id}/populate/`]);
    const full = await ask(
      `mutation { populateCollection(input: {id: "${id}"}) {
        job { sourceId status type { key } collection { name } } userErrors { message } } }`,
      'manager',
    );
    expect(payload(full, 'populateCollection').job).toMatchObject({
      type: { key: 'POPULATE_CAPTURES_COLLECTION' },
    });
    expectCalls(full, [`POST ${SETS}{id}/populate/`, `GET ${JOBS}{id}/`]);
  });

  it('createJob is one POST, with ?start_now when startNow', async () => {
    const { env, ask } = antenna();
    const create = (startNow: boolean) =>
      ask(
        `mutation($input: CreateJobInput!) { createJob(input: $input) {
          job { sourceId status name collection { sourceId } } userErrors { field message } } }`,
        'manager',
        {
          input: {
            projectId: env.projectId,
            name: uniqueName('job'),
            collectionId: gid(`Collection:BELUGA:${setId}`),
            type: 'POPULATE_CAPTURES_COLLECTION',
            startNow,
          },
        },
      );
    const created = await create(false);
    const job = payload(created, 'createJob').job;
    expect(job).toMatchObject({ status: 'CREATED', collection: { sourceId: setId } });
    expectCalls(created, [`POST ${JOBS}`]);
    jobId = String(job.sourceId);
    const started = await create(true);
    expect(payload(started, 'createJob').job.status).not.toBe('CREATED');
    expectCalls(started, [`POST ${JOBS}`]);
  });

  it.each(['runJob', 'retryJob', 'cancelJob'])(
    '%s is one POST answering the job',
    async (field) => {
      const { ask } = antenna();
      const answer = await ask(
        `mutation { ${field}(input: {id: "${gid(`Job:BELUGA:${jobId}`)}"}) {
        job { sourceId status } userErrors { message } } }`,
        'manager',
      );
      expect(payload(answer, field).job.sourceId).toBe(Number(jobId));
      const action = field.replace('Job', '');
      expectCalls(answer, [`POST ${JOBS}{id}/${action}/`]);
    },
  );

  it('deleteCollection is one DELETE; the set is gone', async () => {
    const { env, ask } = antenna();
    const id = gid(`Collection:BELUGA:${setId}`);
    const answer = await ask(
      `mutation { deleteCollection(input: {id: "${id}"}) { deletedId userErrors { message } } }`,
      'manager',
    );
    expect(payload(answer, 'deleteCollection')).toEqual({ deletedId: id, userErrors: [] });
    expectCalls(answer, [`DELETE ${SETS}{id}/`]);
    const gone = await rest(env.url, 'GET', `${SETS}${setId}/`, { token: env.managerToken });
    expect(gone.status).toBe(404);
  });
});

describe.each<[Caller, string, number]>([
  ['outsider', 'FORBIDDEN', 1],
  ['anonymous', 'UNAUTHENTICATED', 0],
])('as %s: every mutation is refused (%s)', (caller, code, sent) => {
  let setId = 0;
  let jobId = 0;
  beforeAll(async () => {
    const { env } = antenna();
    const set = await rest(env.url, 'POST', SETS, {
      token: env.managerToken,
      body: { name: uniqueName(`target ${caller}`), project: env.projectId },
    });
    setId = set.json.id;
    createdSet(setId);
    const job = await rest(env.url, 'POST', JOBS, {
      token: env.managerToken,
      body: {
        name: uniqueName(`target ${caller}`),
        delay: 0,
        project_id: env.projectId,
        source_image_collection_id: setId,
        job_type_key: 'populate_captures_collection',
      },
    });
    jobId = job.json.id;
  });

  const mutations = (projectId: number): [string, string][] => {
    const set = gid(`Collection:BELUGA:${setId}`);
    const job = gid(`Job:BELUGA:${jobId}`);
    return [
      [
        'createCollection',
        `createCollection(input: {projectId: ${projectId}, name: "${NAME_PREFIX} refused", method: FULL}) { collection { name } }`,
      ],
      [
        'updateCollection',
        `updateCollection(input: {id: "${set}", name: "x"}) { collection { name } }`,
      ],
      ['deleteCollection', `deleteCollection(input: {id: "${set}"}) { deletedId }`],
      ['populateCollection', `populateCollection(input: {id: "${set}"}) { job { sourceId } }`],
      [
        'createJob',
        `createJob(input: {projectId: ${projectId}, name: "${NAME_PREFIX} refused", collectionId: "${set}", type: POPULATE_CAPTURES_COLLECTION}) { job { sourceId } }`,
      ],
      ['runJob', `runJob(input: {id: "${job}"}) { job { status } }`],
      ['retryJob', `retryJob(input: {id: "${job}"}) { job { status } }`],
      ['cancelJob', `cancelJob(input: {id: "${job}"}) { job { status } }`],
    ];
  };

  it('each mutation: the error code, the calls sent, nothing changed', async () => {
    const { env, ask } = antenna();
    const before = await rest(env.url, 'GET', `${SETS}${setId}/`, { token: env.managerToken });
    for (const [field, selection] of mutations(env.projectId)) {
      const answer = await ask(`mutation { ${selection} }`, caller);
      expect(answer.body.data, field).toBeNull();
      expect(
        answer.body.errors?.map((e) => e.extensions?.code),
        field,
      ).toEqual([code]);
      expect(answer.beluga, field).toHaveLength(sent);
      expect(answer.cost.actual.beluga, field).toBe(sent);
    }
    const after = await rest(env.url, 'GET', `${SETS}${setId}/`, { token: env.managerToken });
    expect(after.json).toEqual(before.json);
  });
});
