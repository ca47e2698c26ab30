/** A contiguous run of one ordered source: its items starting at `start` in that source. */
export interface Run<T> {
  start: number;
  items: readonly T[];
}

/** An item placed in the merged order, with every source's offset just before it. */
export interface Placed<T> {
  node: T;
  source: number;
  position: number[];
}

/**
 * Merges ordered runs (one per source) into one ordered sequence. At each step the smallest head
 * wins; on a tie (`compare` returns 0) the lower source index wins, so the result is
 * deterministic. Only heads of different sources are compared, so each run keeps its own order.
 */
export function mergeRuns<T>(
  runs: readonly Run<T>[],
  compare: (a: T, b: T) => number,
): Placed<T>[] {
  const cursor = runs.map(() => 0);
  const total = runs.reduce((sum, run) => sum + run.items.length, 0);
  const placed: Placed<T>[] = [];
  while (placed.length < total) {
    let best = -1;
    for (let i = 0; i < runs.length; i += 1) {
      const head = runs[i]!.items[cursor[i]!];
      if (head === undefined) continue;
      if (best === -1 || compare(head, runs[best]!.items[cursor[best]!]!) < 0) best = i;
    }
    placed.push({
      node: runs[best]!.items[cursor[best]!]!,
      source: best,
      position: runs.map((run, i) => run.start + cursor[i]!),
    });
    cursor[best]! += 1;
  }
  return placed;
}
