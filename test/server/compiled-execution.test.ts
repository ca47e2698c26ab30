/**
 * Compiled execution (src/server/plugins/use-compiled-execution.ts): a query document runs on the
 * executor until its COMPILE_QUERIES_AFTER-th execution and compiled (graphql-jit) from then on,
 * with the same answer byte for byte: data, errors (message, locations, path, code) and extensions.
 * Mutations and @defer/@stream documents stay on the executor; a one-off document, or one the cost
 * check refuses, is never compiled; compilations are budgeted per minute.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, type GatewayMetrics } from '../../src/server/metrics.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

let stack: Stack;
let metrics: GatewayMetrics;
beforeAll(async () => {
  metrics = createMetrics({});
  stack = await startStack({ config: { COMPILE_QUERIES_AFTER: '2' }, gateway: { metrics } });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.wickson.control.clearFaults());

/** gateway_compiled_operations_total{outcome} in `registry`. */
const compiledIn = (registry: GatewayMetrics) => async (outcome: string) => {
  const line = (await registry.render())
    .split('\n')
    .find((l) => l.startsWith(`gateway_compiled_operations_total{outcome="${outcome}"}`));
  return Number(line?.split(' ').pop() ?? Number.NaN);
};
const compiled = (outcome: string) => compiledIn(metrics)(outcome);

/** A second gateway over the same fakes with its own config and metrics, closed after `run`. */
async function withGateway(
  config: Record<string, string>,
  run: (gateway: Stack, count: (outcome: string) => Promise<number>) => Promise<void>,
  now?: () => number,
) {
  const own = createMetrics({});
  const gateway = await startStack({
    sharedFakes: stack.fakes,
    config,
    gateway: { metrics: own, ...(now ? { now } : {}) },
  });
  try {
    await run(gateway, compiledIn(own));
  } finally {
    await gateway.close();
  }
}

