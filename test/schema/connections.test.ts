import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/dataset.ts';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let projectId: number;
let draftProject: number;

beforeAll(async () => {
  stack = await startStack();
  const { dataset } = stack.fakes;
  const visible = [...dataset.projects.values()].filter((p) => !p.draft);
  const setsOf = (id: number) => [...dataset.captureSets.values()].filter((s) => s.project === id);
  projectId = visible.sort((a, b) => setsOf(b.id).length - setsOf(a.id).length)[0]!.id;
  draftProject = dataset.ids.draftProjects.find((id) => setsOf(id).length > 0)!;
});
afterAll(() => stack?.close());

async function run(
  doc: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) {
  stack.resetLedgers();
  const { body } = await stack.query(doc, variables, headers);
  return { body, calls: stack.calls(), beluga: stack.fakes.beluga.control.ledger.entries() };
}
interface CollectionNode {
  source: string;
  sourceId: string;
  method: string | null;
  project: { name: string } | null;
  stats: { occurrencesCount: number | null; taxaCount: number | null };
}
interface Connection {
  totalCount: number;
  pageInfo: { endCursor: string | null };
  edges: { cursor: string; node: CollectionNode }[];
}
interface Data {
  collections: Connection;
  project: { name: string; collections: Connection };
}
const data = (body: GraphQLBody) => body.data as unknown as Data;

describe('Project.collections', () => {
  it('serves a page with project, jobs and item counts from one list call', async () => {
    const { body, calls, beluga } = await run(
      `query($id: Int!) { project(sourceId: $id) { name collections(first: 5) { totalCount
        edges { node { name project { name } jobs { status } stats { itemCount } } } } } }`,
      { id: projectId },
    );
    expect(body.errors).toBeUndefined();
    const project = data(body).project;
    expect(project.collections.edges).toHaveLength(5);
    for (const edge of project.collections.edges)
      expect(edge.node.project?.name).toBe(project.name);
    expect(calls.routes).toEqual({ 'beluga:projects.detail': 1, 'beluga:collections.list': 1 });
    const list = beluga.find((e) => e.route === 'collections.list');
    expect(list?.query).toEqual({
      project_id: String(projectId),
      ordering: 'name,id',
      limit: '5',
      offset: '0',
    });
  });

  it('hydrates occurrencesCount and taxaCount through with_counts on the same list call', async () => {
    const doc = `query($id: Int!) { project(sourceId: $id) { collections(first: 4) {
      edges { node { sourceId stats { occurrencesCount taxaCount } } } } } }`;
    const { body, calls, beluga } = await run(doc, { id: projectId });
    expect(body.errors).toBeUndefined();
    expect(calls.routes).toEqual({ 'beluga:projects.detail': 1, 'beluga:collections.list': 1 });
    expect(beluga.find((e) => e.route === 'collections.list')?.query.with_counts).toBe('true');
    for (const { node } of data(body).project.collections.edges) {
      const record = stack.fakes.dataset.captureSets.get(Number(node.sourceId))!;
      expect(node.stats.occurrencesCount).toBe(record.occurrencesCount);
      expect(typeof node.stats.taxaCount).toBe('number');
    }
  });

  it('uses with_counts for filter.projectId too, and never for an unscoped list', async () => {
    const scoped = await run(
      `query($id: Int!) { collections(first: 3, filter: { projectId: $id }) {
        edges { node { stats { occurrencesCount } } } } }`,
      { id: projectId },
    );
    expect(scoped.calls.routes).toEqual({ 'beluga:collections.list': 1 });
    expect(scoped.beluga[0]?.query.with_counts).toBe('true');
    const plain = await run(
      `{ collections(first: 3, filter: { sources: [BELUGA] }) { edges { node { name } } } }`,
    );
    expect(plain.calls.routes).toEqual({ 'beluga:collections.list': 1 });
    expect(plain.beluga[0]?.query.with_counts).toBeUndefined();
  });

  it('primes the point loaders: a listed collection and its project cost nothing more', async () => {
    const { body, calls } = await run(
      `query($id: Int!) { collections(first: 3, filter: { projectId: $id }) {
        edges { node { sourceId project { name } } } }
        again: collections(first: 3, filter: { projectId: $id }) { totalCount } }`,
      { id: projectId },
    );
    expect(body.errors).toBeUndefined();
    expect(calls.routes).toEqual({ 'beluga:collections.list': 1, 'beluga:projects.detail': 1 });
  });
  it('pages a project both ways in the upstream order, one list call per page', async () => {
    const response = await fetch(
      `${stack.fakes.beluga.url}/api/v2/captures/collections/?project_id=${projectId}&ordering=-updated_at,-id&limit=1000`,
    );
    const direct = ((await response.json()) as { results: { id: number }[] }).results.map((r) =>
      String(r.id),
    );
    const doc = `query($id: Int!, $first: Int, $after: String, $last: Int, $before: String) {
      project(sourceId: $id) { collections(first: $first, after: $after, last: $last, before: $before,
        orderBy: { field: UPDATED_AT, direction: DESC }) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { sourceId } } } } }`;
    for (const forward of [true, false]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 30; i += 1) {
        const variables = forward ? { first: 3, after: cursor } : { last: 3, before: cursor };
        const { body, calls } = await run(doc, { id: projectId, ...variables });
        expect(calls.routes['beluga:collections.list']).toBe(1);
        const page = data(body).project.collections as Connection & {
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string };
        };
        const ids = page.edges.map((e) => e.node.sourceId);
        if (forward) seen.push(...ids);
        else seen.unshift(...ids);
        if (!(forward ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage)) break;
        cursor = forward ? page.pageInfo.endCursor : page.pageInfo.startCursor;
      }
      expect(seen).toEqual(direct);
    }
  });
});

