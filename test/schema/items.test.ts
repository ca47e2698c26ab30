import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN } from '../../src/fakes/index.ts';
import { belugaTime } from '../../src/schema/normalize/time.ts';
import { Q4, q4Variants } from '../bench/queries.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ fakes: { scale: { wicksonLargeItems: 250 } } });
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.resetLedgers();
  stack.fakes.beluga.control.clearFaults();
  stack.fakes.wickson.control.clearFaults();
});

interface Item {
  id: string;
  sourceId: string;
  [field: string]: unknown;
}
interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: { cursor: string; node: Item }[];
}

const PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id sourceId } }`;

async function itemsPage(
  source: 'BELUGA' | 'WICKSON',
  sourceId: string,
  args: string,
  selection = PAGE,
): Promise<Page> {
  const { body } = await stack.query(
    `query($id: String!) { collection(source: ${source}, sourceId: $id) { items(${args}) { ${selection} } } }`,
    { id: sourceId },
  );
  expect(body.errors).toBeUndefined();
  return (body.data!.collection as { items: Page }).items;
}

/** Pages through a whole collection in one direction; returns the ids in list order. */
async function pageThrough(
  source: 'BELUGA' | 'WICKSON',
  sourceId: string,
  size: number,
  direction: 'forward' | 'backward',
) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let requests = 0;
  for (;;) {
    const args: string =
      direction === 'forward'
        ? `first: ${size}${cursor ? `, after: "${cursor}"` : ''}`
        : `last: ${size}${cursor ? `, before: "${cursor}"` : ''}`;
    const page = await itemsPage(source, sourceId, args);
    requests += 1;
    const pageIds = page.edges.map((e) => e.node.sourceId);
    if (direction === 'forward') {
      ids.push(...pageIds);
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    } else {
      ids.unshift(...pageIds);
      if (!page.pageInfo.hasPreviousPage) break;
      cursor = page.pageInfo.startCursor;
    }
  }
  return { ids, requests };
}

/** The fake's captures of set 21 (capture i has id 21·10⁵+i, timestamps increasing with i). */
const set21Ids = () => Array.from({ length: 403 }, (_, i) => String(2_100_000 + i));

/** The fake's media of a collection in Wickson's list order: newest first, then by id. */
function mediaIds(collection: string): string[] {
  const record = stack.fakes.dataset.wickson.collections.find((c) => c.id === collection)!;
  return [...record.items]
    .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1))
    .map((m) => m.id);
}

describe('Collection.items: first pages', () => {
  it('a Beluga capture set: set detail, then one captures call carrying its project_id', async () => {
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      stats { itemCount firstItemDate }
      items(first: 3) { totalCount edges { node { sourceId source mediaType filename url capturedAt
        width height sizeBytes detectionsCount summary createdAt collection { name } } } } } }`);
    expect(body.errors).toBeUndefined();
    const c = body.data!.collection as {
      stats: { itemCount: number; firstItemDate: string };
      items: Page;
    };
    expect(c.items.totalCount).toBe(403);
    expect(c.items.totalCount).toBe(c.stats.itemCount);
    const set = stack.fakes.dataset.captureSets.get(21)!;
    const naive = new Date(set.captureStartMs).toISOString().slice(0, 19);
    const first = c.items.edges[0]!.node;
    expect(first).toMatchObject({
      sourceId: '2100000',
      source: 'BELUGA',
      mediaType: 'IMAGE',
      width: 4096,
      height: 2160,
      summary: null,
      createdAt: null,
      collection: { name: 'Insectarium, End of every night' },
    });
    expect(first.capturedAt).toBe(belugaTime(naive, 'America/New_York'));
    expect(first.capturedAt).toBe(c.stats.firstItemDate);
    expect(first.filename).toMatch(/-snapshot\.jpg$/);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/captures\/.+\.jpg$/);
    expect(first.detectionsCount).toBeGreaterThan(0);
    expect(c.items.edges.map((e) => e.node.sourceId)).toEqual(set21Ids().slice(0, 3));
    const { routes } = stack.calls();
    expect(routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:captures.list': 2, // the page and firstItemDate's limit=1
    });
    const list = stack.fakes.beluga.control.ledger
      .entries({ route: 'captures.list' })
      .find((e) => e.query.limit === '3')!;
    expect(list.query).toMatchObject({
      project_id: '23',
      collections: '21',
      ordering: 'timestamp',
      offset: '0',
    });
  });

  it('a Wickson collection: one media page; list fields need no detail', async () => {
    const page = await itemsPage(
      'WICKSON',
      'research_papers',
      'first: 5',
      `totalCount edges { node { sourceId source mediaType filename createdAt sizeBytes url
        capturedAt collection { name } } }`,
    );
    expect(page.totalCount).toBe(17);
    expect(page.edges.map((e) => e.node.sourceId)).toEqual(mediaIds('research_papers').slice(0, 5));
    expect(page.edges[0]!.node).toMatchObject({
      source: 'WICKSON',
      url: null,
      capturedAt: null,
      collection: { name: 'research_papers' },
    });
    expect(page.edges[0]!.node.createdAt).toBe('2025-03-05T16:45:22.000Z');
    expect(stack.calls().routes).toEqual({
      'wickson:collections.detail': 1,
      'wickson:media.list': 1,
    });
    const list = stack.fakes.wickson.control.ledger.entries({ route: 'media.list' })[0]!;
    expect(list.query).toEqual({ collection: 'research_papers', page: '1', page_size: '5' });
  });

  it('maps media types like the stats distribution and totalCount equals itemCount', async () => {
    const { body } = await stack.query(`{ collections(filter: { sources: [WICKSON] }, first: 10) {
      edges { node { sourceId stats { itemCount mediaTypeDistribution { mediaType count } }
        items(first: 100) { totalCount edges { node { mediaType } } } } } } }`);
    expect(body.errors).toBeUndefined();
    type Node = {
      sourceId: string;
      stats: { itemCount: number; mediaTypeDistribution: { mediaType: string; count: number }[] };
      items: { totalCount: number; edges: { node: { mediaType: string } }[] };
    };
    const nodes = (body.data!.collections as { edges: { node: Node }[] }).edges.map((e) => e.node);
    expect(nodes.map((n) => n.sourceId)).toContain('research_papers');
    for (const n of nodes) {
      expect(n.items.totalCount, n.sourceId).toBe(n.stats.itemCount);
      const counts: Record<string, number> = {};
      for (const e of n.items.edges) counts[e.node.mediaType] = (counts[e.node.mediaType] ?? 0) + 1;
      const expected = Object.fromEntries(
        n.stats.mediaTypeDistribution.map((d) => [d.mediaType, d.count]),
      );
      if (n.stats.itemCount <= 100) expect(counts, n.sourceId).toEqual(expected);
    }
    const rp = nodes.find((n) => n.sourceId === 'research_papers')!;
    expect(rp.stats.mediaTypeDistribution).toEqual([
      { mediaType: 'DOCUMENT', count: 12 },
      { mediaType: 'IMAGE', count: 3 },
      { mediaType: 'VIDEO', count: 2 },
    ]);
  });

  it("items of a project's listed sets: one captures call per set, no set detail", async () => {
    const { body } = await stack.query(`{ project(sourceId: 23) { collections(first: 3) {
      edges { node { sourceId stats { itemCount } items(first: 2) { totalCount } } } } } }`);
    expect(body.errors).toBeUndefined();
    type Node = { stats: { itemCount: number }; items: { totalCount: number } };
    const edges = (body.data!.project as { collections: { edges: { node: Node }[] } }).collections
      .edges;
    expect(edges).toHaveLength(3);
    for (const { node } of edges) expect(node.items.totalCount).toBe(node.stats.itemCount);
    expect(stack.calls().routes).toEqual({
      'beluga:projects.detail': 1,
      'beluga:collections.list': 1,
      'beluga:captures.list': 3,
    });
  });
});