/** The body as sent, without what differs per request (the request ids in each error). */
const comparable = (body: unknown) =>
  JSON.parse(JSON.stringify(body).replace(/"(upstreamR|r)equestId":"[^"]+"/g, '"$1equestId":"-"'));

const CORPUS: { name: string; document: string; variables?: Record<string, unknown> }[] = [
  {
    name: 'a capture set with its project, stats and jobs (aliases, a fragment, @include)',
    document: `query One($id: String!, $withJobs: Boolean = true) {
      c: collection(source: BELUGA, sourceId: $id) { ...Set
        jobs @include(if: $withJobs) { status type { key } createdAt } } }
      fragment Set on Collection { id name method project { name } stats { itemCount occurrencesCount } }`,
    variables: { id: '21' },
  },
  {
    name: 'a merged page over both sources with cursors and Wickson stats',
    document: `{ collections(first: 7) { totalCount pageInfo { endCursor hasNextPage }
      edges { cursor node { __typename name source stats { itemCount mediaTypeDistribution { mediaType count } } } } } }`,
  },
  {
    name: 'a project page with nested connections and a node(id:) lookup through an inline fragment',
    document: `query P($id: Int!) { project(sourceId: $id) { id name
      collections(first: 3) { edges { node { id name jobs { status } } } } }
      n: node(id: "Q29sbGVjdGlvbjpCRUxVR0E6MjE=") { id ... on Collection { name } } }`,
    variables: { id: 1 },
  },
  {
    name: 'a missing capture set and a bad argument (errors with locations and paths)',
    document: `{ missing: collection(source: BELUGA, sourceId: "999999999") { name }
      bad: collections(first: -1) { totalCount } }`,
  },
];

describe('a repeated query runs compiled with the same answer', () => {
  for (const { name, document, variables } of CORPUS) {
    it(name, async () => {
      const before = await compiled('compiled');
      const first = await stack.query(document, variables, member);
      const second = await stack.query(document, variables, member);
      expect(await compiled('compiled')).toBe(before + 1);
      const third = await stack.query(document, variables, member);
      // Byte for byte: the same keys in the same order (errors first, as the executor sends them).
      expect(JSON.stringify(comparable(second.body))).toBe(JSON.stringify(comparable(first.body)));
      expect(JSON.stringify(comparable(third.body))).toBe(JSON.stringify(comparable(first.body)));
      expect(await compiled('compiled')).toBe(before + 1);
    });
  }

  it('an upstream failure under a compiled document is masked and located as before', async () => {
    const document = `{ ok: collection(source: BELUGA, sourceId: "21") { name }
      w: collections(filter: { sources: [WICKSON] }, first: 2) { edges { node { name } } } }`;
    const answers = [];
    for (let i = 0; i < 3; i++) {
      stack.fakes.wickson.control.clearFaults();
      stack.fakes.wickson.control.addFault({
        kind: 'status',
        route: 'collections.list',
        status: 500,
      });
      answers.push(comparable((await stack.query(document, {}, member)).body));
    }
    expect(answers[0].errors?.[0]).toMatchObject({
      locations: [{ line: 2, column: 7 }],
      path: ['w'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(JSON.stringify(answers[2])).toBe(JSON.stringify(answers[0]));
  });
});

describe('what stays on the executor', () => {
  it('a document seen once is never compiled', async () => {
    const before = await compiled('compiled');
    const { body } = await stack.query(
      'query Once { collection(source: BELUGA, sourceId: "22") { name } }',
    );
    expect(body.data).toBeTruthy();
    expect(await compiled('compiled')).toBe(before);
  });

  it('a mutation and an @defer document are left to the executor on their repeat', async () => {
    const before = await compiled('executor');
    const mutation = 'mutation M { __typename }';
    for (let i = 0; i < 3; i++) await stack.query(mutation);
    const deferred = `{ collection(source: BELUGA, sourceId: "21") { name ... @defer { stats { itemCount } } } }`;
    for (let i = 0; i < 3; i++) {
      const res = await stack.post({ query: deferred }, { accept: 'multipart/mixed' });
      expect(res.status).toBe(200);
      expect(String(res.body)).toContain('"itemCount"');
    }
    expect(await compiled('executor')).toBe(before + 2);
  });
});

it('COMPILE_QUERIES_AFTER=0 never compiles', () =>
  withGateway({ COMPILE_QUERIES_AFTER: '0' }, async (off, count) => {
    for (let i = 0; i < 3; i++)
      await off.query('{ collection(source: BELUGA, sourceId: "21") { name } }');
    expect(await count('compiled')).toBe(0);
  }));

it('an operation refused by the cost check is never compiled, however often it is sent', () =>
  withGateway({ MAX_UPSTREAM_CALLS: '1' }, async (strict, count) => {
    const document = '{ collection(source: BELUGA, sourceId: "21") { name project { name } } }';
    for (let i = 0; i < 3; i++) {
      const { body } = await strict.query(document);
      expect(body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    }
    for (const outcome of ['compiled', 'executor', 'refused', 'postponed']) {
      expect(await count(outcome)).toBe(0);
    }
  }));

it('COMPILE_QUERIES_PER_MINUTE: past the budget a document runs on the executor until the next minute', () => {
  let clock = 1_000;
  return withGateway(
    { COMPILE_QUERIES_PER_MINUTE: '1' },
    async (budgeted, count) => {
      const first = '{ collection(source: BELUGA, sourceId: "21") { name } }';
      const second = '{ collection(source: BELUGA, sourceId: "22") { name } }';
      for (let i = 0; i < 2; i++) await budgeted.query(first);
      expect(await count('compiled')).toBe(1);
      const answers = [];
      for (let i = 0; i < 2; i++) answers.push((await budgeted.query(second)).body);
      expect(await count('compiled')).toBe(1);
      expect(await count('postponed')).toBe(1);
      expect(answers[1]).toEqual(answers[0]);
      clock += 60_000;
      const third = await budgeted.query(second);
      expect(await count('compiled')).toBe(2);
      expect(third.body).toEqual(answers[0]);
    },
    () => clock,
  );
});
