import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../../src/config.ts';
import { closeRedis, createRedis, type Redis, redisReady } from '../../../src/redis.ts';
import type { CacheEntry } from '../../../src/upstreams/cache/store.ts';
import { createMemoryStore } from '../../../src/upstreams/cache/store-memory.ts';
import { createRedisStore } from '../../../src/upstreams/cache/store-redis.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { PATIENT_REDIS, useRedisServer } from '../../helpers/redis-server.ts';

const server = useRedisServer();
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => closeRedis(c)));
});

async function client(): Promise<Redis> {
  const redis = createRedis(
    configFrom({
      REDIS_URL: server().url,
      ...PATIENT_REDIS,
      CACHE_KEY_SECRET: 'replicas-share-this-secret',
    }),
    pino({ level: 'silent' }),
  );
  if (!redis) throw new Error('expected a client');
  clients.push(redis);
  expect(await redisReady(redis, 5_000)).toBe(true);
  return redis;
}

async function stores() {
  const redis = await client();
  await redis.flushall();
  const now = () => 1_700_000_000_000;
  const make = () =>
    createRedisStore({
      redis,
      keyPrefix: 'gw-test:',
      fallback: createMemoryStore({ maxBytes: 1_000_000, now }),
      now,
    });
  return { redis, a: make(), b: make() };
}

const entry = (value: unknown, fetchedAt = 1_700_000_000_000): CacheEntry => ({
  value,
  fetchedAt,
  bytes: JSON.stringify(value).length,
});

describe('Redis cache store', () => {
  it('one store reads what another wrote: value, fetchedAt, and remembered 404s', async () => {
    const { a, b } = await stores();
    await a.set('wickson:/v1/media/collections/x?#shared', entry({ name: 'x', n: [1, 2] }), 60_000);
    await a.set('wickson:/v1/media/collections/gone?#shared', entry(null), 5_000);
    const read = await b.get('wickson:/v1/media/collections/x?#shared');
    expect(read?.value).toEqual({ name: 'x', n: [1, 2] });
    expect(read?.fetchedAt).toBe(1_700_000_000_000);
    expect((await b.get('wickson:/v1/media/collections/gone?#shared'))?.value).toBeNull();
    expect(await b.get('wickson:/v1/media/collections/y?#shared')).toBeUndefined();
    expect(b.up?.()).toBe(true);
  });

  it('keeps an entry for its retain time (PX)', async () => {
    const { redis, a } = await stores();
    await a.set('beluga:/api/v2/projects/?#anon', entry([1]), 45_000);
    const ttl = await redis.pttl('gw-test:cache:beluga:/api/v2/projects/?#anon');
    expect(ttl).toBeGreaterThan(40_000);
    expect(ttl).toBeLessThanOrEqual(45_000);
  });

  it('evicts by path prefix, for every scope or one, and nothing else', async () => {
    const { redis, a, b } = await stores();
    const keys = [
      'beluga:/api/v2/jobs/7/?#t.member',
      'beluga:/api/v2/jobs/7/?#anon',
      'beluga:/api/v2/jobs/70/?#t.member',
      'beluga:/api/v2/jobs/?project_id=1#t.member',
      'beluga:/api/v2/captures/collections/?#t.member',
      'beluga:/api/v2/jobs/[1]*/?#t.member',
    ];
    for (const key of keys) await a.set(key, entry({ key }), 60_000);
    expect(await b.evict({ prefix: 'beluga:/api/v2/jobs/7/?', scope: 't.member' })).toBe(1);
    expect(await b.get('beluga:/api/v2/jobs/7/?#anon')).toBeDefined();
    expect(await b.evict({ prefix: 'beluga:/api/v2/jobs/7/?' })).toBe(1);
    // Glob characters in a path match only themselves.
    expect(await b.evict({ prefix: 'beluga:/api/v2/jobs/[1]*/' })).toBe(1);
    expect(await b.evict({ prefix: 'beluga:/api/v2/jobs/' })).toBe(2);
    expect(await redis.keys('gw-test:cache:*')).toEqual([
      'gw-test:cache:beluga:/api/v2/captures/collections/?#t.member',
    ]);
  });

  it('Redis gone: never throws, answers from the in-process copy, says down; Redis is the truth again once back', async () => {
    const { a, b } = await stores();
    await b.set('wickson:/v1/k?#shared', entry({ v: 1 }), 60_000);
    // a read it once: it keeps a copy.
    expect((await a.get('wickson:/v1/k?#shared'))?.value).toEqual({ v: 1 });
    expect(a.bytes()).toBeGreaterThan(0);
    await server().kill();
    const started = performance.now();
    expect((await a.get('wickson:/v1/k?#shared'))?.value).toEqual({ v: 1 });
    expect(await a.get('wickson:/v1/other?#shared')).toBeUndefined();
    await a.set('wickson:/v1/k?#shared', entry({ v: 2 }), 60_000);
    expect((await a.get('wickson:/v1/k?#shared'))?.value).toEqual({ v: 2 });
    expect(await a.evict({ prefix: 'wickson:/v1/' })).toBe(1);
    expect(await a.get('wickson:/v1/k?#shared')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(a.up?.()).toBe(false);
    await a.set('wickson:/v1/k?#shared', entry({ v: 3 }, 1_700_000_000_003), 60_000);

    await server().restart();
    await pollUntil(() => a.up?.() === true && b.up?.() === true);
    // The restarted Redis is empty, and while it answers it decides: a's copy is not used.
    expect(await a.get('wickson:/v1/k?#shared')).toBeUndefined();
    await b.set('wickson:/v1/k?#shared', entry({ v: 4 }, 1_700_000_000_004), 60_000);
    expect((await a.get('wickson:/v1/k?#shared'))?.value).toEqual({ v: 4 });
  });

  it('keeps a copy only for what is left of the retain time', async () => {
    const { redis, a } = await stores();
    const fetchedAt = 1_700_000_000_000 - 50_000;
    await redis.set(
      'gw-test:cache:beluga:/api/v2/jobs/?#anon',
      JSON.stringify({ v: [1], f: fetchedAt, r: 60_000 }),
      'PX',
      60_000,
    );
    await redis.set(
      'gw-test:cache:beluga:/api/v2/projects/?#anon',
      JSON.stringify({ v: [2], f: fetchedAt, r: 40_000 }),
      'PX',
      60_000,
    );
    expect((await a.get('beluga:/api/v2/jobs/?#anon'))?.value).toEqual([1]);
    expect((await a.get('beluga:/api/v2/projects/?#anon'))?.value).toEqual([2]);
    await server().kill();
    expect((await a.get('beluga:/api/v2/jobs/?#anon'))?.value).toEqual([1]);
    expect(await a.get('beluga:/api/v2/projects/?#anon')).toBeUndefined();
    await server().restart();
  });
});
