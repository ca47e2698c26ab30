/**
 * Per-client limits (rate-limiter-flexible, fixed windows): upstream calls per minute
 * (CLIENT_CALLS_PER_MINUTE) and each client's share of the Wickson hourly budget
 * (CLIENT_WICKSON_SHARE × WICKSON_HOURLY_BUDGET). A request reserves its predicted calls before
 * execution and gives back what it did not use afterwards, so a refused request costs nothing
 * and a client's count is what it really made upstream. In memory by default; with a Redis
 * client the counts are shared by replicas, with an in-memory insurance limiter while Redis is
 * down so traffic is never blocked by it.
 */
import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { Redis } from '../redis.ts';
import type { UpstreamCounts } from '../upstreams/call-budget.ts';

// The limiter classes by file: the package's index loads every store it supports (Mongo,
// Postgres, Memcached, …) at start, ~7 MB of RSS; the Redis limiter loads only with Redis.
const require = createRequire(import.meta.url);
type RateLimiterAbstract = Flexible.RateLimiterAbstract;
type RateLimiterRes = Flexible.RateLimiterRes;
const RateLimiterMemory: typeof Flexible.RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory.js');
const RateLimiterRes: typeof Flexible.RateLimiterRes = require('rate-limiter-flexible/lib/RateLimiterRes.js');
const redisLimiter = (): typeof Flexible.RateLimiterRedis =>
  require('rate-limiter-flexible/lib/RateLimiterRedis.js');

export type ClientLimitName = 'calls' | 'wickson';

/** A client's Wickson share is short of the prediction: only `calls` more may go out. */
export interface UpstreamCap {
  upstream: 'wickson';
  calls: number;
  retryAfterSeconds: number;
}

export type Reservation =
  | { ok: true; caps: UpstreamCap[]; release(actual: UpstreamCounts): void }
  | { ok: false; limit: ClientLimitName; retryAfterSeconds: number };

export interface ClientLimits {
  reserve(client: string, predicted: UpstreamCounts): Promise<Reservation>;
  /**
   * Counts calls already made for the client (a subscription's poll) on its calls per minute:
   * undefined while within it, else the seconds until it has room again.
   */
  charge(client: string, calls: UpstreamCounts): Promise<number | undefined>;
}

interface Window {
  name: ClientLimitName;
  limiter: RateLimiterAbstract;
  points: number;
  /** Points a request's prediction puts on this window. */
  of(counts: UpstreamCounts): number;
  /**
   * `refuse`: a request that does not fit is refused whole (HTTP 429). `cap`: it takes what is
   * left and its further calls fail at call time, so answers from the shared cache still serve.
   */
  short: 'refuse' | 'cap';
  /** Most points the request may keep, given what the client held before it (pacing). */
  pace?(heldBefore: number): number;
}

export interface ClientLimitOptions {
  /** An ioredis client (src/redis.ts); without one the counts stay in this process. */
  redis?: Redis | undefined;
  /** Prefix of the Redis keys (REDIS_KEY_PREFIX). */
  keyPrefix?: string;
  onStoreError?: (error: unknown) => void;
  /** Wickson calls left in the shared hour (all clients), for pacing; unset: no pacing. */
  wicksonRemaining?: () => number;
}

export function createClientLimits(config: Config, options: ClientLimitOptions = {}): ClientLimits {
  const windows = clientWindows(config, options);
  /** Points moved without waiting for the store: a failure only loses accuracy. */
  const adjust: Adjust = (window, client, points) => {
    if (points === 0) return;
    const done =
      points > 0 ? window.limiter.penalty(client, points) : window.limiter.reward(client, -points);
    done.catch((error: unknown) => options.onStoreError?.(error));
  };
  return {
    async charge(client, calls) {
      for (const window of windows) {
        const points = window.of(calls);
        if (points === 0 || window.short !== 'refuse') continue;
        try {
          await window.limiter.consume(client, points);
        } catch (refusal) {
          if (refusal instanceof RateLimiterRes) return seconds(refusal);
          options.onStoreError?.(refusal);
        }
      }
      return undefined;
    },
    async reserve(client, predicted) {
      const taken: [Window, number][] = [];
      const caps: UpstreamCap[] = [];
      for (const window of windows) {
        // A prediction above a whole window could never pass: it may use the window once (capped).
        const whole = window.of(predicted);
        const wanted = Math.min(whole, window.points);
        if (wanted === 0) continue;
        const took = await take(window, client, wanted, whole, adjust, options.onStoreError);
        if (took === 'store-failed') continue;
        if ('refused' in took) {
          for (const [held, points] of taken) adjust(held, client, -points);
          return { ok: false, limit: window.name, retryAfterSeconds: took.refused };
        }
        taken.push([window, took.kept]);
        if (took.cap) caps.push(took.cap);
      }
      return {
        ok: true,
        caps,
        release(actual) {
          for (const [window, points] of taken) adjust(window, client, window.of(actual) - points);
        },
      };
    },
  };
}

