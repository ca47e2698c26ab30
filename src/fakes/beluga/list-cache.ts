/**
 * Between writes a filtered and sorted list depends only on the viewer and the query minus
 * paging. Caching it keeps large-scale benchmark lists cheap for the fake; every write calls
 * `forgetLists`, so later reads show it.
 */
import type { Dataset } from '../dataset.ts';
import type { FakeRequest } from '../types.ts';
import type { Viewer } from './access.ts';

const PAGING = new Set(['limit', 'offset', 'format']);
const MAX_ENTRIES = 500;

const caches: WeakMap<Dataset, Map<string, unknown[]>>[] = [];

export function forgetLists(dataset: Dataset): void {
  for (const byDataset of caches) byDataset.delete(dataset);
}

export function createListCache<T>() {
  const byDataset = new WeakMap<Dataset, Map<string, T[]>>();
  caches.push(byDataset as WeakMap<Dataset, Map<string, unknown[]>>);
  return (req: FakeRequest, viewer: Viewer, compute: () => T[]): T[] => {
    let entries = byDataset.get(viewer.dataset);
    if (!entries) {
      entries = new Map();
      byDataset.set(viewer.dataset, entries);
    }
    const params = [...req.query]
      .filter(([k]) => !PAGING.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = `${viewer.user?.id ?? 'anonymous'}|${JSON.stringify(params)}`;
    let list = entries.get(key);
    if (!list) {
      list = compute();
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, list);
    }
    return list;
  };
}