describe('Collection.items from a job', () => {
  it("a job's capture set pages its items with the project from the job: no set detail", async () => {
    const { body } = await stack.query(`{ job(sourceId: 1146) { collection {
      items(first: 2) { totalCount edges { node { sourceId collection { name } } } } } } }`);
    expect(body.errors).toBeUndefined();
    const items = (body.data!.job as { collection: { items: Page } }).collection.items;
    expect(items.totalCount).toBe(403);
    expect(items.edges.map((e) => e.node.sourceId)).toEqual(set21Ids().slice(0, 2));
    expect(stack.calls().routes).toEqual({ 'beluga:jobs.detail': 1, 'beluga:captures.list': 1 });
  });
});

describe('Collection.items: field-aware details', () => {
  it('summary costs one detail per listed item that lacks it (the 2 videos), batched', async () => {
    const page = await itemsPage(
      'WICKSON',
      'research_papers',
      'first: 17',
      'edges { node { mediaType summary } }',
    );
    expect(page.edges).toHaveLength(17);
    for (const e of page.edges) expect(e.node.summary).toMatch(/ of research papers$/);
    expect(stack.calls().routes).toEqual({
      'wickson:collections.detail': 1,
      'wickson:media.list': 1,
      'wickson:media.detail': 2,
    });
  });

  it('Beluga items never need the capture detail', async () => {
    await itemsPage(
      'BELUGA',
      '21',
      'first: 50',
      'edges { node { id sourceId filename url capturedAt width height sizeBytes detectionsCount summary collection { id name } } }',
    );
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:captures.list': 1,
    });
  });
});

