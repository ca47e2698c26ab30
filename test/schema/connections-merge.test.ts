import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

const DOC = `query($first: Int, $after: String, $last: Int, $before: String, $order: CollectionOrder) {
  collections(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { source sourceId name createdAt updatedAt stats { itemCount } } }
  }
}`;

interface Node {
  source: 'BELUGA' | 'WICKSON';
  sourceId: string;
  name: string;
  createdAt: string | null;
  updatedAt: string | null;
  stats: { itemCount: number };
}
interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string;
    endCursor: string;
  };
  edges: { cursor: string; node: Node }[];
}

const FIELDS = ['NAME', 'CREATED_AT', 'UPDATED_AT', 'ITEM_COUNT'] as const;
const PAGE = 7;
let stack: Stack;
let belugaIds: string[];
let wicksonIds: string[];

beforeAll(async () => {
  stack = await startStack({ fakes: { scale: { wicksonCollections: 9 } } });
  const beluga = await fetch(`${stack.fakes.beluga.url}/api/v2/captures/collections/?limit=1000`);
  belugaIds = ((await beluga.json()) as { results: { id: number }[] }).results.map(
    (r) => `BELUGA:${r.id}`,
  );
  const wickson = await fetch(`${stack.fakes.wickson.url}/v1/media/collections`, {
    headers: { 'x-api-key': 'demo-key' },
  });
  wicksonIds = ((await wickson.json()) as { data: { collections: string[] } }).data.collections.map(
    (id) => `WICKSON:${id}`,
  );
});
afterAll(() => stack?.close());

function sortKey(node: Node, field: (typeof FIELDS)[number]): string | number | null {
  if (field === 'NAME') return node.name.toLowerCase();
  if (field === 'CREATED_AT') return node.createdAt ? Date.parse(node.createdAt) : null;
  if (field === 'UPDATED_AT') return node.updatedAt ? Date.parse(node.updatedAt) : null;
  return node.stats.itemCount;
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  stack.resetLedgers();
  const { body } = await stack.query(DOC, variables);
  expect(body.errors).toBeUndefined();
  // Every page: exactly one Beluga list call and one Wickson list call, nothing else.
  expect(stack.calls().routes).toEqual({
    'beluga:collections.list': 1,
    'wickson:collections.list': 1,
  });
  return (body.data as { collections: Page }).collections;
}

async function walk(order: object, direction: 'forward' | 'backward'): Promise<Node[]> {
  const nodes: Node[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i += 1) {
    const forward = direction === 'forward';
    const p = await page(
      forward ? { first: PAGE, after: cursor, order } : { last: PAGE, before: cursor, order },
    );
    expect(p.totalCount).toBe(belugaIds.length + wicksonIds.length);
    const ids = p.edges.map((e) => e.node);
    if (forward) nodes.push(...ids);
    else nodes.unshift(...ids);
    expect(forward ? p.pageInfo.hasPreviousPage : p.pageInfo.hasNextPage).toBe(i > 0);
    const more = forward ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage;
    if (!more) return nodes;
    expect(p.edges).toHaveLength(PAGE);
    cursor = forward ? p.pageInfo.endCursor : p.pageInfo.startCursor;
  }
  throw new Error('did not reach the end');
}

describe('Query.collections merged across Beluga and Wickson', () => {
  for (const field of FIELDS) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`pages ${field} ${direction} both ways: every collection once, in order`, async () => {
        const order = { field, direction };
        const forward = await walk(order, 'forward');
        const keys = forward.map((n) => `${n.source}:${n.sourceId}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual([...belugaIds, ...wicksonIds].sort());
        for (let i = 1; i < forward.length; i += 1) {
          const x = sortKey(forward[i - 1]!, field);
          const y = sortKey(forward[i]!, field);
          if (x === null) expect(y).toBeNull();
          else if (y !== null) expect(direction === 'ASC' ? x <= y : x >= y).toBe(true);
        }
        const backward = await walk(order, 'backward');
        expect(backward.map((n) => `${n.source}:${n.sourceId}`)).toEqual(keys);
        const switches = keys.filter((k, i) => i > 0 && k[0] !== keys[i - 1]![0]).length;
        if (field !== 'UPDATED_AT') expect(switches).toBeGreaterThan(1);
      });
    }
  }

  it('keeps Beluga in the upstream order (ordering=<field>,id)', async () => {
    const response = await fetch(
      `${stack.fakes.beluga.url}/api/v2/captures/collections/?limit=1000&ordering=-created_at,-id`,
    );
    const direct = ((await response.json()) as { results: { id: number }[] }).results.map(
      (r) => `BELUGA:${r.id}`,
    );
    const merged = await walk({ field: 'CREATED_AT', direction: 'DESC' }, 'forward');
    const beluga = merged.filter((n) => n.source === 'BELUGA').map((n) => `BELUGA:${n.sourceId}`);
    expect(beluga).toEqual(direct);
  });

  it('sends the order and the computed window upstream', async () => {
    const first = await page({ first: 3, order: { field: 'ITEM_COUNT', direction: 'DESC' } });
    const [entry] = stack.fakes.beluga.control.ledger.entries();
    expect(entry?.query).toMatchObject({
      ordering: '-source_images_count,-id',
      limit: '3',
      offset: '0',
    });
    await page({
      last: 3,
      before: first.pageInfo.endCursor,
      order: { field: 'ITEM_COUNT', direction: 'DESC' },
    });
    const beluga = first.edges.filter((e) => e.node.source === 'BELUGA').length;
    const [back] = stack.fakes.beluga.control.ledger.entries();
    expect(back?.query).toMatchObject({
      ordering: '-source_images_count,-id',
      offset: '0',
      limit: String(first.edges.at(-1)?.node.source === 'BELUGA' ? beluga - 1 : beluga),
    });
    await page({ last: 2, order: { field: 'NAME', direction: 'ASC' } });
    const [tail] = stack.fakes.beluga.control.ledger.entries();
    expect(tail?.query).toMatchObject({ ordering: '-name,-id', limit: '2', offset: '0' });
  });
});
