/**
 * What a write evicts: every cached answer of a path (`evictPath`, all query strings) or of a
 * path prefix (`evictPrefix`), for every caller or for one caller's scope.
 */
import type { UpstreamName } from '../errors.ts';
import { type CacheKeyer, pathKey, SHARED_SCOPE } from './key.ts';
import type { EvictMatch } from './store.ts';

/** One caller, by their `Authorization` (undefined = anonymous). */
export type Who = { authorization: string | undefined };

/** Invalidation hooks for writes: evict what a mutation changed. */
export interface CacheInvalidation {
  /**
   * Evicts every cached answer of `path` (all query strings), e.g. `/api/v2/jobs/7/` after a job
   * action. `who` limits it to one caller's scope (their `Authorization`, undefined =
   * anonymous); omitted, every scope. Reads in flight when it runs are not stored, on any
   * replica. Resolves the number of entries evicted.
   */
  evictPath(path: string, who?: Who): Promise<number>;
  /** Like `evictPath` for every path starting with `prefix`, e.g. `/api/v2/captures/collections/`. */
  evictPrefix(prefix: string, who?: Who): Promise<number>;
}

/** The store match for `prefix` (a path prefix, or `path?` for one path), in `who`'s scope. */
export function evictMatch(
  upstream: UpstreamName,
  keyer: CacheKeyer,
  prefix: string,
  who?: Who,
): EvictMatch {
  const scope =
    who === undefined
      ? undefined
      : upstream === 'wickson'
        ? SHARED_SCOPE
        : keyer.scopeOf(who.authorization);
  return { prefix: pathKey(upstream, prefix), ...(scope ? { scope } : {}) };
}
