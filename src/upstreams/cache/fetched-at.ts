/**
 * When the gateway fetched an upstream payload, for `MediaCollectionStats.fetchedAt`. Every
 * payload is stamped as it arrives (and as it is read back from a shared store): the payload and
 * the objects a resolver may hold as its parent, up to three levels down (a list page's items,
 * an envelope's `data`, Wickson's `data.collection_details[id]`). Payloads the cache shares between
 * requests are also frozen deeply: one object may then serve many requests.
 *
 * The stamp is a non-enumerable symbol-keyed property, invisible to JSON, `Object.keys` and
 * spreads. (A WeakMap cost ~5% of a 50-node page's CPU: every payload object became an ephemeron
 * entry the GC walks.) A stamped object keeps its first stamp; a frozen one is not stamped.
 */
const FETCHED_AT = Symbol('fetchedAt');

const STAMP: PropertyDescriptor & { value: number } = {
  value: 0,
  enumerable: false,
  writable: false,
  configurable: false,
};

/** Levels below the payload that are stamped: `page.results[i]`, `data.collection_details[id]`. */
const STAMP_DEPTH = 3;

/** Unix ms of the fetch that produced `value`, if the cache layer saw it. */
export function fetchedAtOf(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null
    ? (value as { [FETCHED_AT]?: number })[FETCHED_AT]
    : undefined;
}

export function isStamped(value: unknown): boolean {
  return fetchedAtOf(value) !== undefined;
}

/** Stamps `value` and the objects up to STAMP_DEPTH levels inside it with `at`. */
export function stamp(value: unknown, at: number, depth = 0): void {
  if (typeof value !== 'object' || value === null || !Object.isExtensible(value)) return;
  if (Object.hasOwn(value, FETCHED_AT)) return;
  STAMP.value = at;
  Object.defineProperty(value, FETCHED_AT, STAMP);
  if (depth === STAMP_DEPTH) return;
  if (Array.isArray(value)) {
    for (const child of value) stamp(child, at, depth + 1);
    return;
  }
  for (const key in value) stamp((value as Record<string, unknown>)[key], at, depth + 1);
}

/** Freezes `value` and everything inside it. */
export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) deepFreeze(child);
}

/** A payload about to be shared: frozen, and stamped if it is not yet. */
export function share(value: unknown, at: number): void {
  if (!isStamped(value)) stamp(value, at);
  deepFreeze(value);
}
