/**
 * Cache counters per upstream and route template, read by the metrics registry
 * (src/server/metrics.ts, `gateway_cache_*`). Counts only grow.
 */
import type { UpstreamName } from '../errors.ts';

export type CacheEvent = 'hit' | 'miss' | 'coalesced' | 'stale' | 'refresh';
/** Why a stale answer was served, or how a background refresh ended. */
export type CacheReason = 'revalidate' | 'error' | 'budget' | 'ok' | 'failed' | '';

export interface CacheCount {
  upstream: UpstreamName;
  route: string;
  event: CacheEvent;
  reason: CacheReason;
  count: number;
}

export interface CacheStats {
  add(upstream: UpstreamName, route: string, event: CacheEvent, reason?: CacheReason): void;
  counts(): CacheCount[];
  /** How many of `event` so far, over all routes (tests, bench). */
  total(event: CacheEvent, upstream?: UpstreamName): number;
}

const MAX_SERIES = 1000;

export function createCacheStats(): CacheStats {
  const series = new Map<string, CacheCount>();
  return {
    add(upstream, route, event, reason = '') {
      const key = `${upstream}\0${route}\0${event}\0${reason}`;
      const found = series.get(key);
      if (found) found.count += 1;
      else if (series.size < MAX_SERIES)
        series.set(key, { upstream, route, event, reason, count: 1 });
    },
    counts: () => [...series.values()].map((c) => ({ ...c })),
    total: (event, upstream) => {
      let sum = 0;
      for (const c of series.values())
        if (c.event === event && (!upstream || c.upstream === upstream)) sum += c.count;
      return sum;
    },
  };
}
