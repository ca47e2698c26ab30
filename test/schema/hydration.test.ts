import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

const gid = (text: string) => Buffer.from(text).toString('base64url');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.resetLedgers();
  stack.fakes.beluga.control.clearFaults();
});

const nullCounts = (body: unknown) => ({
  ...(body as Record<string, unknown>),
  occurrences_count: null,
  taxa_count: null,
});

describe('field-aware hydration', () => {
  it('fetches all jobs of the set in one list call when a field outside the summary is selected', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      jobs { sourceId name startedAt finishedAt durationSeconds progress { status progress } } } }`);
    expect(body.errors).toBeUndefined();
    const jobs = (body.data!.collection as { jobs: Record<string, unknown>[] }).jobs;
    expect(jobs.map((j) => j.sourceId)).toEqual([1146, 982, 225]);
    for (const job of jobs) expect(job.progress).toMatchObject({ progress: expect.any(Number) });
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:jobs.list': 1,
    });
    const [list] = stack.fakes.beluga.control.ledger.entries({ route: 'jobs.list' });
    expect(list?.query).toMatchObject({ source_image_collection: '21', limit: '3' });
  });

  it('firstItemDate costs one captures call ordered by timestamp with limit 1', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      stats { firstItemDate } } }`);
    expect(body.errors).toBeUndefined();
    const stats = (body.data!.collection as { stats: { firstItemDate: string } }).stats;
    expect(stats.firstItemDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:captures.list': 1,
    });
    const [call] = stack.fakes.beluga.control.ledger.entries({ route: 'captures.list' });
    expect(call?.query).toMatchObject({
      ordering: 'timestamp',
      limit: '1',
      collections: '21',
      project_id: '23',
    });
  });

  it('first and last item dates: one captures call each, in order', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      stats { firstItemDate lastItemDate } } }`);
    const { firstItemDate, lastItemDate } = (
      body.data!.collection as { stats: { firstItemDate: string; lastItemDate: string } }
    ).stats;
    expect(Date.parse(firstItemDate)).toBeLessThanOrEqual(Date.parse(lastItemDate));
    expect(stack.calls().routes['beluga:captures.list']).toBe(2);
  });

  it('counts missing from two payloads of one project → one with_counts list call', async () => {
    stack.fakes.beluga.control.addFault({
      kind: 'drift',
      route: 'collections.detail',
      mutate: nullCounts,
    });
    const ids = [gid('Collection:BELUGA:21'), gid('Collection:BELUGA:28')];
    const { body } = await stack.query(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Collection { sourceId
        stats { occurrencesCount taxaCount } } } }`,
      { ids },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data?.nodes as { stats: { occurrencesCount: number } }[];
    expect(nodes[0]?.stats).toEqual({ occurrencesCount: 1091, taxaCount: 498 });
    expect(nodes[1]?.stats.occurrencesCount).toEqual(expect.any(Number));
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 2,
      'beluga:collections.list': 1,
    });
    const [list] = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(list?.query).toMatchObject({ with_counts: 'true', project_id: '23' });
  });

  it('counts of sets in two projects: both with_counts list calls in one round', async () => {
    stack.fakes.beluga.control.addFault({
      kind: 'drift',
      route: 'collections.detail',
      mutate: nullCounts,
    });
    stack.fakes.beluga.control.setLatency({ fixedMs: 200 });
    try {
      const ids = ['21', '28', '12', '26'].map((id) => gid(`Collection:BELUGA:${id}`));
      const { body } = await stack.query(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Collection { stats { occurrencesCount } } } }`,
        { ids },
      );
      expect(body.errors).toBeUndefined();
      const nodes = body.data?.nodes as { stats: { occurrencesCount: number } }[];
      for (const node of nodes) expect(node.stats.occurrencesCount).toEqual(expect.any(Number));
      const lists = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
      expect(lists.map((e) => e.query.project_id).sort()).toEqual(['1', '23']);
      expect(lists.every((e) => e.query.with_counts === 'true')).toBe(true);
      expect(Math.abs(lists[0]!.startedAt - lists[1]!.startedAt)).toBeLessThan(150);
    } finally {
      stack.fakes.beluga.control.setLatency({ fixedMs: 0 });
    }
  });

  it('a skipped progress does not hydrate jobs: no jobs-list call', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      jobs { progress @skip(if: true) { progress } status } } }`);
    expect(body.errors).toBeUndefined();
    expect(stack.calls().routes).toEqual({ 'beluga:collections.detail': 1 });
  });

  it('one document, @include on a job field outside the summary: each request its own answer', async () => {
    // Every set of the page resolves `jobs` with the same selection, walked once per request;
    // the next request's variables are its own (the document compiles from its second run).
    const doc = `query($p: Boolean!) { collections(filter: { projectId: 23 }, first: 3) {
      edges { node { jobs { status progress @include(if: $p) { progress } } } } } }`;
    for (const p of [false, true, false, true]) {
      stack.resetLedgers();
      const { body } = await stack.query(doc, { p });
      expect(body.errors).toBeUndefined();
      const jobs = stack.fakes.beluga.control.ledger.entries({ route: 'jobs.list' });
      expect(jobs.length > 0, `p=${p}`).toBe(p);
      const first = JSON.stringify(body.data).includes('"progress"');
      expect(first, `p=${p}`).toBe(p);
    }
  });

  it('occurrencesCount @include(if: $x) sends with_counts only when $x is true', async () => {
    const doc = `query($x: Boolean!) { collections(filter: { projectId: 23 }, first: 3) {
      edges { node { stats { itemCount occurrencesCount @include(if: $x) } } } } }`;
    for (const x of [false, true]) {
      stack.resetLedgers();
      const { body } = await stack.query(doc, { x });
      expect(body.errors).toBeUndefined();
      const lists = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
      expect(lists.map((e) => e.query.with_counts)).toEqual([x ? 'true' : undefined]);
    }
  });

  it('does not fetch counts or dates that are not selected', async () => {
    stack.fakes.beluga.control.addFault({
      kind: 'drift',
      route: 'collections.detail',
      mutate: nullCounts,
    });
    await stack.query(
      '{ collection(source: BELUGA, sourceId: "21") { stats { itemCount processedCount } } }',
    );
    expect(stack.calls().routes).toEqual({ 'beluga:collections.detail': 1 });
  });
});
