/**
 * The shared upstream cache through the whole stack: fakes over real sockets, the gateway's
 * GraphQL endpoint, an injected wall clock for ages. Upstream calls are counted at the fakes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN } from '../../../src/fakes/index.ts';
import { createMetrics } from '../../../src/server/metrics.ts';
import { type Stack, type StackOptions, startStack } from '../../helpers/stack.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const CACHE_ON = { WICKSON_CACHE_TTL_S: '60', BELUGA_CACHE_TTL_S: '5' };
const WICKSON = `{ collection(source: WICKSON, sourceId: "research_papers") {
  name stats { itemCount fetchedAt } } }`;

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function stack(options: StackOptions & { config?: Record<string, string> } = {}) {
  let clock = T0;
  const s = await startStack({
    ...options,
    config: { ...CACHE_ON, ...options.config },
    now: () => clock,
  });
  open.push(s);
  return {
    s,
    advance: (ms: number) => {
      clock += ms;
    },
    at: () => clock,
  };
}

const fetchedAt = (body: { data?: Record<string, unknown> | null }) =>
  (body.data?.collection as { stats: { fetchedAt: string } } | null)?.stats.fetchedAt;

describe('freshness', () => {
  it('serves a fresh entry without a call and stamps fetchedAt with the fetch time', async () => {
    const { s, advance } = await stack();
    const first = await s.query(WICKSON);
    expect(fetchedAt(first.body)).toBe(new Date(T0).toISOString());
    advance(30_000);
    s.resetLedgers();
    const second = await s.query(WICKSON, {}, { authorization: `Token ${FAKE_OUTSIDER_TOKEN}` });
    expect(second.body.data).toEqual(first.body.data);
    expect(s.calls().wickson).toBe(0);
    expect(s.upstreams.cache.total('hit', 'wickson')).toBe(1);
  });

  it("stamps collections from the Wickson list with the list's fetch time", async () => {
    const { s, advance } = await stack();
    const list = `{ collections(filter: { sources: [WICKSON] }, first: 3) {
      edges { node { stats { fetchedAt } } } } }`;
    type Page = { collections: { edges: { node: { stats: { fetchedAt: string } } }[] } };
    const stamps = (body: { data?: Record<string, unknown> | null }) =>
      (body.data as Page).collections.edges.map((e) => e.node.stats.fetchedAt);
    const first = await s.query(list);
    expect(stamps(first.body)).toEqual(Array(3).fill(new Date(T0).toISOString()));
    advance(30_000);
    const cached = await s.query(list);
    expect(stamps(cached.body)).toEqual(Array(3).fill(new Date(T0).toISOString()));
  });

  it('past the TTL answers stale and refreshes once in the background; past SWR it waits', async () => {
    const { s, advance, at } = await stack();
    await s.query(WICKSON);
    advance(65_000);
    s.resetLedgers();
    const stale = await s.query(WICKSON);
    expect(fetchedAt(stale.body)).toBe(new Date(T0).toISOString());
    await vi.waitFor(() => expect(s.upstreams.cache.total('refresh')).toBe(1));
    expect(s.calls().wickson).toBe(1);
    const refreshed = await s.query(WICKSON);
    expect(fetchedAt(refreshed.body)).toBe(new Date(at()).toISOString());
    expect(s.calls().wickson).toBe(1);

    advance(60_000 + 30_000 + 1);
    s.resetLedgers();
    const late = await s.query(WICKSON);
    expect(s.calls().wickson).toBe(1);
    expect(fetchedAt(late.body)).toBe(new Date(at()).toISOString());
    expect(s.upstreams.cache.total('stale', 'wickson')).toBe(1);
  });

  it('remembers a 404 for five seconds only', async () => {
    const { s, advance } = await stack();
    const doc = '{ collection(source: WICKSON, sourceId: "no_such_collection") { name } }';
    expect((await s.query(doc)).body.data?.collection).toBeNull();
    advance(4_000);
    expect((await s.query(doc)).body.data?.collection).toBeNull();
    expect(s.calls().wickson).toBe(1);
    advance(1_500);
    await s.query(doc);
    expect(s.calls().wickson).toBe(2);
  });

  it('TTL 0 turns the cache off for that upstream', async () => {
    const { s } = await stack({ config: { WICKSON_CACHE_TTL_S: '0' } });
    await s.query(WICKSON);
    await s.query(WICKSON);
    expect(s.calls().wickson).toBe(2);
  });
});

describe('coalescing', () => {
  it('100 concurrent identical queries make one upstream call', async () => {
    const { s } = await stack({ fakes: { latency: { fixedMs: 400 } } });
    const answers = await Promise.all(Array.from({ length: 100 }, () => s.query(WICKSON)));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
    expect(answers[0]?.body.errors).toBeUndefined();
    expect(s.calls().wickson).toBe(1);
    expect(s.upstreams.cache.total('coalesced', 'wickson')).toBe(99);
  });
});

describe('credential scopes (draft projects are member-only)', () => {
  const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
  const outsider = { authorization: `Token ${FAKE_OUTSIDER_TOKEN}` };
  const draft = async (s: Stack, headers: Record<string, string> = {}) => {
    const id = s.fakes.dataset.ids.draftProjects[0];
    const { body } = await s.query(`{ project(sourceId: ${id}) { name draft } }`, {}, headers);
    return body.data?.project as { name: string; draft: boolean } | null;
  };

  it('member, outsider and anonymous never receive each other’s answers, in either order', async () => {
    const { s } = await stack();
    expect(await draft(s, outsider)).toBeNull();
    expect(await draft(s)).toBeNull();
    expect(await draft(s, member)).toMatchObject({ draft: true });
    expect(s.calls().beluga).toBe(3);
    s.resetLedgers();
    expect(await draft(s, outsider)).toBeNull();
    expect(await draft(s)).toBeNull();
    expect(await draft(s, member)).toMatchObject({ draft: true });
    expect(s.calls().beluga).toBe(0);
  });

  it('reads served with BELUGA_TOKEN have their own scope', async () => {
    const { s } = await stack({ config: { BELUGA_TOKEN: FAKE_MEMBER_TOKEN } });
    expect(await draft(s)).toMatchObject({ draft: true });
    expect(await draft(s, outsider)).toBeNull();
    expect(s.calls().beluga).toBe(2);
  });

  it('keys hold no token', async () => {
    const { s } = await stack();
    await draft(s, member);
    const logs = s.logs.join('\n');
    expect(logs).not.toContain(FAKE_MEMBER_TOKEN);
  });
});

describe('invalidation hooks', () => {
  it('evicts a path for one scope or for every scope', async () => {
    const { s } = await stack();
    const id = s.fakes.dataset.ids.draftProjects[0];
    const doc = `{ project(sourceId: ${id}) { name } }`;
    const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
    await s.query(doc, {}, member);
    await s.query(doc);
    const beluga = s.upstreams.cache.invalidation('beluga');
    expect(await beluga.evictPath(`/api/v2/projects/${id}/`, { authorization: undefined })).toBe(1);
    s.resetLedgers();
    await s.query(doc, {}, member);
    expect(s.calls().beluga).toBe(0);
    await s.query(doc);
    expect(s.calls().beluga).toBe(1);
    expect(await beluga.evictPrefix('/api/v2/projects/')).toBe(2);
    await s.query(doc, {}, member);
    expect(s.calls().beluga).toBe(2);
  });
});

describe('metrics', () => {
  it('count hits, misses and coalesced calls per route; show bytes and the budget left', async () => {
    const { s } = await stack();
    await s.query(WICKSON);
    await s.query(WICKSON);
    const metrics = createMetrics({ upstreams: () => s.upstreams });
    const text = await metrics.render();
    const route = 'route="/v1/media/collections/{id}"';
    expect(text).toContain(`gateway_cache_hits_total{upstream="wickson",${route}} 1`);
    expect(text).toContain(`gateway_cache_misses_total{upstream="wickson",${route}} 1`);
    expect(text).toContain('gateway_upstream_budget_remaining{upstream="wickson"} 999');
    expect(text).toMatch(/gateway_cache_bytes [1-9]\d*/);
    expect(text).not.toMatch(/^gateway_cache_redis_up /m);
  });
});
