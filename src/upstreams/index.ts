/**
 * Composition of the upstream layer: one undici Pool, breaker and retry budget per upstream, the
 * Wickson quota guard and error-body reader, and the two typed clients over their `HttpClient`,
 * with the shared cache decorating it in between. With REDIS_URL the cache store and the Wickson
 * quota live in Redis, shared by every replica (README, "Several replicas on Redis").
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import { closeRedis, createRedis, type Redis } from '../redis.ts';
import { createBelugaClient } from './beluga/client.ts';
import { readBelugaErrorBody } from './beluga/error-body.ts';
import { createBreaker } from './breaker.ts';
import { createBudgetPace } from './cache/budget-pace.ts';
import { createUpstreamCache, type UpstreamCache } from './cache/index.ts';
import { createMemoryStore } from './cache/store-memory.ts';
import { createRedisStore } from './cache/store-redis.ts';
import type { UpstreamName } from './errors.ts';
import { createHttp } from './http.ts';
import { createPool } from './pool.ts';
import { createQuotaGuard, type QuotaGate, type QuotaUsage } from './quota.ts';
import { createSharedQuotaGuard } from './quota-shared.ts';
import { createRetryBudget } from './retry.ts';
import type { BelugaClient, UpstreamHealth, WicksonClient } from './types.ts';
import { createWicksonClient } from './wickson/client.ts';
import { readWicksonErrorBody } from './wickson/error-body.ts';

export interface Upstreams {
  beluga: BelugaClient;
  wickson: WicksonClient;
  health(): UpstreamHealth[];
  /** The shared GET cache: counters, size, invalidation hooks (src/upstreams/cache). */
  cache: UpstreamCache;
  /** Calls, this minute's calls and what is left of WICKSON_HOURLY_BUDGET (shared on Redis). */
  wicksonBudget(): QuotaUsage;
  /** The process's Redis client (REDIS_URL), for anything else replicas share; closed by `close`. */
  redis: Redis | undefined;
  /** Closes the undici pools (waits for calls in flight). */
  close(): Promise<void>;
}

export interface UpstreamsDeps {
  logger: Logger;
  /** Wall clock (Unix ms) for rate-limit resets, quotas and the retry budget. */
  now?: () => number;
  /** Tests may inject their own dispatchers; otherwise one Pool per origin is created. */
  dispatchers?: Partial<Record<UpstreamName, Dispatcher>>;
  /** Retry jitter source in [0, 1); tests pin it so a retry's timing is deterministic. */
  random?: () => number;
  /** A Redis client to use instead of one made from REDIS_URL (the caller closes it). */
  redis?: Redis;
}

export function createUpstreams(config: Config, deps: UpstreamsDeps): Upstreams {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'upstreams' });
  const owned: Dispatcher[] = [];
  const dispatcherFor = (name: UpstreamName, url: string) => {
    const injected = deps.dispatchers?.[name];
    if (injected) return injected;
    const pool = createPool(url, config);
    owned.push(pool);
    return pool;
  };
  const shared = (name: UpstreamName, baseUrl: string) => ({
    upstream: name,
    baseUrl,
    dispatcher: dispatcherFor(name, baseUrl),
    logger,
    now,
    timeoutMs: config.upstream.timeoutMs,
    breaker: createBreaker({
      failureRatio: config.upstream.breakerFailureRatio,
      halfOpenAfterMs: config.upstream.breakerHalfOpenMs,
    }),
    budget: createRetryBudget({ ratio: config.upstream.retryBudgetRatio, now }),
    random: deps.random,
  });

  const ownRedis = deps.redis ? undefined : createRedis(config, logger);
  const redis = deps.redis ?? ownRedis;
  const quota: QuotaGate = redis
    ? createSharedQuotaGuard({
        redis,
        keyPrefix: config.redis.keyPrefix,
        hourlyBudget: config.wickson.hourlyBudget,
        localShare: config.redis.quotaLocalShare,
        now,
      })
    : createQuotaGuard({ hourlyBudget: config.wickson.hourlyBudget, now });
  const memory = createMemoryStore({ maxBytes: config.cache.maxBytes, now });
  const cache = createUpstreamCache(config, {
    logger,
    now,
    store: redis
      ? createRedisStore({ redis, keyPrefix: config.redis.keyPrefix, fallback: memory, now })
      : memory,
  });
  // DRF error bodies: only a 400's field errors are read (for a mutation's userErrors).
  const belugaHttp = cache.wrap(
    'beluga',
    createHttp({ ...shared('beluga', config.beluga.url), readErrorBody: readBelugaErrorBody }),
  );
  const wicksonHttp = cache.wrap(
    'wickson',
    createHttp({
      ...shared('wickson', config.wickson.url),
      readErrorBody: readWicksonErrorBody,
      quota,
    }),
    createBudgetPace({
      hourlyBudget: config.wickson.hourlyBudget,
      reserve: config.cache.wicksonBudgetReserve,
      usage: () => quota.usage(),
      now,
    }),
  );

  return {
    beluga: createBelugaClient(belugaHttp, { eviction: belugaHttp }),
    wickson: createWicksonClient(wicksonHttp, config.wickson.apiKey),
    health: () => [belugaHttp.health(), wicksonHttp.health()],
    cache,
    wicksonBudget: () => quota.usage(),
    redis,
    close: async () => {
      await Promise.all(owned.map((pool) => pool.close()));
      await cache.close();
      await closeRedis(ownRedis);
    },
  };
}
