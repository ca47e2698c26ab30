/**
 * When the gateway fetched an upstream payload, for `MediaCollectionStats.fetchedAt`. The cache
 * stamps every object of a payload it hands out (list pages, their items, envelopes' `data`), so
 * whatever part a resolver holds knows its fetch time, on a hit as on a fresh call. Payloads are
 * frozen at the same time: one object may now serve many requests.
 */
const stamps = new WeakMap<object, number>();

/** Unix ms of the fetch that produced `value`, if the cache layer saw it. */
export function fetchedAtOf(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? stamps.get(value) : undefined;
}

export function isStamped(value: unknown): boolean {
  return fetchedAtOf(value) !== undefined;
}

/** Freezes `value` deeply and stamps each object in it with `at`. */
export function freezeAndStamp(value: unknown, at: number): void {
  if (typeof value !== 'object' || value === null) return;
  stamps.set(value, at);
  Object.freeze(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    freezeAndStamp(child, at);
  }
}
