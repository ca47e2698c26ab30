import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plainLoaders } from '../helpers/plain-loaders.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let baseline: Stack;
beforeAll(async () => {
  [stack, baseline] = await Promise.all([
    startStack(),
    startStack({ gateway: { loaders: plainLoaders } }),
  ]);
});
afterAll(() => Promise.all([stack?.close(), baseline?.close()]));
beforeEach(() => {
  for (const s of [stack, baseline]) {
    s.resetLedgers();
    s.fakes.beluga.control.clearFaults();
  }
});

type Node = Record<string, unknown> & { collection: Record<string, unknown> | null };
const nodes = (body: { data?: Record<string, unknown> | null }) =>
  (body.data!.project as { jobs: { edges: { node: Node }[] } }).jobs.edges.map((e) => e.node);
const jobsOf23 = (fields: string) =>
  `{ project(sourceId: 23) { jobs(first: 10, status: [SUCCESS, FAILURE]) { edges { node { ${fields} } } } } }`;
const LISTS = { 'beluga:projects.detail': 1, 'beluga:jobs.list': 2 };

describe('Job.collection and Job.project from the job payload', () => {
  it('collection { name } and project { name } cost no call beyond the job lists', async () => {
    const q = jobsOf23(
      'sourceId name status collection { sourceId name method projectId } project { name }',
    );
    const { body } = await stack.query(q);
    expect(body.errors).toBeUndefined();
    const jobs = nodes(body);
    expect(jobs).toHaveLength(10);
    expect(jobs[0]).toEqual({
      sourceId: 1259,
      name: "Populate 'Random 10,000'",
      status: 'SUCCESS',
      collection: {
        sourceId: '112',
        name: 'Random 10,000',
        method: expect.any(String),
        projectId: 23,
      },
      project: { name: 'Madagascar 2025' },
    });
    expect(jobs.find((j) => j.sourceId === 1146)?.collection).toMatchObject({
      sourceId: '21',
      name: 'Insectarium, End of every night',
      method: 'LAST_AND_RANDOM_FROM_EACH_EVENT',
    });
    expect(jobs.find((j) => j.sourceId === 1369)?.collection).toBeNull();
    expect(stack.calls().routes).toEqual(LISTS);
    // Without batching or caching the answer is the same: the summaries need no loader, and
    // only the job lists repeat (the prefetch's calls are not kept for the field's own).
    const slow = await baseline.query(q);
    expect(slow.body.data).toEqual(body.data);
    expect(baseline.calls().routes).toEqual({ 'beluga:projects.detail': 1, 'beluga:jobs.list': 4 });
  });

  it('stats { itemCount } on sets of one project: one capture-set list call for all of them', async () => {
    const q = jobsOf23('sourceId collection { sourceId stats { itemCount } }');
    const { body } = await stack.query(q);
    expect(body.errors).toBeUndefined();
    const counts = Object.fromEntries(
      nodes(body)
        .filter((j) => j.collection)
        .map((j) => [
          j.collection!.sourceId,
          (j.collection!.stats as { itemCount: number }).itemCount,
        ]),
    );
    expect(counts).toEqual({ '112': 10000, '110': 100, '21': 403, '18': 1129 });
    expect(stack.calls().routes).toEqual({ ...LISTS, 'beluga:collections.list': 1 });
    const [list] = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(list?.query).toEqual({ project_id: '23', limit: '1000', offset: '0' });
    const slow = await baseline.query(q);
    expect(slow.body.data).toEqual(body.data);
    expect(baseline.calls().routes['beluga:collections.detail']).toBe(9);
  });

  it('with counts selected too, the one list call carries with_counts', async () => {
    const q = jobsOf23('collection { sourceId stats { itemCount occurrencesCount taxaCount } }');
    const { body } = await stack.query(q);
    expect(body.errors).toBeUndefined();
    const set21 = nodes(body).find((j) => j.collection?.sourceId === '21')?.collection;
    expect(set21?.stats).toMatchObject({ itemCount: 403, occurrencesCount: 1091 });
    expect(stack.calls().routes).toEqual({ ...LISTS, 'beluga:collections.list': 1 });
    const [list] = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(list?.query).toMatchObject({ project_id: '23', with_counts: 'true' });
    expect((await baseline.query(q)).body.data).toEqual(body.data);
  });

  it('a single set outside the summary: one detail call (which also carries the counts)', async () => {
    const { body } = await stack.query(`{
      a: job(sourceId: 1146) { collection { description stats { itemCount occurrencesCount } } }
      b: job(sourceId: 982) { collection { sourceId stats { itemCount } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      a: { collection: { description: null, stats: { itemCount: 403, occurrencesCount: 1091 } } },
      b: { collection: { sourceId: '21', stats: { itemCount: 403 } } },
    });
    expect(stack.calls().routes).toEqual({
      'beluga:jobs.detail': 2,
      'beluga:collections.detail': 1,
    });
  });

  it('job(sourceId:) with collection { name } and its project name: one call in total', async () => {
    const q = `{ job(sourceId: 1146) { collection { sourceId name projectId project { sourceId name } } } }`;
    const { body } = await stack.query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      job: {
        collection: {
          sourceId: '21',
          name: 'Insectarium, End of every night',
          projectId: 23,
          project: { sourceId: 23, name: 'Madagascar 2025' },
        },
      },
    });
    expect(stack.calls()).toMatchObject({ beluga: 1, routes: { 'beluga:jobs.detail': 1 } });
    expect((await baseline.query(q)).body.data).toEqual(body.data);
    // The job's payload embeds all of it: no load, batched or not.
    expect(baseline.calls().beluga).toBe(1);
  });

  it('fields outside a summary load the project or the set, once', async () => {
    const { body } = await stack.query(`{ job(sourceId: 1146) {
      project { name description createdAt } collection { jobs { sourceId } } } }`);
    expect(body.errors).toBeUndefined();
    const job = body.data?.job as {
      project: Record<string, unknown>;
      collection: { jobs: unknown[] };
    };
    expect(job.project).toMatchObject({
      name: 'Madagascar 2025',
      createdAt: expect.stringMatching(/Z$/),
    });
    expect(job.collection.jobs).toEqual([{ sourceId: 1146 }, { sourceId: 982 }, { sourceId: 225 }]);
    expect(stack.calls().routes).toEqual({
      'beluga:jobs.detail': 1,
      'beluga:projects.detail': 1,
      'beluga:collections.detail': 1,
    });
  });

  it('a failed hydration nulls only the fields that needed it', async () => {
    stack.fakes.beluga.control.addFault({ kind: 'status', status: 503, route: 'collections.list' });
    const { body } = await stack.query(jobsOf23('sourceId collection { name description }'));
    const withSet = nodes(body).filter((j) => j.collection);
    expect(withSet).toHaveLength(9);
    for (const job of withSet) {
      expect(job.collection).toEqual({ name: expect.any(String), description: null });
    }
    expect(body.errors?.length).toBe(9);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    // The one list call (the client may retry it) fails: no fallback to a detail per set.
    const { routes } = stack.calls();
    expect(routes['beluga:collections.detail']).toBeUndefined();
    expect(routes['beluga:collections.list']).toBeGreaterThanOrEqual(1);
  });
});
