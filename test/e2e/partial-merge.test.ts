/**
 * The merged `collections` list with one source failing: the page comes from the healthy source,
 * one error names the failed source's code at ["collections"], sibling root fields are intact,
 * and the cursors keep the failed source's position so paging on after it recovers loses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

const DOC = `query($first: Int, $after: String, $last: Int, $before: String) {
  collections(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { source sourceId } }
  }
  project(sourceId: 18) { name }
}`;

interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: { node: { source: 'BELUGA' | 'WICKSON'; sourceId: string } }[];
}

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Retries (50 ms backoff) and a cold call on a loaded machine fit the 2 s deadline with room. */
async function fresh(timeoutMs = 2000): Promise<Stack> {
  const stack = await startStack({
    fakes: { scale: { wicksonCollections: 9 } },
    config: { UPSTREAM_TIMEOUT_MS: String(timeoutMs) },
  });
  open.push(stack);
  return stack;
}

/** Every id of one source, straight from the fake (not counted: the ledgers are reset after). */
async function idsOf(stack: Stack): Promise<{ beluga: string[]; wickson: string[] }> {
  const b = await fetch(`${stack.fakes.beluga.url}/api/v2/captures/collections/?limit=1000`);
  const w = await fetch(`${stack.fakes.wickson.url}/v1/media/collections`, {
    headers: { 'x-api-key': 'demo-key' },
  });
  stack.resetLedgers();
  return {
    beluga: ((await b.json()) as { results: { id: number }[] }).results.map((r) => String(r.id)),
    wickson: ((await w.json()) as { data: { collections: string[] } }).data.collections,
  };
}

async function run(stack: Stack, variables: Record<string, unknown>) {
  stack.resetLedgers();
  const { status, body } = await stack.query(DOC, variables);
  const page = (body.data?.collections ?? null) as Page | null;
  return { status, body, page, calls: stack.calls() };
}

const ids = (page: Page | null, source: 'BELUGA' | 'WICKSON') =>
  (page?.edges ?? []).filter((e) => e.node.source === source).map((e) => e.node.sourceId);

