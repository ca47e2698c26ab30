/**
 * When the gateway fetched a record from its upstream (Unix ms): `MediaCollectionStats.fetchedAt`
 * and the subscriptions' snapshots read it. The client reading the record's endpoint names where
 * its records are (`GetRequest.onFetched`, calling `markFetched`); the shared cache calls that
 * once per upstream answer, with the fetch time, before it stores and shares the answer. So a
 * record served from the cache keeps the time of the fetch that produced it (a Redis entry keeps
 * it in its JSON). The wire schemas do not read the field: an upstream cannot set it. A write's
 * answer has none: it is read now.
 */
export interface FetchedAt {
  fetchedAt?: number;
}

/** Writes `at` into records freshly parsed from one answer (not shared with anyone yet). */
export function markFetched(records: Iterable<object>, at: number): void {
  for (const record of records) (record as FetchedAt).fetchedAt = at;
}
