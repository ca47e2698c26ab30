import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let projectId: number;

beforeAll(async () => {
  stack = await startStack();
  const { dataset } = stack.fakes;
  const setsOf = (id: number) => [...dataset.captureSets.values()].filter((s) => s.project === id);
  projectId = [...dataset.projects.values()]
    .filter((p) => !p.draft)
    .sort((a, b) => setsOf(b.id).length - setsOf(a.id).length)[0]!.id;
});
afterAll(() => stack?.close());
afterEach(() => stack.fakes.beluga.control.setLatency({ fixedMs: 0 }));

async function run(doc: string, variables?: Record<string, unknown>) {
  stack.resetLedgers();
  const { body } = await stack.query(doc, variables);
  return { body, calls: stack.calls().routes };
}

const Q2 = `query($id: Int!) { project(sourceId: $id) { name collections(first: 20) {
  edges { node { name project { name } jobs { status } stats { itemCount } } } } } }`;

const project = (body: GraphQLBody) =>
  body.data?.project as {
    name: string;
    collections?: { edges: { node: { project: { name: string } } }[] };
    jobs?: { edges: unknown[] };
  } | null;

/** Both requests reached the fake before either could have answered: one round, not two. */
function expectOneRound(routes: [string, string]) {
  const [a, b] = routes.map((route) => stack.fakes.beluga.control.ledger.entries({ route })[0]!);
  expect(Math.abs(a!.startedAt - b!.startedAt)).toBeLessThan(150);
}

describe('project(sourceId:) sends its list calls with the detail', () => {
  it('Q2: project detail and capture-set list in one round (latency 200 ms)', async () => {
    stack.fakes.beluga.control.setLatency({ fixedMs: 200 });
    const { body, calls } = await run(Q2, { id: projectId });
    expect(body.errors).toBeUndefined();
    const p = project(body)!;
    expect(p.collections!.edges.length).toBeGreaterThan(0);
    for (const edge of p.collections!.edges) expect(edge.node.project.name).toBe(p.name);
    expect(calls).toEqual({ 'beluga:projects.detail': 1, 'beluga:collections.list': 1 });
    expectOneRound(['projects.detail', 'collections.list']);
  });

  it('jobs too: detail and job list in one round', async () => {
    stack.fakes.beluga.control.setLatency({ fixedMs: 200 });
    const { body, calls } = await run(
      `query($id: Int!) { project(sourceId: $id) { name jobs(first: 5) { edges { node { status } } } } }`,
      { id: projectId },
    );
    expect(body.errors).toBeUndefined();
    expect(project(body)!.jobs!.edges.length).toBeGreaterThan(0);
    expect(calls).toEqual({ 'beluga:projects.detail': 1, 'beluga:jobs.list': 1 });
    expectOneRound(['projects.detail', 'jobs.list']);
  });

  it("filters, ordering and a backward page: the early loads are the fields' own keys", async () => {
    stack.fakes.beluga.control.setLatency({ fixedMs: 200 });
    const { body, calls } = await run(
      `query($id: Int!, $status: [JobStatus!]) { project(sourceId: $id) { name
        collections(last: 2, method: RANDOM, orderBy: { field: CREATED_AT, direction: DESC }) {
          edges { node { name } } }
        jobs(first: 3, status: $status, type: [ML]) { edges { node { status } } } } }`,
      { id: projectId, status: ['SUCCESS', 'FAILURE'] },
    );
    expect(body.errors).toBeUndefined();
    // Another key on either side would add a list call after the detail.
    expect(calls).toEqual({
      'beluga:projects.detail': 1,
      'beluga:collections.list': 1,
      'beluga:jobs.list': 2,
    });
    const entries = (route: string) => stack.fakes.beluga.control.ledger.entries({ route });
    const [list] = entries('collections.list');
    expect(list!.query).toMatchObject({ method: 'random', ordering: 'created_at,id' });
    const jobs = entries('jobs.list').map((e) => [e.query.status, e.query.job_type_key]);
    expect(jobs.sort()).toEqual([
      ['FAILURE', 'ml'],
      ['SUCCESS', 'ml'],
    ]);
    const [detail] = entries('projects.detail');
    for (const entry of [list!, ...entries('jobs.list')]) {
      expect(Math.abs(entry.startedAt - detail!.startedAt)).toBeLessThan(150);
    }
  });

  it('warms exactly what the fields load: aliases, fragments, with_counts, @skip', async () => {
    const { body, calls } = await run(
      `query($id: Int!, $no: Boolean!) { project(sourceId: $id) {
        a: collections(first: 2) { edges { node { name } } }
        ...F
        c: collections(first: 4) @skip(if: $no) { edges { node { name } } }
      } }
      fragment F on Project { b: collections(first: 3, orderBy: { field: CREATED_AT }) {
        edges { node { stats { occurrencesCount } } } } }`,
      { id: projectId, no: true },
    );
    expect(body.errors).toBeUndefined();
    expect(calls).toEqual({ 'beluga:projects.detail': 1, 'beluga:collections.list': 2 });
    const lists = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(lists.map((e) => e.query.with_counts).sort()).toEqual(['true', undefined]);
  });

  it('a project that does not exist is still null, with no list data', async () => {
    const { body } = await run(Q2, { id: 987654 });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ project: null });
  });

  it('a missing project with occurrencesCount selected makes no with_counts call', async () => {
    const { body, calls } = await run(
      `query($id: Int!) { project(sourceId: $id) { name
        collections(first: 5) { edges { node { stats { occurrencesCount } } } }
        jobs(first: 5) { edges { node { status } } } } }`,
      { id: 987654 },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ project: null });
    expect(calls).toEqual({ 'beluga:projects.detail': 1, 'beluga:jobs.list': 1 });
  });

  it('with counts selected, the capture-set list waits for the detail and carries with_counts', async () => {
    stack.fakes.beluga.control.setLatency({ fixedMs: 200 });
    const { body, calls } = await run(
      `query($id: Int!) { project(sourceId: $id) {
        collections(first: 5) { edges { node { stats { occurrencesCount } } } } } }`,
      { id: projectId },
    );
    expect(body.errors).toBeUndefined();
    expect(calls).toEqual({ 'beluga:projects.detail': 1, 'beluga:collections.list': 1 });
    const [detail] = stack.fakes.beluga.control.ledger.entries({ route: 'projects.detail' });
    const [list] = stack.fakes.beluga.control.ledger.entries({ route: 'collections.list' });
    expect(list!.query.with_counts).toBe('true');
    expect(list!.startedAt - detail!.startedAt).toBeGreaterThanOrEqual(150);
  });

  it('bad paging arguments still fail only the list field', async () => {
    const { body, calls } = await run(
      `query($id: Int!) { project(sourceId: $id) { name collections(first: 500) { totalCount } } }`,
      { id: projectId },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls).toEqual({ 'beluga:projects.detail': 1 });
  });
});
