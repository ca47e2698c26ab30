/** The fault matrix's payload and origin rows (../shared/reference/reliability.md §7.1), through /graphql. */
import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN } from '../../src/fakes/dataset.ts';
import {
  BOTH,
  baseline,
  codesAt,
  control,
  count,
  expectSplit,
  startRecorder,
  useStacks,
} from './matrix.ts';

const { fresh } = useStacks();

type Json = Record<string, unknown>;
/** Applies `change` to a DRF detail body, or to the matching items of a DRF page. */
const onItems =
  (change: (item: Json) => void, match: (item: Json) => boolean = () => true) =>
  (body: unknown): unknown => {
    const copy = structuredClone(body) as Json;
    const items = Array.isArray(copy.results) ? (copy.results as Json[]) : [copy];
    for (const item of items) if (match(item)) change(item);
    return copy;
  };

describe('fault matrix: payload drift', () => {
  it('additive unknown fields are stripped and the query succeeds', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({
      kind: 'drift',
      mutate: (body) => {
        const b = structuredClone(body) as Json;
        return { ...b, surprise: { nested: true }, data: { ...(b.data as Json), extra_field: 42 } };
      },
    });
    control(s, 'beluga').addFault({
      kind: 'drift',
      mutate: onItems((item) => Object.assign(item, { new_field: 'x' })),
    });
    const result = await s.query(BOTH);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual(base.data);
  });

  it.each([
    ['a required field missing', (item: Json) => delete item.name],
    ['id becomes a string', (item: Json) => Object.assign(item, { id: 'twenty-one' })],
  ])('%s: only that object gets UPSTREAM_BAD_RESPONSE', async (_name, change) => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'beluga').addFault({ kind: 'drift', mutate: onItems(change) });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'beluga', ['UPSTREAM_BAD_RESPONSE']);
    expect(count(s, 'beluga')).toBe(base.beluga);
    expect(s.logs.some((l) => l.includes('UPSTREAM_BAD_RESPONSE') || l.includes('"issues"'))).toBe(
      true,
    );
  });

  it.each([
    ['results missing', (body: unknown) => ({ ...(body as Json), results: undefined })],
    ['count a string', (body: unknown) => ({ ...(body as Json), count: 'many' })],
  ])('pagination envelope drift (%s): a field error, not a crash', async (_name, mutate) => {
    const s = await fresh();
    const projectId = s.fakes.dataset.captureSets.get(21)?.project;
    const doc = `{
      belugaP: project(sourceId: ${projectId}) { name collections(first: 3) { totalCount edges { node { name } } } }
      wicksonC: collection(source: WICKSON, sourceId: "research_papers") { name stats { itemCount } }
    }`;
    const base = await baseline(s, doc);
    control(s, 'beluga').addFault({ kind: 'drift', route: 'collections.list', mutate });
    const result = await s.query(doc);
    expectSplit(result, base, 'beluga', ['UPSTREAM_BAD_RESPONSE'], {
      beluga: 'belugaP',
      wickson: 'wicksonC',
    });
  });

  it('batch drift: one bad object in a batch errors alone, the rest resolve', async () => {
    const s = await fresh();
    const ids = ['21', '1', '2'];
    const lookup = await s.query(
      `{ ${ids.map((id, i) => `c${i}: collection(source: BELUGA, sourceId: "${id}") { id name }`).join(' ')} }`,
    );
    expect(lookup.body.errors).toBeUndefined();
    const found = ids.map((_id, i) => lookup.body.data?.[`c${i}`] as { id: string; name: string });
    control(s, 'beluga').addFault({
      kind: 'drift',
      mutate: onItems(
        (item) => delete item.name,
        (item) => String(item.id) === ids[1],
      ),
    });
    const result = await s.query(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Collection { name } } }',
      {
        ids: found.map((c) => c.id),
      },
    );
    expect(result.body.data?.nodes, result.text).toEqual([found[0], null, found[2]]);
    expect(result.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['nodes', 1], 'UPSTREAM_BAD_RESPONSE'],
    ]);
  });

  it('upstream null for a non-null field nulls up to the nullable boundary', async () => {
    const s = await fresh();
    control(s, 'beluga').addFault({
      kind: 'drift',
      mutate: onItems((item) => Object.assign(item, { name: null })),
    });
    control(s, 'wickson').addFault({
      kind: 'drift',
      mutate: (body) =>
        JSON.parse(JSON.stringify(body).replaceAll('"item_count":', '"item_count":null,"_was":')),
    });
    const result = await s.query(BOTH);
    const summary = {
      status: result.status,
      data: result.body.data,
      errors: result.body.errors?.map((e) => ({
        path: e.path,
        code: e.extensions?.code,
        message: e.message,
      })),
    };
    expect(summary).toMatchSnapshot();
  });
});

