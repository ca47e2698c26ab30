/**
 * The gateway's subscriptions service: the watch hub (src/live) built from the config, with Redis
 * (REDIS_URL) for the lease and the bus when replicas share it, the stream limits, and the charge
 * of every poll to the per-client calls per minute. `close` completes every stream.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { UpstreamClients } from '../context.ts';
import { createLocalBus, createRedisBus } from '../live/bus.ts';
import { createLiveHub, type LiveHub } from '../live/hub.ts';
import { createRedisLease, soleLease } from '../live/lease.ts';
import { createResources } from '../live/resources.ts';
import { createStreamLimits, type StreamLimits } from '../live/stream-limits.ts';
import { type LiveClock, realClock } from '../live/types.ts';
import type { Redis } from '../redis.ts';
import { createCacheKeyer } from '../upstreams/cache/key.ts';
import type { ClientLimits } from './client-limits.ts';
import { registerLiveMetrics } from './live-metrics.ts';

export interface LiveService {
  hub: LiveHub;
  limits: StreamLimits;
  now(): number;
  close(): Promise<void>;
}

/** Items a subscriber may leave unread before its stream ends (a poll makes at most one). */
const MAX_QUEUED = 64;
/** How long a channel's last change is kept for a replica that starts watching later. */
const KEEP_LAST_MS = 10 * 60_000;

export function createLiveService(
  config: Config,
  deps: {
    clients: UpstreamClients;
    logger: Logger;
    redis?: Redis | undefined;
    clock?: LiveClock;
    clientLimits?: ClientLimits | undefined;
    /** Where the subscriptions' metrics are served (./live-metrics.ts). */
    registry?: Registry;
  },
): LiveService {
  const logger = deps.logger.child({ component: 'live' });
  const keyPrefix = `${config.redis.keyPrefix}live:`;
  const bus = deps.redis
    ? createRedisBus({ redis: deps.redis, keyPrefix, keepMs: KEEP_LAST_MS, logger })
    : createLocalBus();
  const clock = deps.clock ?? realClock;
  const keyer = createCacheKeyer(config.cache.keySecret);
  const limits = deps.clientLimits;
  const hub = createLiveHub({
    resources: createResources(deps.clients),
    scopeOf: keyer.scopeOf,
    bus,
    lease: deps.redis ? createRedisLease(deps.redis, bus.replica) : soleLease,
    clock,
    logger,
    baseIntervalMs: config.live.jobPollIntervalMs,
    maxQueued: MAX_QUEUED,
    keyPrefix,
    pollTimeoutMs: config.upstream.timeoutMs,
    ...(limits
      ? {
          charge: async (owner, calls) => {
            const seconds = await limits.charge(owner, calls);
            return seconds === undefined
              ? undefined
              : { code: 'RATE_LIMITED' as const, retryAfterSeconds: seconds };
          },
        }
      : {}),
  });
  if (deps.registry) registerLiveMetrics(deps.registry, hub.stats);
  return {
    hub,
    limits: createStreamLimits({ perClient: config.live.perClient, total: config.live.max }),
    now: clock.now,
    close: () => hub.close(),
  };
}
