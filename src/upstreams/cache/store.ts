/**
 * Where cache entries live: in-process (store-memory.ts) or Redis shared by replicas
 * (store-redis.ts). A store never throws: a failed or slow read is a miss, a failed write is lost.
 *
 * An eviction wins over every read that started before it: `lookup` hands out a mark of the
 * store's state, and `set` with that mark stores nothing once an eviction covering the key has
 * happened since (in this process, or, on Redis, on any replica).
 */
export interface CacheEntry {
  /** The parsed answer, or null for a remembered 404 (`getOrNull`). */
  value: unknown;
  /** Unix ms of the upstream fetch that produced it. */
  fetchedAt: number;
  /** Approximate size: the JSON length of `value`. */
  bytes: number;
}

/** What to evict: keys starting with `prefix`, only those ending in `#${scope}` when set. */
export interface EvictMatch {
  prefix: string;
  scope?: string;
}

/** Opaque: the store's state when a read looked up its key. */
export type StoreMark = { readonly storeMark: unique symbol };

export interface Lookup {
  entry: CacheEntry | undefined;
  since: StoreMark;
}

/** Another replica's answer, or this replica's turn to call (then `release` once stored). */
export type Coalesced = { entry: CacheEntry } | { release(): void };

export interface CoalesceOptions {
  /** The cache key whose entry the waiting replicas read. */
  key: string;
  /** The mark of this read's lookup. */
  since: StoreMark;
  /** Whether an entry that landed answers this read (newer than the one it replaces, …). */
  accept(entry: CacheEntry): boolean;
  /** How long to wait for another replica's entry, and how long a claim lives. */
  waitMs: number;
  signal?: AbortSignal;
}

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CacheEntry | undefined>;
  /** The entry, with the mark a later conditional `set` needs. */
  lookup(key: string): Promise<Lookup>;
  /**
   * Keeps the entry for `retainMs` (TTL plus the stale windows). With `since` (from `lookup`),
   * only when no eviction covering `key` happened after that lookup.
   */
  set(key: string, entry: CacheEntry, retainMs: number, since?: StoreMark): Promise<void>;
  evict(match: EvictMatch): Promise<number>;
  /**
   * Whether an eviction covering a key came after the lookup that gave `earlier`, as far as the
   * later lookup of that key that gave `later` knows (a call started then is too old to join).
   */
  evictedSince(earlier: StoreMark, later: StoreMark): boolean;
  /** Bytes held in this process (the in-process layer). */
  bytes(): number;
  /** Redis: whether the last command answered in time. */
  up?(): boolean;
  /**
   * Redis: one replica calls the upstream for `flightKey` while the others wait for its entry
   * (best effort). Redis down, or a claim held by a read older than the last eviction of the
   * key: this replica calls.
   */
  coalesce?(flightKey: string, options: CoalesceOptions): Promise<Coalesced>;
  close(): Promise<void>;
}

export function matches(key: string, match: EvictMatch): boolean {
  return (
    key.startsWith(match.prefix) && (match.scope === undefined || key.endsWith(`#${match.scope}`))
  );
}