describe('Query.collections filters', () => {
  const doc = `query($filter: CollectionFilter) { collections(first: 100, filter: $filter) {
    totalCount edges { node { source sourceId method project { sourceId } } } } }`;

  it('sources selects one upstream without calling the other', async () => {
    const wickson = await run(doc, { filter: { sources: ['WICKSON'] } });
    expect(wickson.calls.routes).toEqual({ 'wickson:collections.list': 1 });
    const nodes = data(wickson.body).collections.edges.map((e) => e.node);
    expect(nodes.every((n) => n.source === 'WICKSON')).toBe(true);
    expect(nodes).toHaveLength(stack.fakes.dataset.wickson.collections.length);
    const beluga = await run(
      `{ collections(first: 2, filter: { sources: [BELUGA] }) { totalCount } }`,
    );
    expect(beluga.calls.routes).toEqual({ 'beluga:collections.list': 1 });
  });

  it('projectId and method are Beluga-only: Wickson is left out', async () => {
    const byProject = await run(doc, { filter: { projectId } });
    expect(byProject.calls.routes).toEqual({
      'beluga:collections.list': 1,
      'beluga:projects.detail': 1,
    });
    const nodes = data(byProject.body).collections.edges.map((e) => e.node);
    const expected = [...stack.fakes.dataset.captureSets.values()].filter(
      (s) => s.project === projectId,
    );
    expect(nodes.map((n) => Number(n.sourceId)).sort()).toEqual(expected.map((s) => s.id).sort());
    const byMethod = await run(
      `{ collections(first: 100, filter: { method: RANDOM }) { totalCount edges { node { source method } } } }`,
    );
    expect(byMethod.calls.routes).toEqual({ 'beluga:collections.list': 1 });
    expect(byMethod.beluga[0]?.query.method).toBe('random');
    const methods = data(byMethod.body).collections.edges.map((e) => e.node.method);
    expect(methods.length).toBeGreaterThan(0);
    expect(new Set(methods)).toEqual(new Set(['RANDOM']));
  });

  it('a projectId naming no project lists nothing (Beluga would ignore the filter)', async () => {
    const { body } = await run(
      `{ collections(filter: { projectId: 987654 }) { totalCount edges { cursor } } }`,
    );
    expect(data(body).collections).toEqual({ totalCount: 0, edges: [] });
  });

  it("shows draft projects' capture sets to members only", async () => {
    const q = `query($id: Int!) { collections(filter: { projectId: $id }) { totalCount } }`;
    const anonymous = await run(q, { id: draftProject });
    expect(data(anonymous.body).collections.totalCount).toBe(0);
    const member = await run(
      q,
      { id: draftProject },
      { authorization: `Token ${FAKE_MEMBER_TOKEN}` },
    );
    const expected = [...stack.fakes.dataset.captureSets.values()].filter(
      (s) => s.project === draftProject,
    );
    expect(data(member.body).collections.totalCount).toBe(expected.length);
    expect(member.beluga[0]?.headers.authorization).toBe(`Token ${FAKE_MEMBER_TOKEN}`);
  });
});
