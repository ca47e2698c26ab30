/**
 * The shared upstream cache as the upstream layer composes it: one store (in-process, or Redis
 * when REDIS_URL is set), one keyer, one set of counters, and a `CachedHttp` decorator per
 * upstream. See README.md, "Caching".
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { UpstreamName } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import { type CachedHttp, createCachedHttp, type RefreshPace } from './cached-http.ts';
import type { CacheInvalidation } from './invalidation.ts';
import { createCacheKeyer } from './key.ts';
import { type CacheCount, createCacheStats } from './stats.ts';
import type { CacheStore } from './store.ts';
import { createMemoryStore } from './store-memory.ts';

export type { CacheInvalidation } from './invalidation.ts';

export interface UpstreamCache {
  /** Decorates one upstream's HTTP client. */
  wrap(upstream: UpstreamName, http: HttpClient, pace?: RefreshPace): CachedHttp;
  /** Invalidation hooks per upstream (for writes). */
  invalidation(upstream: UpstreamName): CacheInvalidation;
  counts(): CacheCount[];
  total: ReturnType<typeof createCacheStats>['total'];
  bytes(): number;
  /** `off` without REDIS_URL; `down` while Redis does not answer (reads go upstream). */
  redisState(): 'off' | 'up' | 'down';
  /** For /ready's body: `{ store: 'memory' }` or `{ store: 'redis', redis: 'up' | 'down' }`. */
  readiness(): Record<string, string>;
  close(): Promise<void>;
}

export function createUpstreamCache(
  config: Config,
  deps: { logger: Logger; now: () => number; store?: CacheStore },
): UpstreamCache {
  const store = deps.store ?? createMemoryStore({ maxBytes: config.cache.maxBytes, now: deps.now });
  const keyer = createCacheKeyer(config.cache.keySecret);
  const stats = createCacheStats();
  const logger = deps.logger.child({ component: 'cache' });
  const wrapped = new Map<UpstreamName, CachedHttp>();
  return {
    wrap(upstream, http, pace) {
      const cached = createCachedHttp({
        upstream,
        inner: http,
        store,
        keyer,
        stats,
        logger,
        now: deps.now,
        ttlMs: config.cache.ttlMs[upstream],
        staleWhileRevalidateMs: config.cache.staleWhileRevalidateMs,
        staleIfErrorMs: config.cache.staleIfErrorMs,
        peerWaitMs: config.upstream.timeoutMs,
        ...(pace ? { pace } : {}),
      });
      wrapped.set(upstream, cached);
      return cached;
    },
    invalidation(upstream) {
      const cached = wrapped.get(upstream);
      if (!cached) throw new Error(`cache: ${upstream} is not wrapped`);
      return cached;
    },
    counts: () => stats.counts(),
    total: (event, upstream) => stats.total(event, upstream),
    bytes: () => store.bytes(),
    readiness: (): Record<string, string> =>
      store.kind === 'redis'
        ? { store: 'redis', redis: store.up?.() ? 'up' : 'down' }
        : { store: 'memory' },
    redisState: () => (store.kind === 'redis' ? (store.up?.() ? 'up' : 'down') : 'off'),
    close: () => store.close(),
  };
}
