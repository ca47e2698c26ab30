/**
 * Cost = upstream calls: for every rule in src/server/cost-rules.ts, the prediction reported in
 * `extensions.cost` is compared with the calls the fakes' ledger counted. The prediction must be
 * an upper bound; where the rule is exact, it equals the ledger.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { FAKE_MEMBER_TOKEN } from '../helpers/fakes.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetLedgers());

interface Cost {
  predicted: { beluga: number; wickson: number };
  actual: { beluga: number; wickson: number };
  limit: number;
}

async function run(query: string, variables?: Record<string, unknown>) {
  const { status, body } = await stack.query(query, variables);
  const cost = (body as { extensions?: { cost?: Cost } }).extensions?.cost as Cost;
  const { beluga, wickson } = stack.calls();
  return { status, body, cost, ledger: { beluga, wickson } };
}

const cases: {
  rule: string;
  query: string;
  variables?: Record<string, unknown>;
  predicted: [number, number];
  ledger: [number, number];
  /** BAD_USER_INPUT errors the query is expected to answer with. */
  errors?: number;
}[] = [
  {
    rule: 'collection(BELUGA): one capture-set detail, counts included',
    query: `{ collection(source: BELUGA, sourceId: "21") { name description stats { itemCount occurrencesCount taxaCount } } }`,
    predicted: [1, 0],
    ledger: [1, 0],
  },
  {
    rule: 'README example: a set, its project and its first capture date',
    query: `{ collection(source: BELUGA, sourceId: "21") { name project { name } stats { firstItemDate } } }`,
    predicted: [3, 0],
    ledger: [3, 0],
  },
  {
    rule: 'Collection.project: one project load',
    query: `{ collection(source: BELUGA, sourceId: "21") { project { name description } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'Collection.jobs: summaries free, one jobs list when a field outside them is selected',
    query: `{ collection(source: BELUGA, sourceId: "21") { a: jobs { status } b: jobs { name progress { progress } } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'firstItemDate and lastItemDate: one captures call each per set',
    query: `{ collection(source: BELUGA, sourceId: "21") { stats { firstItemDate lastItemDate } } }`,
    predicted: [3, 0],
    ledger: [3, 0],
  },
  {
    rule: 'collection(WICKSON): one detail serves every stat',
    query: `{ collection(source: WICKSON, sourceId: "research_papers") { name createdAt stats { itemCount firstItemDate mediaTypeDistribution { mediaType count } } } }`,
    predicted: [0, 1],
    ledger: [0, 1],
  },
  {
    rule: 'aliases of one lookup share its call',
    query: `{ a: collection(source: BELUGA, sourceId: "21") { name } b: collection(source: BELUGA, sourceId: "21") { description } }`,
    predicted: [1, 0],
    ledger: [1, 0],
  },
  {
    rule: 'an invalid id makes no call',
    query: `{ collection(source: BELUGA, sourceId: "x") { name } job(sourceId: 0) { name } }`,
    predicted: [0, 0],
    ledger: [0, 0],
    errors: 2,
  },
  {
    rule: 'collections: one list per source; projects of a page in one call',
    query: `{ collections(first: 5) { totalCount edges { node { name stats { itemCount } project { name } } } } }`,
    predicted: [2, 1],
    ledger: [2, 1],
  },
  {
    rule: 'collections: Wickson details per listed collection (upper bound: the page size)',
    query: `{ collections(first: 10, filter: { sources: [WICKSON] }) { edges { node { stats { mediaTypeDistribution { count } } } } } }`,
    predicted: [0, 11],
    ledger: [0, 5],
  },
  {
    rule: 'collections: counts on a list without with_counts, one call per set at most',
    query: `{ collections(first: 3, filter: { sources: [BELUGA] }) { edges { node { stats { occurrencesCount } } } } }`,
    predicted: [4, 0],
    ledger: [4, 0],
  },
  {
    rule: '@skip leaves a field and its calls out',
    query: `{ collections(first: 3, filter: { sources: [BELUGA] }) { edges { node { stats @skip(if: true) { firstItemDate } } } } }`,
    predicted: [1, 0],
    ledger: [1, 0],
  },
  {
    rule: 'project(sourceId) with collections: the counts come on the same list call',
    query: `{ project(sourceId: 23) { name collections(first: 20) { totalCount edges { node { name project { name } jobs { status } stats { itemCount occurrencesCount taxaCount } } } } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'Project.jobs: one list per (status, type) pair',
    query: `{ project(sourceId: 23) { jobs(first: 10, status: [SUCCESS, FAILURE]) { totalCount edges { node { sourceId name status durationSeconds progress { progress } collection { name } project { name } } } } } }`,
    predicted: [3, 0],
    ledger: [3, 0],
  },
  {
    rule: "Job.collection: a stub fetches the set for fields outside the job's summary",
    query: `{ project(sourceId: 23) { jobs(first: 10) { edges { node { collection { stats { itemCount } } } } } } }`,
    predicted: [12, 0],
    ledger: [3, 0],
  },
  {
    rule: 'projects with their collections: the listed project is the sets’ project',
    query: `{ projects(first: 5) { edges { node { name collections(first: 3) { edges { node { name project { name } } } } } } } }`,
    predicted: [6, 0],
    ledger: [6, 0],
  },
  {
    rule: 'job(sourceId): one detail; collection fields outside the summary one more',
    query: `{ job(sourceId: 1146) { name collection { name description } project { name } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'jobs of a set: the project by id is one load',
    query: `{ collection(source: BELUGA, sourceId: "21") { jobs { project { name } collection { name } } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'node and nodes: one call per distinct id, on its upstream',
    query: `query($ids: [ID!]!) { node(id: "${encodeGlobalId('Job', 'BELUGA:1146')}") { id } nodes(ids: $ids) { id ... on Collection { name } } }`,
    variables: {
      ids: [
        encodeGlobalId('Collection', 'BELUGA:21'),
        encodeGlobalId('Collection', 'WICKSON:research_papers'),
        encodeGlobalId('Collection', 'WICKSON:research_papers'),
        encodeGlobalId('Project', 'BELUGA:23'),
      ],
    },
    predicted: [3, 1],
    ledger: [3, 1],
  },
  {
    rule: 'Collection.items: one captures list per set; the item’s collection is the parent',
    query: `{ collection(source: BELUGA, sourceId: "21") { items(first: 5) { totalCount edges { node { filename collection { name description } } } } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'Collection.items on Wickson: at most two media pages per window, summaries per item',
    query: `{ collection(source: WICKSON, sourceId: "research_papers") { items(first: 10) { edges { node { filename summary } } } } }`,
    predicted: [0, 13],
    ledger: [0, 2],
  },
  {
    rule: "a job's set summary loads the set for its stats' fetch time",
    query: `{ job(sourceId: 1146) { collection { stats { fetchedAt } } } }`,
    predicted: [2, 0],
    ledger: [2, 0],
  },
  {
    rule: 'variable defaults set the page size',
    query: `query($n: Int = 4) { collections(first: $n, filter: { sources: [BELUGA] }) { edges { node { stats { firstItemDate } } } } }`,
    predicted: [5, 0],
    ledger: [5, 0],
  },
];

describe('predicted calls against the ledger', () => {
  it.each(cases)('$rule', async ({ query, variables, predicted, ledger, errors }) => {
    const result = await run(query, variables);
    expect(result.status).toBe(200);
    expect(result.body.errors?.map((e) => e.extensions?.code) ?? []).toEqual(
      Array.from({ length: errors ?? 0 }, () => 'BAD_USER_INPUT'),
    );
    expect([result.ledger.beluga, result.ledger.wickson]).toEqual(ledger);
    expect([result.cost.predicted.beluga, result.cost.predicted.wickson]).toEqual(predicted);
    expect(result.cost.actual).toEqual(result.ledger);
    expect(result.cost.predicted.beluga).toBeGreaterThanOrEqual(result.ledger.beluga);
    expect(result.cost.predicted.wickson).toBeGreaterThanOrEqual(result.ledger.wickson);
    expect(result.cost.limit).toBe(150);
  });
});

describe('mutations: one Beluga write each, plus the reads their payload selects', () => {
  const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
  const job = encodeGlobalId('Job', 'BELUGA:1338');
  const set = encodeGlobalId('Collection', 'BELUGA:67');
  const write = async (query: string, predicted: number, ledger: number) => {
    stack.fakes.beluga.control.reset();
    const { body } = await stack.query(query, undefined, member);
    const cost = (body as { extensions?: { cost?: Cost } }).extensions?.cost as Cost;
    expect(body.errors).toBeUndefined();
    expect(cost.predicted).toEqual({ beluga: predicted, wickson: 0 });
    expect(stack.calls().beluga).toBe(ledger);
  };

  it('two job actions on one job are two writes, each with its own read of the set', () =>
    write(
      `mutation { a: runJob(input: {id: "${job}"}) { job { status collection { jobs { status } } } }
                  b: cancelJob(input: {id: "${job}"}) { job { status collection { jobs { status } } } } }`,
      4,
      4,
    ));

  it('two aliases of one action are two writes, each with its own read of the set', () =>
    write(
      `mutation { a: runJob(input: {id: "${job}"}) { job { collection { jobs { status } } } }
                  b: runJob(input: {id: "${job}"}) { job { collection { jobs { status } } } } }`,
      4,
      4,
    ));

  it("a new set's counts: one read of its detail for all of them, at most", async () => {
    stack.fakes.beluga.control.reset();
    const { body } = await stack.query(
      `mutation { createCollection(input: {projectId: 90, name: "Counted", method: FULL}) {
        collection { stats { itemCount withDetectionsCount processedCount occurrencesCount
                             taxaCount mediaTypeDistribution { count } fetchedAt } } } }`,
      undefined,
      member,
    );
    const cost = (body as { extensions?: { cost?: Cost } }).extensions?.cost as Cost;
    expect(body.errors).toBeUndefined();
    expect(cost.predicted).toEqual({ beluga: 2, wickson: 0 });
    expect(stack.calls().beluga).toBeLessThanOrEqual(2);
  });

  it('populate: the answer holds only the job id; its status reads the job', async () => {
    await write(
      `mutation { populateCollection(input: {id: "${set}"}) { job { sourceId } } }`,
      1,
      1,
    );
    await write(`mutation { populateCollection(input: {id: "${set}"}) { job { status } } }`, 2, 2);
  });
});