type Adjust = (window: Window, client: string, points: number) => void;

/** The windows a request's prediction is reserved on: calls per minute (unless 0), Wickson share. */
function clientWindows(config: Config, options: ClientLimitOptions): Window[] {
  const limiter = (name: string, points: number, duration: number) => {
    const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
    if (!options.redis) return memory;
    const RateLimiterRedis = redisLimiter();
    return new RateLimiterRedis({
      storeClient: options.redis,
      rejectIfRedisNotReady: true,
      keyPrefix: `${options.keyPrefix ?? ''}${name}`,
      points,
      duration,
      insuranceLimiter: memory,
    });
  };
  const { callsPerMinute, wicksonShare } = config.clients;
  const wicksonPoints = Math.max(1, Math.floor(config.wickson.hourlyBudget * wicksonShare));
  const pace = options.wicksonRemaining && pacing(wicksonShare, options.wicksonRemaining);
  const calls: Window = {
    name: 'calls',
    limiter: limiter('client:calls', callsPerMinute, 60),
    points: callsPerMinute,
    of: (c) => c.beluga + c.wickson,
    short: 'refuse',
  };
  const wickson: Window = {
    name: 'wickson',
    limiter: limiter('client:wickson', wicksonPoints, 3600),
    points: wicksonPoints,
    of: (c) => c.wickson,
    short: 'cap',
    ...(pace ? { pace } : {}),
  };
  return callsPerMinute > 0 ? [calls, wickson] : [wickson];
}

const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

type Took = { kept: number; cap: UpstreamCap | undefined } | { refused: number } | 'store-failed';

/**
 * Puts `wanted` points on one window for `client` and keeps what the window (and the pacing)
 * allows: all of them, fewer (a `cap` window), or none (a `refuse` window that is full).
 */
async function take(
  window: Window,
  client: string,
  wanted: number,
  whole: number,
  adjust: Adjust,
  onStoreError: ((error: unknown) => void) | undefined,
): Promise<Took> {
  let res: RateLimiterRes;
  let fits = true;
  try {
    res = await window.limiter.consume(client, wanted);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) {
      // The store failed without an insurance limiter answering: let the request run.
      onStoreError?.(refusal);
      return 'store-failed';
    }
    res = refusal;
    fits = false;
  }
  // A refused consume still counted its points: keep only the room that was left.
  const heldBefore = res.consumedPoints - wanted;
  const room = fits ? wanted : Math.max(0, window.points - heldBefore);
  const kept =
    fits || window.short === 'cap' ? Math.min(room, window.pace?.(heldBefore) ?? room) : 0;
  adjust(window, client, kept - wanted);
  if (!fits && window.short === 'refuse') return { refused: seconds(res) };
  const capped = window.short === 'cap' && kept < whole;
  return {
    kept,
    cap: capped ? { upstream: 'wickson', calls: kept, retryAfterSeconds: seconds(res) } : undefined,
  };
}

/**
 * Pacing of the shared hour: a client keeps calls only while what it holds stays within
 * share/(1-share) of what is left for everyone else (at the default share ½: no more than is
 * left). The first heavy client stops at its share; each next one at half of what then remains,
 * so callers elsewhere always find calls left, however the hour was spent before them.
 */
export function pacing(share: number, remaining: () => number) {
  if (share >= 1) return undefined;
  const ratio = share / (1 - share);
  return (heldBefore: number) => {
    const left = remaining();
    // Nothing left (or the upstream blocks): the quota guard refuses, with its own retry time.
    if (left <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, Math.ceil((ratio * left - heldBefore) / (1 + ratio)));
  };
}
