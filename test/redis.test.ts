import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFrom, loadConfig } from '../src/config.ts';
import { closeRedis, createRedis, reconnectDelayMs, redisReady } from '../src/redis.ts';
import { pollUntil } from './helpers/poll.ts';
import { PATIENT_REDIS, useRedisServer } from './helpers/redis-server.ts';

const server = useRedisServer();

function logged() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  return { logger, messages };
}

describe('REDIS_URL settings', () => {
  it('are off by default, with a short command timeout', () => {
    const config = loadConfig({ WICKSON_API_KEY: 'k' });
    expect(config.redis).toEqual({
      url: undefined,
      timeoutMs: 200,
      keyPrefix: 'gateway:',
      quotaLocalShare: 0.25,
    });
    expect(createRedis(config, pino({ level: 'silent' }))).toBeUndefined();
  });

  it('refuse a URL that is not redis:// or rediss://, naming the variable', () => {
    expect(() => loadConfig({ WICKSON_API_KEY: 'k', REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ WICKSON_API_KEY: 'k', REDIS_URL: 'nonsense' })).toThrow(/REDIS_URL/);
    expect(
      loadConfig({
        WICKSON_API_KEY: 'k',
        REDIS_URL: 'rediss://user:pw@cache.internal:6380/2',
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      }).redis.url,
    ).toBe('rediss://user:pw@cache.internal:6380/2');
  });

  it('require CACHE_KEY_SECRET: replicas with keys of their own would not share client limits', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ WICKSON_API_KEY: 'k', REDIS_URL: 'redis://127.0.0.1:6379', ...env });
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };
    expect(problems({})).toEqual([
      'REDIS_URL requires CACHE_KEY_SECRET (the same 16+ characters on every replica sharing that Redis)',
    ]);
    expect(problems({ CACHE_KEY_SECRET: 'short' }).join()).toMatch(/CACHE_KEY_SECRET/);
    expect(problems({ CACHE_KEY_SECRET: 'sixteen-chars-ok' })).toEqual([]);
    // Without Redis each process keeps its own random key, as before.
    expect(loadConfig({ WICKSON_API_KEY: 'k' }).cache.keySecret).toBeUndefined();
  });

  it('back off reconnects from 50 ms to at most 2 s', () => {
    expect([1, 2, 3, 6, 7, 50].map(reconnectDelayMs)).toEqual([50, 100, 200, 1600, 2000, 2000]);
  });
});

describe('createRedis', () => {
  it('talks to the configured server', async () => {
    const redis = createRedis(
      configFrom({
        REDIS_URL: server().url,
        ...PATIENT_REDIS,
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      }),
      pino({ level: 'silent' }),
    );
    if (!redis) throw new Error('expected a client');
    expect(await redisReady(redis, 5_000)).toBe(true);
    await redis.set('gateway:test', 'x', 'PX', 10_000);
    expect(await redis.get('gateway:test')).toBe('x');
    await closeRedis(redis);
  });

  it('fails commands at once while Redis is gone, logs the outage once and the recovery once', async () => {
    const { logger, messages } = logged();
    const redis = createRedis(
      configFrom({
        REDIS_URL: server().url,
        REDIS_TIMEOUT_MS: '150',
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      }),
      logger,
    );
    if (!redis) throw new Error('expected a client');
    expect(await redisReady(redis, 5_000)).toBe(true);

    await server().kill();
    await pollUntil(() => redis.status !== 'ready');
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await expect(redis.get('gateway:test')).rejects.toThrow();
      // No offline queue: a command never waits for the reconnect.
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    const outage = messages().filter((m) => m.startsWith('redis'));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatch(/carries on without it/);

    await server().restart();
    await pollUntil(() => redis.status === 'ready', 10_000);
    await redis.set('gateway:test', 'y');
    expect(await redis.get('gateway:test')).toBe('y');
    expect(messages().filter((m) => m.startsWith('redis'))).toEqual([
      outage[0],
      'redis is reachable again',
    ]);
    expect(messages().join('\n')).not.toContain(server().url);
    await closeRedis(redis);
  });

  it('bounds a command by REDIS_TIMEOUT_MS when Redis hangs', async () => {
    const redis = createRedis(
      configFrom({
        REDIS_URL: server().url,
        REDIS_TIMEOUT_MS: '100',
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      }),
      pino({ level: 'silent' }),
    );
    const admin = createRedis(
      configFrom({
        REDIS_URL: server().url,
        ...PATIENT_REDIS,
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      }),
      pino({ level: 'silent' }),
    );
    if (!redis || !admin) throw new Error('expected clients');
    expect(await redisReady(redis, 5_000)).toBe(true);
    expect(await redisReady(admin, 5_000)).toBe(true);
    // CLIENT PAUSE answers once every other client is suspended, for 400 ms.
    await admin.call('CLIENT', 'PAUSE', '400', 'ALL');
    const started = performance.now();
    await expect(redis.get('gateway:test')).rejects.toThrow(/timed out/i);
    expect(performance.now() - started).toBeLessThan(350);
    await closeRedis(redis);
    await closeRedis(admin);
  });
});
