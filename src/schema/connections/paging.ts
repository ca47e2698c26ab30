import { type Cursor, encodeCursor } from './cursor.ts';
import { mergeRuns, type Run } from './merge.ts';
import { type PageRequest, positionAfter } from './page-args.ts';

/** One ordered upstream source of a connection, addressed by offset. */
export interface PagedSource<T> {
  /** Items [offset, offset + limit) in source order, and the total; `limit` may be 0. */
  slice(offset: number, limit: number): Promise<{ items: T[]; count: number }>;
  /**
   * The last `limit` items (`limit` may be 0), still in source order, and the total. Absent for
   * forward-only connections (no `last` argument), where the request is never backward.
   */
  tail?(limit: number): Promise<{ items: T[]; count: number }>;
  /** The total alone (only asked when no slice of this source was needed). */
  count(): Promise<number>;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** What a connection field resolves to; `totalCount` costs a call only if not yet known. */
export interface ConnectionPage<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Resolves a Relay page over ordered sources merged by `compare`: per source at most one
 * `slice` or `tail` of at most `size` items. Cursors carry every source's offset, so pages
 * meet without gaps or duplicates in both directions.
 */
export async function resolvePage<T>(
  request: PageRequest,
  sources: readonly PagedSource<T>[],
  compare: (a: T, b: T) => number,
  key: string,
): Promise<ConnectionPage<T>> {
  const counts: (number | undefined)[] = sources.map(() => undefined);
  const floor = request.after ? positionAfter(request.after) : sources.map(() => 0);
  const bound = request.before?.p ?? null;

  const runs = await Promise.all(
    sources.map(async (source, i): Promise<Run<T>> => {
      const lo = floor[i]!;
      const hi = bound?.[i];
      if (request.direction === 'forward') {
        const limit = hi === undefined ? request.size : Math.min(request.size, hi - lo);
        if (limit <= 0 && hi !== undefined) return { start: lo, items: [] };
        const page = await source.slice(lo, limit);
        counts[i] = page.count;
        return { start: lo, items: page.items };
      }
      if (hi === undefined) {
        if (!source.tail) throw new Error('backward page asked of a forward-only connection');
        const page = await source.tail(request.size);
        counts[i] = page.count;
        const start = page.count - page.items.length;
        const skip = Math.max(0, lo - start);
        return { start: start + skip, items: page.items.slice(skip) };
      }
      const start = Math.max(lo, hi - request.size);
      if (hi - start <= 0) return { start: hi, items: [] };
      const page = await source.slice(start, hi - start);
      counts[i] = page.count;
      return { start, items: page.items };
    }),
  );

  const merged = mergeRuns(runs, compare);
  const chosen =
    request.direction === 'forward'
      ? merged.slice(0, request.size)
      : merged.slice(Math.max(0, merged.length - request.size));
  const edges = chosen.map((item) => ({
    node: item.node,
    cursor: encodeCursor({ k: key, p: item.position, s: item.source }),
  }));

  const countOf = async (source: PagedSource<T>, i: number) => {
    counts[i] ??= await source.count();
    return counts[i];
  };
  const total = async () => sum(await Promise.all(sources.map(countOf)));
  const firstPosition = chosen[0]?.position ?? runs.map((run) => run.start);
  const last = chosen[chosen.length - 1];
  const endPosition = last
    ? positionAfter({ k: key, p: last.position, s: last.source } satisfies Cursor)
    : firstPosition;
  // A `before` cursor names an item that exists, so something follows the page.
  const hasNextPage = bound !== null || sum(endPosition) < (await total());
  return {
    edges,
    pageInfo: {
      hasPreviousPage: sum(firstPosition) > 0,
      hasNextPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: total,
  };
}

/** A source already held in full, in order (e.g. Wickson's unpaginated collection list). */
export function arraySource<T>(load: () => Promise<readonly T[]>): PagedSource<T> {
  return {
    slice: async (offset, limit) => {
      const all = await load();
      return { items: all.slice(offset, offset + limit), count: all.length };
    },
    tail: async (limit) => {
      const all = await load();
      return { items: limit > 0 ? all.slice(-limit) : [], count: all.length };
    },
    count: async () => (await load()).length,
  };
}
