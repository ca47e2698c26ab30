/**
 * Helpers shared by the batch functions. Contract of every batch function here: the result
 * array has the keys' length and order; a slot holds the value, `null` when the upstream says it
 * does not exist, or an `Error` when fetching that key failed.
 */
import DataLoader from 'dataloader';
import type { LoaderDeps } from './types.ts';

export type Slot<V> = V | null | Error;

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `task` for every item with at most `limit` in flight; never rejects. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<(R | Error)[]> {
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

/** A per-request loader; the benchmark baseline turns batching and caching off. */
export function makeLoader<V>(
  deps: LoaderDeps,
  batch: (keys: readonly string[]) => Promise<Slot<V>[]>,
): DataLoader<string, V | null> {
  const baseline = deps.config.mode === 'baseline';
  return new DataLoader<string, V | null>(batch, { batch: !baseline, cache: !baseline });
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
