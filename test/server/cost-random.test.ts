/**
 * The prediction is an upper bound, per upstream, of what an operation calls: a few hundred
 * operations generated from the schema (./random-operations.ts, seeded) run against the fakes,
 * on the stand-alone graph and on the subgraph (`_entities` with random representations), and
 * each one's `extensions.cost.predicted` is compared with the fakes' ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { createRng } from '../../src/fakes/prng.ts';
import { subgraphSchema } from '../../src/schema/federation.ts';
import { schema } from '../../src/schema/index.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { type Pools, randomOperation } from './random-operations.ts';

const SEED = 20_241_124;
const OPERATIONS = 600;

/** Room for the operations to run: the cap far above them, no per-client limits. */
const CONFIG = {
  MAX_UPSTREAM_CALLS: '1000',
  CLIENT_CALLS_PER_MINUTE: '0',
  CLIENT_WICKSON_SHARE: '1',
  WICKSON_HOURLY_BUDGET: '1000000',
};

let fakes: Fakes;
let graph: Stack;
let subgraph: Stack;
let pools: Pools;

beforeAll(async () => {
  // A Wickson collection past 100 items: windows of two pages, `last` without a known total.
  fakes = await startFakes({ wicksonHourlyLimit: 1e9, scale: { wicksonLargeItems: 250 } });
  graph = await startStack({ sharedFakes: fakes, config: CONFIG });
  // The subgraph schema, served as /subgraph serves it (src/server/subgraph.ts).
  subgraph = await startStack({
    sharedFakes: fakes,
    config: CONFIG,
    gateway: { schema: subgraphSchema(), clientLimits: false },
  });
  pools = await harvest(graph);
}, 30_000);
afterAll(async () => {
  await graph?.close();
  await subgraph?.close();
  await fakes?.close();
});

type Edges<T> = { edges: { cursor: string; node: T }[] };

/** Ids and cursors the graph hands out, plus ones that do not exist or are malformed. */
async function harvest(stack: Stack): Promise<Pools> {
  const { body } = await stack.query(`{
    collections(first: 100) { edges { cursor node { id source sourceId } } }
    projects(first: 100) { edges { cursor node { id sourceId } } }
    project(sourceId: 23) { jobs(first: 40) { edges { cursor node { id sourceId } } }
      collections(first: 5) { edges { cursor } } }
    b: collection(source: BELUGA, sourceId: "21") { items(first: 4) { edges { cursor node { id } } } }
    w: collection(source: WICKSON, sourceId: "research_papers") {
      items(first: 4) { edges { cursor node { id } } } }
    l: collection(source: WICKSON, sourceId: "large_archive") {
      items(last: 3) { edges { cursor node { id } } } } }`);
  expect(body.errors).toBeUndefined();
  const data = body.data as {
    collections: Edges<{ id: string; source: string; sourceId: string }>;
    projects: Edges<{ id: string; sourceId: number }>;
    project: { jobs: Edges<{ id: string; sourceId: number }>; collections: Edges<unknown> };
    b: { items: Edges<{ id: string }> };
    w: { items: Edges<{ id: string }> };
    l: { items: Edges<{ id: string }> };
  };
  const sets = data.collections.edges.map((e) => e.node);
  const connections = [data.collections, data.projects, data.project.jobs, data.b.items];
  const cursors = [...connections, data.project.collections, data.w.items, data.l.items].flatMap(
    (c) => c.edges.map((e) => e.cursor),
  );
  const gid = (text: string) => Buffer.from(text).toString('base64url');
  return {
    globalIds: [
      ...sets.map((s) => s.id),
      ...data.projects.edges.map((e) => e.node.id),
      ...data.project.jobs.edges.map((e) => e.node.id),
      ...data.b.items.edges.map((e) => e.node.id),
      ...data.w.items.edges.map((e) => e.node.id),
      ...data.l.items.edges.map((e) => e.node.id),
      gid('Collection:BELUGA:999999'),
      gid('Collection:WICKSON:made_up'),
      gid('Project:BELUGA:999999'),
      gid('Job:BELUGA:999999'),
      gid('MediaItem:BELUGA:21:999999'),
      'not-an-id',
    ],
    belugaSets: sets.filter((s) => s.source === 'BELUGA').map((s) => s.sourceId),
    wicksonCollections: [
      ...sets.filter((s) => s.source === 'WICKSON').map((s) => s.sourceId),
      'made_up',
    ],
    projects: [...data.projects.edges.map((e) => e.node.sourceId), 90, 999_999],
    jobs: [...data.project.jobs.edges.map((e) => e.node.sourceId), 999_999],
    cursors,
  };
}

interface Cost {
  predicted: { beluga: number; wickson: number };
}

describe('random operations: predicted ≥ the calls the fakes saw, per upstream', () => {
  it(`holds for ${OPERATIONS} operations on /graphql and /subgraph`, async () => {
    const rng = createRng(SEED);
    const misses: string[] = [];
    let calling = 0;
    let entitiesCalling = 0;
    let refused = 0;
    for (let i = 0; i < OPERATIONS; i++) {
      const entities = i % 3 === 2;
      const stack = entities ? subgraph : graph;
      const op = randomOperation(entities ? subgraphSchema() : schema, rng, pools, entities);
      stack.resetLedgers();
      const { status, body } = await stack.query(op.query, op.variables);
      const { beluga, wickson } = stack.calls();
      const cost = (body as { extensions?: { cost?: Cost } }).extensions?.cost;
      const predicted = cost?.predicted ?? { beluga: 0, wickson: 0 };
      if (status >= 400) refused += 1;
      if (beluga + wickson > 0) {
        calling += 1;
        if (entities) entitiesCalling += 1;
      }
      if (predicted.beluga < beluga || predicted.wickson < wickson) {
        const seen = JSON.stringify({ predicted, ledger: { beluga, wickson } });
        misses.push(`${seen}\n${op.query}\n${JSON.stringify(op.variables).slice(0, 400)}`);
      }
    }
    expect(misses).toEqual([]);
    // The operations are real work: most of them call upstreams, few are refused outright.
    expect(calling).toBeGreaterThan(OPERATIONS / 2);
    expect(entitiesCalling).toBeGreaterThan(OPERATIONS / 6);
    expect(refused).toBeLessThan(OPERATIONS / 10);
  }, 60_000);
});