describe('Collection.items: paging through everything', () => {
  it('all 403 captures of set 21 forward, each once and in order: 2 calls per page', async () => {
    const { ids, requests } = await pageThrough('BELUGA', '21', 100, 'forward');
    expect(ids).toEqual(set21Ids());
    expect(requests).toBe(5);
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 5,
      'beluga:captures.list': 5,
    });
  });

  it('all 403 captures of set 21 backward, each once and in order: 2 calls per page', async () => {
    const { ids, requests } = await pageThrough('BELUGA', '21', 100, 'backward');
    expect(ids).toEqual(set21Ids());
    expect(requests).toBe(5);
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 5,
      'beluga:captures.list': 5,
    });
  });

  it('all 17 media items of research_papers forward and backward, each once and in order', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      stack.resetLedgers();
      const { ids, requests } = await pageThrough('WICKSON', 'research_papers', 5, direction);
      expect(ids, direction).toEqual(mediaIds('research_papers'));
      expect(requests).toBe(4);
      expect(stack.calls().routes, direction).toEqual({
        'wickson:collections.detail': 4,
        'wickson:media.list': 4,
      });
    }
  });

  it('all 250 items of a large collection both ways, one media call per Relay page', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      stack.resetLedgers();
      const { ids } = await pageThrough('WICKSON', 'large_archive', 30, direction);
      expect(ids, direction).toEqual(mediaIds('large_archive'));
      // 9 Relay pages of 30 (one short); each window of 30 fits one page of some size ≤ 100.
      expect(stack.fakes.wickson.control.ledger.count({ route: 'media.list' }), direction).toBe(9);
    }
  });
});

describe('Collection.items: Wickson page mapping', () => {
  it('a window that no page size ≤ 100 covers costs two pages: [90, 190) → pages 1 and 2 of 100', async () => {
    const first = await itemsPage('WICKSON', 'large_archive', 'first: 90');
    stack.resetLedgers();
    const page = await itemsPage(
      'WICKSON',
      'large_archive',
      `first: 100, after: "${first.pageInfo.endCursor}"`,
    );
    expect(page.edges.map((e) => e.node.sourceId)).toEqual(
      mediaIds('large_archive').slice(90, 190),
    );
    const lists = stack.fakes.wickson.control.ledger.entries({ route: 'media.list' });
    expect(lists.map((e) => [e.query.page, e.query.page_size])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);
    expect(stack.calls().wickson).toBe(3); // + the collection detail
  });

  it('a window one larger page covers costs one page of the smallest such size: [90, 110) → page 5 of 22', async () => {
    const first = await itemsPage('WICKSON', 'large_archive', 'first: 90');
    stack.resetLedgers();
    const page = await itemsPage(
      'WICKSON',
      'large_archive',
      `first: 20, after: "${first.pageInfo.endCursor}"`,
    );
    expect(page.edges.map((e) => e.node.sourceId)).toEqual(
      mediaIds('large_archive').slice(90, 110),
    );
    const lists = stack.fakes.wickson.control.ledger.entries({ route: 'media.list' });
    expect(lists.map((e) => [e.query.page, e.query.page_size])).toEqual([['5', '22']]);
  });

  it('last: N without a cursor uses the known total: one page', async () => {
    const page = await itemsPage('WICKSON', 'large_archive', 'last: 7');
    expect(page.edges.map((e) => e.node.sourceId)).toEqual(mediaIds('large_archive').slice(-7));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(stack.calls().routes).toEqual({
      'wickson:collections.detail': 1,
      'wickson:media.list': 1,
    });
  });
});