describe('merged collections with one source failing', () => {
  it('Wickson 503: Beluga items, one UPSTREAM_UNAVAILABLE error, sibling field intact', async () => {
    const stack = await fresh();
    const all = await idsOf(stack);
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    const { status, body, page, calls } = await run(stack, { first: 5 });
    expect(status).toBe(200);
    expect(page?.edges.map((e) => e.node.source)).toEqual(Array(5).fill('BELUGA'));
    expect(page?.totalCount).toBe(all.beluga.length);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    expect(body.data?.project).toEqual({ name: expect.any(String) });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ['collections'],
      message: 'An upstream service is unavailable.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    const allowed = ['code', 'requestId', 'upstreamRequestId'];
    expect(Object.keys(body.errors?.[0]?.extensions ?? {}).every((k) => allowed.includes(k))).toBe(
      true,
    );
    // One Beluga list page + the project; Wickson's list once and its one retry on 503.
    expect(calls.routes).toEqual({
      'beluga:collections.list': 1,
      'beluga:projects.detail': 1,
      'wickson:collections.list': 2,
    });
    const line = stack.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'graphql request');
    expect(line?.errorCodes).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(JSON.stringify(body)).not.toContain(stack.fakes.wickson.url);
    expect(stack.logs.some((l) => l.includes('demo-key'))).toBe(false);
  });

  it('Wickson hanging: UPSTREAM_TIMEOUT, Beluga items kept', async () => {
    // The deadline is shared by both upstreams: 300 ms failed Beluga's cold call on a loaded box.
    const stack = await fresh();
    stack.fakes.wickson.control.addFault({ route: 'collections.list', kind: 'hang' });
    const { body, page, calls } = await run(stack, { first: 3 });
    expect(ids(page, 'BELUGA')).toHaveLength(3);
    expect(body.data?.project).not.toBeNull();
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['collections'], 'UPSTREAM_TIMEOUT'],
    ]);
    expect(calls.routes).toEqual({
      'beluga:collections.list': 1,
      'beluga:projects.detail': 1,
      'wickson:collections.list': 1,
    });
  });

  it('Wickson 429 with a far reset: RATE_LIMITED with retryAfterSeconds', async () => {
    const stack = await fresh();
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'rate-limit',
      resetInSeconds: 1800,
    });
    const { body, page, calls } = await run(stack, { first: 3 });
    expect(ids(page, 'BELUGA')).toHaveLength(3);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ['collections'],
      extensions: { code: 'RATE_LIMITED' },
    });
    const retryAfter = body.errors?.[0]?.extensions?.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(1700);
    expect(retryAfter).toBeLessThanOrEqual(1801);
    expect(calls.routes['wickson:collections.list']).toBe(1);
  });

  it('Beluga 503: Wickson items, UPSTREAM_UNAVAILABLE, totalCount of Wickson only', async () => {
    const stack = await fresh();
    const all = await idsOf(stack);
    stack.fakes.beluga.control.addFault({ route: 'collections.list', kind: 'status', status: 503 });
    const { body, page, calls } = await run(stack, { first: 4 });
    expect(page?.edges.map((e) => e.node.source)).toEqual(Array(4).fill('WICKSON'));
    expect(page?.totalCount).toBe(all.wickson.length);
    expect(body.data?.project).toEqual({ name: expect.any(String) });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['collections'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    // The failed Beluga list (and its retry) is not asked again for totalCount.
    expect(calls.routes).toEqual({
      'beluga:collections.list': 2,
      'beluga:projects.detail': 1,
      'wickson:collections.list': 1,
    });
  });

  it('both down: the field fails as before (one error, data null)', async () => {
    const stack = await fresh();
    stack.fakes.beluga.control.addFault({ route: 'collections.list', kind: 'status', status: 503 });
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    const { status, body, calls } = await run(stack, { first: 3 });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['collections'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(calls.routes['beluga:collections.list']).toBe(2);
    expect(calls.routes['wickson:collections.list']).toBe(2);
  });

  it('pages forward after a partial page with Wickson recovered: every collection once', async () => {
    const stack = await fresh();
    const all = await idsOf(stack);
    const fault = stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    const first = await run(stack, { first: 7 });
    expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    stack.fakes.wickson.control.removeFault(fault);
    const seen = { BELUGA: ids(first.page, 'BELUGA'), WICKSON: ids(first.page, 'WICKSON') };
    expect(seen.WICKSON).toEqual([]);
    let after = first.page?.pageInfo.endCursor;
    for (let i = 0; i < 50 && after; i++) {
      const next = await run(stack, { first: 7, after });
      expect(next.body.errors).toBeUndefined();
      seen.BELUGA.push(...ids(next.page, 'BELUGA'));
      seen.WICKSON.push(...ids(next.page, 'WICKSON'));
      after = next.page?.pageInfo.hasNextPage ? next.page.pageInfo.endCursor : null;
    }
    expect([...seen.BELUGA].sort()).toEqual([...all.beluga].sort());
    expect([...seen.WICKSON].sort()).toEqual([...all.wickson].sort());
  });

  it('pages backward after a partial `before` page with Wickson recovered: nothing lost', async () => {
    const stack = await fresh();
    const all = await idsOf(stack);
    const end = await run(stack, { last: 6 });
    expect(end.body.errors).toBeUndefined();
    const seen = [...(end.page?.edges ?? []).map((e) => `${e.node.source}:${e.node.sourceId}`)];
    const fault = stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    const partial = await run(stack, { last: 6, before: end.page?.pageInfo.startCursor });
    expect(partial.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(ids(partial.page, 'WICKSON')).toEqual([]);
    seen.push(...(partial.page?.edges ?? []).map((e) => `${e.node.source}:${e.node.sourceId}`));
    stack.fakes.wickson.control.removeFault(fault);
    let before = partial.page?.pageInfo.startCursor;
    for (let i = 0; i < 50 && before; i++) {
      const prev = await run(stack, { last: 6, before });
      expect(prev.body.errors).toBeUndefined();
      seen.push(...(prev.page?.edges ?? []).map((e) => `${e.node.source}:${e.node.sourceId}`));
      before = prev.page?.pageInfo.hasPreviousPage ? prev.page.pageInfo.startCursor : null;
    }
    const expected = [
      ...all.beluga.map((id) => `BELUGA:${id}`),
      ...all.wickson.map((id) => `WICKSON:${id}`),
    ];
    expect([...seen].sort()).toEqual(expected.sort());
  });

  it('a single selected source failing still fails the field', async () => {
    const stack = await fresh();
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 503,
    });
    stack.resetLedgers();
    const { body } = await stack.query(
      '{ collections(first: 3, filter: { sources: [WICKSON] }) { totalCount } }',
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      path: ['collections'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });
});
