/**
 * How long an entry may answer, as pure functions of its age. 2xx answers are fresh for `ttlMs`;
 * after that, stale-while-revalidate for `staleWhileRevalidateMs` (served at once while one
 * refresh runs), then stale-if-error up to `staleIfErrorMs` past the TTL (served only when the
 * refresh fails or may not run). A remembered 404 (`value: null`) is fresh for at most
 * NOT_FOUND_TTL_MS and never served stale.
 */
import type { CacheEntry } from './store.ts';

export const NOT_FOUND_TTL_MS = 5_000;

export interface FreshnessPolicy {
  ttlMs: number;
  staleWhileRevalidateMs: number;
  staleIfErrorMs: number;
}

export type Freshness = 'fresh' | 'revalidate' | 'stale-if-error' | 'expired';

/**
 * `maxAgeMs` (a subscription's poll) shortens `fresh` and has no stale-while-revalidate: an older
 * answer is fetched again, with stale-if-error still standing in.
 */
export function freshness(
  entry: CacheEntry,
  now: number,
  policy: FreshnessPolicy,
  maxAgeMs?: number,
): Freshness {
  const age = now - entry.fetchedAt;
  if (entry.value === null) {
    const freshFor = Math.min(policy.ttlMs, NOT_FOUND_TTL_MS, maxAgeMs ?? Number.POSITIVE_INFINITY);
    return age < freshFor ? 'fresh' : 'expired';
  }
  if (age < Math.min(policy.ttlMs, maxAgeMs ?? Number.POSITIVE_INFINITY)) return 'fresh';
  if (age >= policy.ttlMs + policy.staleIfErrorMs) return 'expired';
  const revalidates = maxAgeMs === undefined && age < policy.ttlMs + policy.staleWhileRevalidateMs;
  return revalidates ? 'revalidate' : 'stale-if-error';
}

/** How long a store keeps the entry: as long as any of the windows above may still use it. */
export function retainMs(entry: CacheEntry, policy: FreshnessPolicy): number {
  return entry.value === null
    ? Math.min(policy.ttlMs, NOT_FOUND_TTL_MS)
    : policy.ttlMs + Math.max(policy.staleWhileRevalidateMs, policy.staleIfErrorMs);
}
