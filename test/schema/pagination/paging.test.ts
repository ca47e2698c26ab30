import { describe, expect, it } from 'vitest';
import { mergeRuns } from '../../../src/schema/connections/merge.ts';
import { parsePageArgs } from '../../../src/schema/connections/page-args.ts';
import {
  type ConnectionPage,
  type PagedSource,
  resolvePage,
} from '../../../src/schema/connections/paging.ts';

interface Item {
  id: string;
  key: number;
}

/** A sorted in-memory source that records every call it serves, like a DRF list endpoint. */
function recordingSource(items: Item[]) {
  const calls: string[] = [];
  const source: PagedSource<Item> = {
    slice: async (offset, limit) => {
      calls.push(`slice ${offset} ${limit}`);
      return { items: items.slice(offset, offset + limit), count: items.length };
    },
    tail: async (limit) => {
      calls.push(`tail ${limit}`);
      return { items: limit > 0 ? items.slice(-limit) : [], count: items.length };
    },
    count: async () => {
      calls.push('count');
      return items.length;
    },
  };
  return { source, calls };
}

const byKey = (a: Item, b: Item) => a.key - b.key;
const make = (prefix: string, keys: number[]) =>
  keys.map((key, i) => ({ id: `${prefix}${i}`, key }));
// Ties across and within sources on purpose.
const A = make('a', [1, 2, 2, 5, 8, 8, 9, 13, 21]);
const B = make('b', [0, 2, 3, 8, 8, 30]);
const expected = mergeRuns(
  [
    { start: 0, items: A },
    { start: 0, items: B },
  ],
  byKey,
).map((p) => p.node.id);

async function walk(sizes: number, direction: 'forward' | 'backward', sets: Item[][]) {
  const recorders = sets.map(recordingSource);
  const key = 'test';
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    for (const r of recorders) r.calls.length = 0;
    const args =
      direction === 'forward' ? { first: sizes, after: cursor } : { last: sizes, before: cursor };
    const page: ConnectionPage<Item> = await resolvePage(
      parsePageArgs(args, key, recorders.length),
      recorders.map((r) => r.source),
      byKey,
      key,
    );
    pages += 1;
    for (const r of recorders) expect(r.calls.length).toBeLessThanOrEqual(1);
    const ids = page.edges.map((e) => e.node.id);
    if (direction === 'forward') seen.push(...ids);
    else seen.unshift(...ids);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    expect(await page.totalCount()).toBe(sets.reduce((n, s) => n + s.length, 0));
    const more =
      direction === 'forward' ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
    const back =
      direction === 'forward' ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    expect(back).toBe(pages > 1);
    if (!more) break;
    expect(ids.length).toBe(sizes);
    cursor = direction === 'forward' ? page.pageInfo.endCursor : page.pageInfo.startCursor;
    expect(pages).toBeLessThan(100);
  }
  return seen;
}

describe('resolvePage over merged sources', () => {
  for (const size of [1, 2, 3, 4, 7, 15, 100]) {
    it(`pages forward and backward by ${size} without gaps or duplicates`, async () => {
      expect(await walk(size, 'forward', [A, B])).toEqual(expected);
      expect(await walk(size, 'backward', [A, B])).toEqual(expected);
    });
  }

  it('pages a single source and an empty source', async () => {
    expect(await walk(4, 'forward', [A])).toEqual(A.map((a) => a.id));
    expect(await walk(4, 'backward', [A])).toEqual(A.map((a) => a.id));
    expect(await walk(3, 'forward', [A, []])).toEqual(A.map((a) => a.id));
    expect(await walk(3, 'backward', [[], B])).toEqual(B.map((b) => b.id));
  });

  it('maps first/after to one limit/offset slice per source', async () => {
    const a = recordingSource(A);
    const b = recordingSource(B);
    const first = await resolvePage(
      parsePageArgs({ first: 4 }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    expect(first.edges.map((e) => e.node.id)).toEqual(['b0', 'a0', 'a1', 'a2']);
    expect(a.calls).toEqual(['slice 0 4']);
    expect(b.calls).toEqual(['slice 0 4']);
    a.calls.length = 0;
    b.calls.length = 0;
    await resolvePage(
      parsePageArgs({ first: 4, after: first.pageInfo.endCursor }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    expect(a.calls).toEqual(['slice 3 4']);
    expect(b.calls).toEqual(['slice 1 4']);
  });

  it('maps last to a tail and last/before to the window before the cursor', async () => {
    const a = recordingSource(A);
    const b = recordingSource(B);
    const tail = await resolvePage(
      parsePageArgs({ last: 3 }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    expect(tail.edges.map((e) => e.node.id)).toEqual(['a7', 'a8', 'b5']);
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...a.calls, ...b.calls]).toEqual(['tail 3', 'tail 3']);
    a.calls.length = 0;
    b.calls.length = 0;
    const before = await resolvePage(
      parsePageArgs({ last: 3, before: tail.pageInfo.startCursor }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    // a7 sits at A offset 7 with 5 B items before it: windows A[4,7) and B[2,5).
    expect(a.calls).toEqual(['slice 4 3']);
    expect(b.calls).toEqual(['slice 2 3']);
    expect(before.edges.map((e) => e.node.id)).toEqual(['b3', 'b4', 'a6']);
  });

  it('skips a source the before cursor has not reached and counts it only when asked', async () => {
    const a = recordingSource(A);
    const b = recordingSource(B);
    const head = await resolvePage(
      parsePageArgs({ first: 1 }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    expect(head.edges[0]?.node.id).toBe('b0');
    a.calls.length = 0;
    b.calls.length = 0;
    const second = await resolvePage(
      parsePageArgs({ first: 2 }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    const page = await resolvePage(
      parsePageArgs({ last: 5, before: second.edges[1]!.cursor }, 'k', 2),
      [a.source, b.source],
      byKey,
      'k',
    );
    expect(page.edges.map((e) => e.node.id)).toEqual(['b0']);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    a.calls.length = 0;
    b.calls.length = 0;
    expect(await page.totalCount()).toBe(A.length + B.length);
    expect(a.calls).toEqual(['count']);
    expect(b.calls).toEqual([]);
  });

  it('returns an empty page for first: 0 with the right totals', async () => {
    const page = await resolvePage(
      parsePageArgs({ first: 0 }, 'k', 1),
      [recordingSource(A).source],
      byKey,
      'k',
    );
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      endCursor: null,
    });
    expect(await page.totalCount()).toBe(A.length);
  });
});