describe('fault matrix: origins and credentials', () => {
  it('a redirect to another origin is not followed; no credential leaves our origin', async () => {
    const s = await fresh();
    const base = await baseline(s);
    const bystander = await startRecorder();
    try {
      control(s, 'wickson').addFault({
        kind: 'redirect',
        location: `${bystander.url}/v1/media/collections`,
      });
      control(s, 'beluga').addFault({
        kind: 'redirect',
        location: `${bystander.url}/api/v2/`,
        status: 301,
      });
      const result = await s.query(BOTH, undefined, {
        authorization: `Token ${FAKE_MEMBER_TOKEN}`,
      });
      expect(result.body.data).toEqual({ belugaC: null, wicksonC: null });
      expect(codesAt(result.body, 'belugaC').length).toBeGreaterThan(0);
      expect(codesAt(result.body, 'wicksonC').length).toBeGreaterThan(0);
      expect(bystander.seen).toEqual([]);
      expect(count(s, 'wickson')).toBe(base.wickson);
      expect(count(s, 'beluga')).toBe(base.beluga);
    } finally {
      await bystander.close();
    }
  });

  it('an upstream `next` URL on another host is ignored; offsets are computed', async () => {
    const s = await fresh();
    const bystander = await startRecorder();
    try {
      const projectId = s.fakes.dataset.captureSets.get(21)?.project;
      control(s, 'beluga').addFault({
        kind: 'drift',
        route: 'collections.list',
        mutate: (body) => ({
          ...(body as Json),
          next: `${bystander.url}/api/v2/captures/collections/?offset=2`,
        }),
      });
      const page = `query($after: String) { project(sourceId: ${projectId}) {
        collections(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { sourceId } } } } }`;
      type Page = {
        project: { collections: { pageInfo: { endCursor: string }; edges: unknown[] } };
      };
      const first = await s.query(page);
      expect(first.body.errors).toBeUndefined();
      const firstPage = first.body.data as unknown as Page;
      control(s, 'beluga').ledger.reset();
      const second = await s.query(page, {
        after: firstPage.project.collections.pageInfo.endCursor,
      });
      expect(second.body.errors).toBeUndefined();
      expect(
        (second.body.data as unknown as Page).project.collections.edges.length,
      ).toBeGreaterThan(0);
      expect(second.body.data).not.toEqual(first.body.data);
      const lists = control(s, 'beluga').ledger.entries({ route: 'collections.list' });
      expect(lists.map((e) => e.query.offset)).toContain('2');
      expect(bystander.seen).toEqual([]);
    } finally {
      await bystander.close();
    }
  });

  it('two users with different tokens, concurrently: one request each, never crossed', async () => {
    const s = await fresh();
    const draft = s.fakes.dataset.ids.draftCaptureSets[0];
    const doc = `{ belugaC: collection(source: BELUGA, sourceId: "${draft}") { sourceId name } }`;
    const asUser = (token: string) => s.query(doc, undefined, { authorization: `Token ${token}` });
    const rounds = await Promise.all(
      Array.from({ length: 3 }, () =>
        Promise.all([asUser(FAKE_MEMBER_TOKEN), asUser(FAKE_OUTSIDER_TOKEN)]),
      ),
    );
    for (const [member, outsider] of rounds) {
      const oneCall = {
        cost: {
          predicted: { beluga: 1, wickson: 0 },
          actual: { beluga: 1, wickson: 0 },
          limit: 150,
        },
      };
      expect(member?.body).toEqual({
        data: { belugaC: { sourceId: String(draft), name: expect.any(String) } },
        extensions: oneCall,
      });
      expect(outsider?.body).toEqual({ data: { belugaC: null }, extensions: oneCall });
    }
    const auth = control(s, 'beluga')
      .ledger.entries()
      .map((e) => e.headers.authorization)
      .sort();
    expect(auth).toEqual(
      [
        ...Array(3).fill(`Token ${FAKE_OUTSIDER_TOKEN}`),
        ...Array(3).fill(`Token ${FAKE_MEMBER_TOKEN}`),
      ].sort(),
    );
  });
});
