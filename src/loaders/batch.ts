/**
 * The batch machinery every loader shares. Contract of every batch function here: the result
 * array has the keys' length and order; a slot holds the value, `null` when the upstream says it
 * does not exist, or an `Error` when fetching that key failed.
 */
import DataLoader from 'dataloader';
import type { LoaderDeps } from './types.ts';

export type Slot<V> = V | null | Error;

/**
 * Page size that fetches a whole list in one call: Beluga's lists have no maximum page size, and
 * a group (one project's sets or jobs) is far below it. Items past it fall back to detail GETs.
 */
export const WHOLE_LIST = 1000;

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `task` for every item with at most `limit` in flight; never rejects. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<(R | Error)[]> {
  if (items.length === 1) {
    // The common case (one key per batch) without workers.
    try {
      return [await task(items[0] as T)];
    } catch (error) {
      return [asError(error)];
    }
  }
  const out: (R | Error)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await task(items[i] as T);
      } catch (error) {
        out[i] = asError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * A per-request loader (batching and caching as `deps.dataLoader` says, both on by default).
 * Object keys need `cacheKeyFn`: two keys with the same cache key share one load.
 */
export function makeLoader<K, V>(
  deps: LoaderDeps,
  batch: (keys: readonly K[]) => Promise<Slot<V>[]>,
  cacheKeyFn?: (key: K) => string,
): DataLoader<K, V | null, string> {
  return new DataLoader<K, V | null, string>(batch, {
    ...deps.dataLoader,
    ...(cacheKeyFn ? { cacheKeyFn } : {}),
  });
}

/** Groups items by a string key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export interface ListThenDetail<K, P> {
  /**
   * The list calls that could serve a key, most specific first (e.g. `set:21`, then `project:23`;
   * `undefined` for none). Tier by tier, a group of two or more distinct ids gets one list call;
   * the other keys try the next tier, and a key no list serves gets its detail.
   */
  group: (key: K) => readonly (string | undefined)[];
  /**
   * One list call for a group, given all its keys. `complete` says the list holds every item of
   * the group, so an id it lacks does not exist (`null`) rather than needing a detail GET.
   */
  list: (group: string, keys: readonly K[]) => Promise<{ items: readonly P[]; complete: boolean }>;
  /** One detail GET, given the first key of that id; `null` when the upstream has no such item. */
  detail: (key: K) => Promise<P | null>;
  /** The upstream id of a key and of a payload. Keys with the same id share one fetch. */
  idOf: { key: (key: K) => string; item: (item: P) => string };
  /** At most this many calls in flight. */
  concurrency: number;
}

/**
 * Beluga has no id filter, so a batch of ids is served by list calls where a group shares one
 * list endpoint, and detail GETs for the rest. Round one makes the list calls and the details of
 * ungrouped ids together; round two makes the details of ids a list did not contain. A failed
 * list fails its group's keys; a failed detail fails that id's keys.
 */
export async function listThenDetail<K, P>(
  keys: readonly K[],
  options: ListThenDetail<K, P>,
): Promise<Slot<P>[]> {
  const { group, list, detail, idOf, concurrency } = options;
  if (keys.length === 1) {
    // One key: no list can serve it (a list call needs two ids), so its detail.
    const [slot] = await mapBounded(keys, 1, detail);
    return [slot ?? null];
  }
  const keysById = groupBy(keys, idOf.key);
  const firstKey = (id: string) => (keysById.get(id) as K[])[0] as K;
  const tiers = new Map([...keysById.keys()].map((id) => [id, group(firstKey(id))]));
  const results = new Map<string, Slot<P>>();

  const lists: { group: string; ids: string[] }[] = [];
  let ungrouped = [...keysById.keys()];
  const depth = Math.max(0, ...[...tiers.values()].map((t) => t.length));
  for (let tier = 0; tier < depth; tier++) {
    const candidates = ungrouped.filter((id) => tiers.get(id)?.[tier] !== undefined);
    const grouped = new Set<string>();
    for (const [name, ids] of groupBy(candidates, (id) => tiers.get(id)?.[tier] as string)) {
      if (ids.length < 2) continue;
      lists.push({ group: name, ids });
      for (const id of ids) grouped.add(id);
    }
    ungrouped = ungrouped.filter((id) => !grouped.has(id));
  }

  const missing: string[] = [];
  const fetchList = async ({ group: name, ids }: (typeof lists)[number]) => {
    try {
      const page = await list(
        name,
        ids.flatMap((id) => keysById.get(id) as K[]),
      );
      const byId = new Map(page.items.map((item) => [idOf.item(item), item]));
      for (const id of ids) {
        const item = byId.get(id);
        if (item) results.set(id, item);
        else if (page.complete) results.set(id, null);
        else missing.push(id);
      }
    } catch (error) {
      for (const id of ids) results.set(id, asError(error));
    }
  };
  const fetchDetail = async (id: string) => {
    try {
      results.set(id, await detail(firstKey(id)));
    } catch (error) {
      results.set(id, asError(error));
    }
  };
  const roundOne = [
    ...lists.map((l) => () => fetchList(l)),
    ...ungrouped.map((id) => () => fetchDetail(id)),
  ];
  await mapBounded(roundOne, concurrency, (task) => task());
  await mapBounded(missing, concurrency, fetchDetail);
  return keys.map((key) => results.get(idOf.key(key)) ?? null);
}
