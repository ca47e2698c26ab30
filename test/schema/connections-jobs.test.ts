import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/dataset.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let projectId: number;

beforeAll(async () => {
  stack = await startStack();
  const { dataset } = stack.fakes;
  const jobsOf = (id: number) => [...dataset.jobs.values()].filter((j) => j.project === id).length;
  projectId = [...dataset.projects.values()]
    .filter((p) => !p.draft)
    .sort((a, b) => jobsOf(b.id) - jobsOf(a.id))[0]!.id;
});
afterAll(() => stack?.close());

interface JobNode {
  sourceId: number;
  status: string;
  type: { key: string };
  createdAt: string;
}

interface JobsPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string };
  edges: { node: JobNode }[];
}

const JOBS = `query($id: Int!, $first: Int, $after: String, $status: [JobStatus!], $type: [JobTypeKey!]) {
  project(sourceId: $id) { jobs(first: $first, after: $after, status: $status, type: $type) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { sourceId status type { key } createdAt } } } } }`;

async function direct(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.fakes.beluga.url}${path}`, { headers });
  return (
    (await response.json()) as {
      results: { id: number; status: string; job_type: { key: string } }[];
    }
  ).results;
}

/** Pages through Project.jobs; returns the nodes and the jobs.list calls of every page. */
async function walkJobs(variables: Record<string, unknown>) {
  const nodes: JobNode[] = [];
  const listCalls: Record<string, string>[][] = [];
  let after: string | undefined;
  for (let i = 0; i < 40; i += 1) {
    stack.resetLedgers();
    const { body } = await stack.query(JOBS, { id: projectId, first: 4, after, ...variables });
    expect(body.errors).toBeUndefined();
    const jobs = (body.data as { project: { jobs: JobsPage } }).project.jobs;
    listCalls.push(
      stack.fakes.beluga.control.ledger.entries({ route: 'jobs.list' }).map((e) => e.query),
    );
    expect(stack.calls().beluga).toBe(1 + listCalls.at(-1)!.length);
    nodes.push(...jobs.edges.map((e) => e.node));
    if (!jobs.pageInfo.hasNextPage) return { nodes, listCalls, totalCount: jobs.totalCount };
    after = jobs.pageInfo.endCursor;
  }
  throw new Error('did not reach the end');
}

describe('Project.jobs', () => {
  it('pages all jobs newest first with one list call per page', async () => {
    const expected = await direct(`/api/v2/jobs/?project_id=${projectId}&limit=1000`);
    const { nodes, listCalls, totalCount } = await walkJobs({});
    expect(totalCount).toBe(expected.length);
    expect(nodes.map((n) => n.sourceId)).toEqual(expected.map((j) => j.id));
    for (const calls of listCalls) expect(calls).toHaveLength(1);
    expect(listCalls[0]?.[0]).toMatchObject({
      project_id: String(projectId),
      ordering: '-created_at,-id',
      limit: '4',
    });
  });

  it('passes a single status and type upstream', async () => {
    const { listCalls, nodes } = await walkJobs({ status: ['SUCCESS'], type: ['ML'] });
    for (const calls of listCalls) {
      expect(calls).toEqual([expect.objectContaining({ status: 'SUCCESS', job_type_key: 'ml' })]);
    }
    expect(nodes.every((n) => n.status === 'SUCCESS' && n.type.key === 'ML')).toBe(true);
  });

  it('merges one call per status for several statuses, newest first, without gaps', async () => {
    const all = await direct(`/api/v2/jobs/?project_id=${projectId}&limit=1000`);
    const wanted = all.filter((j) => j.status === 'SUCCESS' || j.status === 'FAILURE');
    expect(wanted.some((j) => j.status === 'FAILURE')).toBe(true);
    const { nodes, listCalls, totalCount } = await walkJobs({ status: ['SUCCESS', 'FAILURE'] });
    expect(totalCount).toBe(wanted.length);
    expect(nodes.map((n) => n.sourceId)).toEqual(wanted.map((j) => j.id));
    for (const calls of listCalls) {
      expect(calls.map((q) => q.status).sort()).toEqual(['FAILURE', 'SUCCESS']);
    }
  });

  it('treats a list naming every status as no filter', async () => {
    const every = [
      'CREATED',
      'PENDING',
      'STARTED',
      'SUCCESS',
      'FAILURE',
      'RETRY',
      'CANCELING',
      'REVOKED',
      'RECEIVED',
      'UNKNOWN',
    ];
    const { listCalls } = await walkJobs({ status: every });
    expect(listCalls[0]).toEqual([expect.not.objectContaining({ status: expect.anything() })]);
  });

  it('rejects too many status/type pairs before calling upstream for jobs', async () => {
    stack.resetLedgers();
    const { body } = await stack.query(JOBS, {
      id: projectId,
      status: ['CREATED', 'PENDING', 'STARTED', 'SUCCESS'],
      type: ['ML', 'DATA_EXPORT', 'POST_PROCESSING', 'REGROUP_EVENTS'],
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.fakes.beluga.control.ledger.count({ route: 'jobs.list' })).toBe(0);
  });
});

interface ProjectsPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
  edges: { node: { sourceId: number } }[];
}

describe('Query.projects', () => {
  const doc = `query($after: String) { projects(first: 5, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { sourceId name draft } } } }`;

  async function walkProjects(headers?: Record<string, string>) {
    const ids: number[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i += 1) {
      stack.resetLedgers();
      const { body } = await stack.query(doc, { after }, headers);
      expect(body.errors).toBeUndefined();
      expect(stack.calls().routes).toEqual({ 'beluga:projects.list': 1 });
      const page = (body.data as { projects: ProjectsPage }).projects;
      expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
      ids.push(...page.edges.map((e) => e.node.sourceId));
      if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
    throw new Error('did not reach the end');
  }

  it('pages in the upstream default order, one list call per page', async () => {
    const expected = (await direct('/api/v2/projects/?limit=1000')).map((p) => p.id);
    const { ids, totalCount } = await walkProjects();
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  });

  it('shows draft projects to members only', async () => {
    const anonymous = await walkProjects();
    const member = await walkProjects({ authorization: `Token ${FAKE_MEMBER_TOKEN}` });
    const drafts = stack.fakes.dataset.ids.draftProjects;
    expect(drafts.length).toBeGreaterThan(0);
    expect(anonymous.ids.some((id) => drafts.includes(id))).toBe(false);
    expect(drafts.every((id) => member.ids.includes(id))).toBe(true);
    expect(member.totalCount).toBe(anonymous.totalCount + drafts.length);
  });
});
