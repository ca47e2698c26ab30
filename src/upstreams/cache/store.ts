/**
 * Where cache entries live: in-process (store-memory.ts) or Redis shared by replicas
 * (store-redis.ts). A store never throws: a failed or slow read is a miss, a failed write is lost.
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

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CacheEntry | undefined>;
  /** Keeps the entry for `retainMs` (TTL plus the stale windows). */
  set(key: string, entry: CacheEntry, retainMs: number): Promise<void>;
  evict(match: EvictMatch): Promise<number>;
  /** Bytes held in this process (the in-process layer). */
  bytes(): number;
  /** Redis: whether the last command answered in time. */
  up?(): boolean;
  /**
   * Redis: claims the upstream call for `key` among replicas for at most `ms`. False while another
   * replica holds it (wait for its entry); true otherwise, Redis down included (call it yourself).
   */
  claim?(key: string, ms: number): Promise<boolean>;
  /** Redis: ends this replica's claim. */
  release?(key: string): Promise<void>;
  /** Redis: whether some replica holds the claim (false when Redis does not answer). */
  claimed?(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export function matches(key: string, match: EvictMatch): boolean {
  return (
    key.startsWith(match.prefix) && (match.scope === undefined || key.endsWith(`#${match.scope}`))
  );
}
