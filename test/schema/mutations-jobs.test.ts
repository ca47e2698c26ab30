import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';
import { belugaCalls, gid, member, outsider } from '../helpers/writes.ts';

/** A SUCCESS ML job of draft set 70 (project 91). */
const JOB = 1329;
const JOB_ID = gid(`Job:BELUGA:${JOB}`);
const SET = 67;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const calls = () => belugaCalls(stack);
const entry = (index = 0) => stack.fakes.beluga.control.ledger.entries()[index]!;

describe('createJob', () => {
  const create = `mutation($input: CreateJobInput!) { createJob(input: $input) {
    job { sourceId name status type { key } project { sourceId name } collection { sourceId name }
          progress { status } }
    userErrors { field message } } }`;

  it('makes one POST and answers the job from its response', async () => {
    const { body } = await stack.query(
      create,
      {
        input: {
          projectId: 90,
          name: 'Process dusk',
          collectionId: gid(`Collection:BELUGA:${SET}`),
          pipelineId: 7,
          type: 'ML',
        },
      },
      member,
    );
    expect(body.errors).toBeUndefined();
    const job = (body.data!.createJob as { job: { sourceId: number } }).job;
    expect(body.data!.createJob).toEqual({
      job: {
        sourceId: job.sourceId,
        name: 'Process dusk',
        status: 'CREATED',
        type: { key: 'ML' },
        project: { sourceId: 90, name: stack.fakes.dataset.projects.get(90)!.name },
        collection: {
          sourceId: String(SET),
          name: stack.fakes.dataset.captureSets.get(SET)!.name,
        },
        progress: { status: 'CREATED' },
      },
      userErrors: [],
    });
    expect(calls()).toEqual(['POST jobs.list']);
    expect(JSON.parse(entry().body!)).toEqual({
      delay: 0,
      name: 'Process dusk',
      project_id: 90,
      pipeline_id: 7,
      source_image_collection_id: SET,
      job_type_key: 'ml',
    });
    expect(entry().query).toEqual({});
  });

  it('startNow sends ?start_now=1 and the job comes back PENDING', async () => {
    const { body } = await stack.query(
      create,
      { input: { projectId: 90, name: 'Now', startNow: true } },
      member,
    );
    expect((body.data!.createJob as { job: { status: string } }).job.status).toBe('PENDING');
    expect(entry().query).toEqual({ start_now: '1' });
    expect(calls()).toEqual(['POST jobs.list']);
  });

  it('maps DRF field errors onto the input; refuses a non-set collectionId without calling', async () => {
    const { body } = await stack.query(
      create,
      { input: { projectId: 90, name: 'x', pipelineId: 12345 } },
      member,
    );
    expect(body.data!.createJob).toEqual({
      job: null,
      userErrors: [
        { field: ['pipelineId'], message: 'Invalid pk "12345" - object does not exist.' },
      ],
    });
    stack.fakes.beluga.control.ledger.reset();
    const wrong = await stack.query(
      create,
      { input: { projectId: 90, name: 'x', collectionId: JOB_ID } },
      member,
    );
    expect(wrong.body.data?.createJob).toEqual({
      job: null,
      userErrors: [{ field: ['collectionId'], message: 'Not the id of a Beluga capture set.' }],
    });
    expect(calls()).toEqual([]);
  });

  it('an outsider creating in a public project: FORBIDDEN', async () => {
    const { body } = await stack.query(create, { input: { projectId: 23, name: 'x' } }, outsider);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(calls()).toEqual(['POST jobs.list']);
  });
});

describe('runJob, retryJob, cancelJob', () => {
  const act = (name: string, id = JOB_ID) =>
    stack.query(
      `mutation($id: ID!) { ${name}(input: {id: $id}) { job { sourceId status startedAt finishedAt } userErrors { field message } } }`,
      { id },
      member,
    );

  it('each makes one POST to its action and answers the new status', async () => {
    const expected: [string, string, string][] = [
      ['runJob', 'jobs.run', 'PENDING'],
      ['cancelJob', 'jobs.cancel', 'REVOKED'],
      ['retryJob', 'jobs.retry', 'PENDING'],
    ];
    for (const [name, route, status] of expected) {
      stack.fakes.beluga.control.ledger.reset();
      const { body } = await act(name);
      expect(body.errors).toBeUndefined();
      expect((body.data![name] as { job: { status: string } }).job.status).toBe(status);
      expect(calls()).toEqual([`POST ${route}`]);
      expect(entry().headers.authorization).toBe(member.authorization);
    }
    expect(stack.fakes.dataset.jobs.get(JOB)?.status).toBe('PENDING');
  });

  it('a missing job: NOT_FOUND; a non-job id: userErrors without calling', async () => {
    const missing = await act('runJob', gid('Job:BELUGA:999999'));
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(calls()).toEqual(['POST jobs.run']);
    stack.fakes.beluga.control.ledger.reset();
    const wrong = await act('cancelJob', gid(`Collection:BELUGA:${SET}`));
    expect(wrong.body.data?.cancelJob).toEqual({
      job: null,
      userErrors: [{ field: ['id'], message: 'Not the id of a Beluga job.' }],
    });
    expect(calls()).toEqual([]);
  });
});
