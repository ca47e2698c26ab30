/**
 * The one Redis client of a gateway process (REDIS_URL), shared by the cache store, the Wickson
 * quota counter and the per-client limits. Nothing may wait on Redis: every command and every
 * connection attempt gives up after REDIS_TIMEOUT_MS, commands issued while disconnected fail at
 * once (no offline queue), and the client reconnects in the background with a capped backoff.
 * Callers treat any rejection as "Redis is down" and carry on without it. An outage is logged
 * once when it starts and once when it ends; the URL (which may hold a password) never is.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';

export type { Redis } from 'ioredis';

/** ioredis loads with the first client: a gateway without REDIS_URL never loads it (~8 MB RSS). */
const loadRedis = (): typeof Redis => createRequire(import.meta.url)('ioredis').Redis;

/** Reconnect backoff: 50 ms doubling to at most 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(2_000, 50 * 2 ** Math.min(6, Math.max(0, attempt - 1)));
}

/** undefined without REDIS_URL. The client connects at once; `close` it with `closeRedis`. */
export function createRedis(
  config: Pick<Config, 'redis'>,
  logger: Logger,
  options: { name?: string } = {},
): Redis | undefined {
  const { url, timeoutMs } = config.redis;
  if (!url) return undefined;
  const log = logger.child({
    component: 'redis',
    ...(options.name ? { client: options.name } : {}),
  });
  const RedisClient = loadRedis();
  const redis = new RedisClient(url, {
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 500),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelayMs,
    // A command that lost its connection fails; it is not replayed on the next one.
    autoResendUnfulfilledCommands: false,
    connectionName: options.name ?? 'gateway',
    disableClientInfo: true,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { code: (error as { code?: string }).code },
      `redis is unreachable (${error.message}); the gateway carries on without it`,
    );
  });
  redis.on('close', () => {
    if (down || closing.has(redis)) return;
    down = true;
    log.warn('redis connection closed; the gateway carries on without it until it reconnects');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('redis is reachable again');
  });
  return redis;
}

const closing = new WeakSet<Redis>();

/** Ends the connection (QUIT, bounded by the command timeout; then disconnects). */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis) return;
  closing.add(redis);
  try {
    if (redis.status === 'ready') await redis.quit();
  } catch {
    // Already gone: nothing to flush.
  } finally {
    redis.disconnect(false);
  }
}

/** Resolves true once the client is connected (at most `ms`); for start-up and tests. */
export async function redisReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return await new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/** After a failed command, how long callers skip Redis before trying it again. */
export const REDIS_RETRY_AFTER_MS = 1_000;

export interface RedisAvailability {
  /** Whether the last command answered in time (and the connection is open). */
  up(): boolean;
  /**
   * Runs one Redis step. Resolves `{ value }`, or undefined when it failed, timed out, or was
   * skipped because Redis failed less than REDIS_RETRY_AFTER_MS ago (a hung Redis then costs one
   * timeout per second, not one per command).
   */
  run<T>(step: () => Promise<T>): Promise<{ value: T } | undefined>;
}

export function createRedisAvailability(
  redis: Redis,
  options: { onUp?: () => void; now?: () => number } = {},
): RedisAvailability {
  const now = options.now ?? (() => performance.now());
  let up = redis.status === 'ready';
  let retryAt = 0;
  const mark = (ok: boolean) => {
    if (ok && !up) options.onUp?.();
    up = ok;
  };
  redis.on('ready', () => {
    retryAt = 0;
    mark(true);
  });
  redis.on('close', () => mark(false));
  return {
    up: () => up,
    async run(step) {
      if (!up && now() < retryAt) return undefined;
      try {
        const value = await step();
        mark(true);
        return { value };
      } catch {
        retryAt = now() + REDIS_RETRY_AFTER_MS;
        mark(false);
        return undefined;
      }
    },
  };
}
