import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';
import { belugaCalls, gid, member } from '../helpers/writes.ts';

const SET = 67;
const SET_ID = gid(`Collection:BELUGA:${SET}`);
const JOB_ID = gid('Job:BELUGA:1338');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const calls = () => belugaCalls(stack);

describe('read your writes', () => {
  it('within one request: a later field reads the state the earlier write left', async () => {
    const list = `project { collections(first: 100) { edges { node { sourceId description } } } }`;
    const { body } = await stack.query(
      `mutation($id: ID!) {
        first: updateCollection(input: {id: $id, description: "one"}) { collection { ${list} } }
        second: updateCollection(input: {id: $id, description: "two"}) { collection { ${list} } }
      }`,
      { id: SET_ID },
      member,
    );
    expect(body.errors).toBeUndefined();
    type Payload = {
      collection: {
        project: { collections: { edges: { node: { sourceId: string; description: string } }[] } };
      };
    };
    const described = (key: 'first' | 'second') =>
      (body.data![key] as Payload).collection.project.collections.edges.find(
        (e) => e.node.sourceId === String(SET),
      )?.node.description;
    expect(described('first')).toBe('one');
    expect(described('second')).toBe('two');
    expect(calls()).toEqual([
      'PATCH collections.detail',
      'GET projects.detail',
      'GET collections.list',
      'PATCH collections.detail',
      'GET collections.list',
    ]);
  });

  it("within one request: a job action shows in the set's embedded jobs read after it", async () => {
    const jobs = 'collection { jobs { sourceId status } }';
    const { body } = await stack.query(
      `mutation($id: ID!) {
        a: runJob(input: {id: $id}) { job { status ${jobs} } }
        b: cancelJob(input: {id: $id}) { job { status ${jobs} } }
      }`,
      { id: JOB_ID },
      member,
    );
    expect(body.errors).toBeUndefined();
    type Payload = {
      job: { status: string; collection: { jobs: { sourceId: number; status: string }[] } };
    };
    const embedded = (key: 'a' | 'b') =>
      (body.data![key] as Payload).job.collection.jobs.find((j) => j.sourceId === 1338)?.status;
    expect(embedded('a')).toBe('PENDING');
    expect(embedded('b')).toBe('REVOKED');
    expect(calls()).toEqual([
      'POST jobs.run',
      'GET collections.detail',
      'POST jobs.cancel',
      'GET collections.detail',
    ]);
  });

  it('across requests: the next query sees the write', async () => {
    const read = () =>
      stack.query(
        `{ collection(source: BELUGA, sourceId: "${SET}") { description jobs { sourceId } } }`,
        undefined,
        member,
      );
    expect((await read()).body.data?.collection).toMatchObject({ jobs: expect.any(Array) });
    await stack.query(
      `mutation($id: ID!) { updateCollection(input: {id: $id, description: "Later"}) { collection { id } } }`,
      { id: SET_ID },
      member,
    );
    const populated = await stack.query(
      `mutation($id: ID!) { populateCollection(input: {id: $id}) { job { sourceId } } }`,
      { id: SET_ID },
      member,
    );
    const jobId = (populated.body.data!.populateCollection as { job: { sourceId: number } }).job
      .sourceId;
    const after = (await read()).body.data?.collection as {
      description: string;
      jobs: { sourceId: number }[];
    };
    expect(after.description).toBe('Later');
    expect(after.jobs[0]?.sourceId).toBe(jobId);
  });
});

describe('read your writes with the shared cache on', () => {
  let cached: Stack;
  beforeAll(async () => {
    cached = await startStack({ config: { BELUGA_CACHE_TTL_S: '60' } });
  });
  afterAll(() => cached?.close());

  it('a write evicts the cached reads it changed, so the next query reads Beluga again', async () => {
    const read = async () => {
      cached.resetLedgers();
      const { body } = await cached.query(
        `{ collection(source: BELUGA, sourceId: "${SET}") { description } }`,
        undefined,
        member,
      );
      return {
        description: (body.data!.collection as { description: string }).description,
        calls: cached.calls().beluga,
      };
    };
    const before = await read();
    expect(before.calls).toBe(1);
    expect(await read()).toEqual({ description: before.description, calls: 0 });
    const { body } = await cached.query(
      `mutation($id: ID!) { updateCollection(input: {id: $id, description: "Cached no more"}) { collection { id } } }`,
      { id: SET_ID },
      member,
    );
    expect(body.errors).toBeUndefined();
    expect(await read()).toEqual({ description: 'Cached no more', calls: 1 });
    expect(await read()).toEqual({ description: 'Cached no more', calls: 0 });
  });
});
