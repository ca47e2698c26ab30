/**
 * Per-client limits (rate-limiter-flexible, fixed windows): upstream calls per minute
 * (CLIENT_CALLS_PER_MINUTE) and each client's share of the Wickson hourly budget
 * (CLIENT_WICKSON_SHARE × WICKSON_HOURLY_BUDGET). A request reserves its predicted calls before
 * execution and gives back what it did not use afterwards, so a refused request costs nothing
 * and a client's count is what it really made upstream. In memory by default; with a Redis
 * client the counts are shared by replicas, with an in-memory insurance limiter while Redis is
 * down so traffic is never blocked by it.
 */
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { UpstreamCounts } from '../upstreams/call-budget.ts';

export type ClientLimitName = 'calls' | 'wickson';

export type Reservation =
  | { ok: true; release(actual: UpstreamCounts): void }
  | { ok: false; limit: ClientLimitName; retryAfterSeconds: number };

export interface ClientLimits {
  reserve(client: string, predicted: UpstreamCounts): Promise<Reservation>;
}

interface Window {
  name: ClientLimitName;
  limiter: RateLimiterAbstract;
  points: number;
  /** Points a request's prediction puts on this window. */
  of(counts: UpstreamCounts): number;
}

export function createClientLimits(
  config: Config,
  options: { redis?: unknown; onStoreError?: (error: unknown) => void } = {},
): ClientLimits {
  const limiter = (keyPrefix: string, points: number, duration: number) => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!options.redis) return memory;
    return new RateLimiterRedis({
      storeClient: options.redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: memory,
    });
  };
  const { callsPerMinute, wicksonShare } = config.clients;
  const wicksonPoints = Math.max(1, Math.floor(config.wickson.hourlyBudget * wicksonShare));
  const windows: Window[] = [
    ...(callsPerMinute > 0
      ? [
          {
            name: 'calls' as const,
            limiter: limiter('gw:client:calls', callsPerMinute, 60),
            points: callsPerMinute,
            of: (c: UpstreamCounts) => c.beluga + c.wickson,
          },
        ]
      : []),
    {
      name: 'wickson',
      limiter: limiter('gw:client:wickson', wicksonPoints, 3600),
      points: wicksonPoints,
      of: (c) => c.wickson,
    },
  ];

  /** Points moved without waiting for the store: a failure only loses accuracy. */
  const adjust = (window: Window, client: string, points: number) => {
    if (points === 0) return;
    const done =
      points > 0 ? window.limiter.penalty(client, points) : window.limiter.reward(client, -points);
    done.catch((error: unknown) => options.onStoreError?.(error));
  };

  return {
    async reserve(client, predicted) {
      const taken: [Window, number][] = [];
      const giveBack = () => {
        for (const [window, points] of taken) adjust(window, client, -points);
      };
      for (const window of windows) {
        // A prediction above a whole window could never pass: it may use the window once.
        const points = Math.min(window.of(predicted), window.points);
        if (points === 0) continue;
        try {
          await window.limiter.consume(client, points);
          taken.push([window, points]);
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) {
            // The store failed without an insurance limiter answering: let the request run.
            options.onStoreError?.(refusal);
            continue;
          }
          // A refused consume still counted its points: the request never ran, so none stay.
          adjust(window, client, -points);
          giveBack();
          const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
          return { ok: false, limit: window.name, retryAfterSeconds };
        }
      }
      return {
        ok: true,
        release(actual) {
          for (const [window, points] of taken) adjust(window, client, window.of(actual) - points);
        },
      };
    },
  };
}