describe('MediaItem as a node', () => {
  it('node(id:) round-trips a capture with one detail call, collection included', async () => {
    const page = await itemsPage('BELUGA', '21', 'first: 2, after: null');
    const id = page.edges[1]!.node.id;
    stack.resetLedgers();
    const { body } = await stack.query(
      `query($id: ID!) { node(id: $id) { id ... on MediaItem { sourceId mediaType capturedAt
        collection { id name } } } }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.node).toMatchObject({
      id,
      sourceId: '2100001',
      mediaType: 'IMAGE',
      collection: { name: 'Insectarium, End of every night' },
    });
    expect(stack.calls().routes).toEqual({ 'beluga:captures.detail': 1 });
  });

  it("a capture's id carries its project (Antenna's detail requires project_id); an id without it reads the set first", async () => {
    const page = await itemsPage('BELUGA', '21', 'first: 1');
    const id = page.edges[0]!.node.id;
    expect(Buffer.from(id, 'base64url').toString()).toBe('MediaItem:BELUGA:21:2100000:23');
    const lookup = `query($id: ID!) { node(id: $id) { id ... on MediaItem { sourceId } } }`;
    stack.resetLedgers();
    await stack.query(lookup, { id });
    const sent = stack.fakes.beluga.control.ledger.entries();
    expect(sent.map((e) => [e.path, e.query])).toEqual([
      ['/api/v2/captures/2100000/', { project_id: '23' }],
    ]);
    const legacy = Buffer.from('MediaItem:BELUGA:21:2100000').toString('base64url');
    stack.resetLedgers();
    const { body } = await stack.query(lookup, { id: legacy });
    expect(body.errors).toBeUndefined();
    expect(body.data!.node).toEqual({ id, sourceId: '2100000' });
    expect(stack.calls().routes).toEqual({
      'beluga:collections.detail': 1,
      'beluga:captures.detail': 1,
    });
    expect((body as { extensions?: { cost?: unknown } }).extensions?.cost).toMatchObject({
      predicted: { beluga: 2 },
      actual: { beluga: 2 },
    });
  });

  it('nodes(ids:) resolves media items with one detail call each and no collection call', async () => {
    const page = await itemsPage('WICKSON', 'research_papers', 'first: 3');
    const ids = page.edges.map((e) => e.node.id);
    stack.resetLedgers();
    const { body } = await stack.query(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on MediaItem { sourceId summary
        collection { id name } } } }`,
      { ids },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.nodes as Item[];
    expect(nodes.map((n) => n.id)).toEqual(ids);
    expect(nodes.map((n) => n.sourceId)).toEqual(mediaIds('research_papers').slice(0, 3));
    expect(nodes[0]!.collection).toMatchObject({ name: 'research_papers' });
    expect(stack.calls().routes).toEqual({ 'wickson:media.detail': 3 });
  });

  it('an item of a draft project is null for an outsider and resolves for a member', async () => {
    const { dataset } = stack.fakes;
    const setId = dataset.ids.draftCaptureSets.find(
      (id) => dataset.captureSets.get(id)!.sourceImagesCount > 0,
    )!;
    const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
    const listed = await stack.query(
      `query($id: String!) { collection(source: BELUGA, sourceId: $id) { items(first: 1) {
        edges { node { id sourceId } } } } }`,
      { id: String(setId) },
      member,
    );
    const item = (listed.body.data!.collection as { items: Page }).items.edges[0]!.node;
    const lookup = `query($id: ID!) { node(id: $id) { id ... on MediaItem { sourceId } } }`;
    const outsider = { authorization: `Token ${FAKE_OUTSIDER_TOKEN}` };
    for (const headers of [{}, outsider] as Record<string, string>[]) {
      stack.resetLedgers();
      const { body } = await stack.query(lookup, { id: item.id }, headers);
      expect(body.data).toEqual({ node: null });
      expect(body.errors).toBeUndefined();
      expect(stack.calls().routes).toEqual({ 'beluga:captures.detail': 1 });
    }
    const { body } = await stack.query(lookup, { id: item.id }, member);
    expect(body.data!.node).toEqual({ id: item.id, sourceId: item.sourceId });
  });

  it('rejects a forged item id without calling upstream', async () => {
    const forged = Buffer.from('MediaItem:BELUGA:21').toString('base64url');
    const { body } = await stack.query(`query($id: ID!) { node(id: $id) { id } }`, { id: forged });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(stack.calls().beluga + stack.calls().wickson).toBe(0);
  });
});

describe('Collection.items: one upstream failing', () => {
  it('a failing Wickson media list nulls only that collection; Beluga items still answer', async () => {
    stack.fakes.wickson.control.addFault({ kind: 'status', route: 'media.list', status: 503 });
    const { body } = await stack.query(`{
      b: collection(source: BELUGA, sourceId: "21") { items(first: 2) { totalCount } }
      w: collection(source: WICKSON, sourceId: "research_papers") { name items(first: 2) { totalCount } } }`);
    expect(body.data).toEqual({ b: { items: { totalCount: 403 } }, w: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['w', 'items'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('a failing captures list nulls only the capture set; Wickson items still answer', async () => {
    stack.fakes.beluga.control.addFault({ kind: 'status', route: 'captures.list', status: 503 });
    const { body } = await stack.query(`{
      b: collection(source: BELUGA, sourceId: "21") { items(first: 2) { totalCount } }
      w: collection(source: WICKSON, sourceId: "research_papers") { items(first: 2) { totalCount } } }`);
    expect(body.data).toEqual({ b: null, w: { items: { totalCount: 17 } } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['b', 'items'], 'UPSTREAM_UNAVAILABLE'],
    ]);
  });

  it('a failing media detail nulls only that summary', async () => {
    stack.fakes.wickson.control.addFault({ kind: 'status', route: 'media.detail', status: 404 });
    const page = await itemsPage(
      'WICKSON',
      'research_papers',
      'first: 17',
      'edges { node { mediaType summary } }',
    );
    const videos = page.edges.filter((e) => e.node.mediaType === 'VIDEO');
    expect(videos.map((e) => e.node.summary)).toEqual([null, null]);
    expect(page.edges.filter((e) => e.node.summary !== null)).toHaveLength(15);
  });
});

describe('the benchmark items query (Q4)', () => {
  it('makes exactly its minimum calls, the floor script’s paths', async () => {
    const variants = q4Variants(stack.fakes.dataset, 6);
    expect(variants).toHaveLength(6);
    for (const v of variants) {
      stack.resetLedgers();
      const { body } = await stack.query(Q4, v.variables);
      expect(body.errors).toBeUndefined();
      expect(body.data!.b).not.toBeNull();
      const entries = [
        ...stack.fakes.beluga.control.ledger.entries(),
        ...stack.fakes.wickson.control.ledger.entries(),
      ];
      expect(entries).toHaveLength(v.minCalls);
      const project = stack.fakes.dataset.captureSets.get(Number(v.variables.beluga))!.project;
      const expected = v.waves
        .flat()
        .map((c) => c.path.replace('{0.project}', String(project)))
        .map((path) => {
          const url = new URL(path, 'http://x');
          return `${url.pathname}?${[...url.searchParams].sort().join('&')}`;
        });
      const seen = entries.map((e) => `${e.path}?${Object.entries(e.query).sort().join('&')}`);
      expect(seen.sort()).toEqual(expected.sort());
    }
  });
});
