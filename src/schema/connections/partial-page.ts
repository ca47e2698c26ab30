import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import type { GatewayContext } from '../../context.ts';
import { isUpstreamError, type UpstreamError } from '../../loaders/upstream.ts';
import type { Cursor } from './cursor.ts';
import { type PageRequest, positionAfter } from './page-args.ts';
import { type ConnectionPage, type PagedSource, resolvePage } from './paging.ts';

/** An upstream failure that may leave the other sources answering (not the caller's input). */
const isSourceFailure = (error: unknown): error is UpstreamError =>
  isUpstreamError(error) && error.code !== 'BAD_USER_INPUT';

/**
 * `resolvePage` over several upstream sources where one failing source does not fail the page:
 * the page is built from the sources that answered, each failure is reported on the context
 * (the gateway adds it to `errors` at this field's path) and the cursors keep the failed source
 * at the position the request gave it, so paging on loses none of its items once it recovers.
 * `totalCount` counts only the sources that answered. When every source fails, the first failure
 * is thrown as without this wrapper.
 */
export async function resolveTolerantPage<T>(
  request: PageRequest,
  sources: readonly PagedSource<T>[],
  compare: (a: T, b: T) => number,
  key: string,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionPage<T>> {
  const floor = request.after ? positionAfter(request.after) : sources.map(() => 0);
  const seen = createFailures(sources.length);
  const guarded = sources.map((source, i) => guard(source, i, seen, floor[i] ?? 0));
  /** Throws when nothing answered; otherwise reports each failure not reported yet. */
  const settle = () => {
    for (const error of seen.unreported()) {
      ctx.reportPartialError(error, {
        path: responsePathAsArray(info.path),
        nodes: info.fieldNodes,
      });
    }
  };

  let page = await resolvePage(request, guarded, compare, key);
  if (seen.any() && request.direction === 'backward' && request.before) {
    // A failed source asked for [hi - size, hi) would otherwise move back to hi - size and skip
    // those items on the next page: pin it at hi. The answering sources' slices are the same
    // loader keys as before, so this costs no upstream call.
    page = await resolvePage(pinFailed(request, floor, seen.failures), guarded, compare, key);
  }
  settle();

  return {
    ...page,
    totalCount: async () => {
      const totals = await Promise.all(guarded.map((source) => source.count()));
      settle();
      return totals.reduce((sum, total, i) => (seen.failures[i] ? sum : sum + total), 0);
    },
  };
}

type Failures = ReturnType<typeof createFailures>;

/** Each source's first failure, in the order they happened, and which were reported. */
function createFailures(sourceCount: number) {
  const failures: (UpstreamError | undefined)[] = Array.from({ length: sourceCount });
  const inOrder: UpstreamError[] = [];
  const reported = new Set<number>();
  return {
    failures,
    counts: Array.from<number | undefined>({ length: sourceCount }),
    any: () => inOrder.length > 0,
    absorb(i: number, error: unknown) {
      if (!isSourceFailure(error)) throw error;
      if (!failures[i]) {
        failures[i] = error;
        inOrder.push(error);
      }
    },
    /** The failures not reported yet; throws the first when every source failed. */
    unreported(): UpstreamError[] {
      if (inOrder.length === 0) return [];
      if (inOrder.length === sourceCount) throw inOrder[0];
      const fresh: UpstreamError[] = [];
      failures.forEach((error, i) => {
        if (!error || reported.has(i)) return;
        reported.add(i);
        fresh.push(error);
      });
      return fresh;
    },
  };
}

/** The source with its failures absorbed: a failed slice is empty and ends where it stands. */
function guard<T>(
  source: PagedSource<T>,
  i: number,
  seen: Failures,
  floor: number,
): PagedSource<T> {
  const { counts } = seen;
  return {
    slice: async (offset, limit) => {
      try {
        const page = await source.slice(offset, limit);
        counts[i] = page.count;
        return page;
      } catch (error) {
        seen.absorb(i, error);
        // Counted as ending where it stands: only the answering sources decide hasNextPage.
        return { items: [], count: offset };
      }
    },
    ...(source.tail && {
      tail: async (limit: number) => {
        try {
          const page = await source.tail!(limit);
          counts[i] = page.count;
          return page;
        } catch (error) {
          seen.absorb(i, error);
          return { items: [], count: floor };
        }
      },
    }),
    count: async () => {
      if (seen.failures[i]) return 0;
      try {
        counts[i] ??= await source.count();
        return counts[i];
      } catch (error) {
        seen.absorb(i, error);
        return 0;
      }
    },
  };
}

/** The request with every failed source's range empty, at its `before` position. */
function pinFailed(
  request: PageRequest,
  floor: readonly number[],
  failures: readonly (UpstreamError | undefined)[],
): PageRequest {
  const before = request.before;
  if (!before) return request;
  const pinned = floor.map((lo, i) => (failures[i] ? Math.max(lo, before.p[i] ?? lo) : lo));
  const s = pinned.findIndex((position) => position > 0);
  if (s === -1) return request;
  const after: Cursor = {
    k: before.k,
    s,
    p: pinned.map((position, i) => (i === s ? position - 1 : position)),
  };
  return { ...request, after };
}
