import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { closeRedis, createRedis, type Redis, redisReady } from '../../src/redis.ts';
import { createBudgetPace } from '../../src/upstreams/cache/budget-pace.ts';
import { createSharedQuotaGuard } from '../../src/upstreams/quota-shared.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PATIENT_REDIS, useRedisServer } from '../helpers/redis-server.ts';

const server = useRedisServer();
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => closeRedis(c)));
});

const MINUTE = 60_000;
const START = 1_700_000_080_000; // 40 s into a minute

async function replicas(hourlyBudget: number, localShare = 0.5) {
  let now = START;
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const make = async () => {
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
    return createSharedQuotaGuard({
      redis,
      keyPrefix: 'quota-test:',
      hourlyBudget,
      localShare,
      now: clock.now,
    });
  };
  const a = await make();
  await clients[0]?.flushall();
  return { a, b: await make(), clock };
}

async function takes(guard: { take(): Promise<number> }, n: number): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < n; i++) waits.push(await guard.take());
  return waits;
}

describe('shared Wickson quota on Redis', () => {
  it('two replicas together never exceed the hourly budget, in any 60 minutes', async () => {
    const { a, b, clock } = await replicas(10);
    const concurrent = await Promise.all([
      ...Array.from({ length: 8 }, () => a.take()),
      ...Array.from({ length: 8 }, () => b.take()),
    ]);
    expect(concurrent.filter((w) => w === 0)).toHaveLength(10);
    // Refused until the minute that holds the calls leaves the window (60 min after it began).
    const refused = concurrent.filter((w) => w > 0);
    expect(refused).toHaveLength(6);
    expect(new Set(refused)).toEqual(new Set([60 * MINUTE - 40_000]));
    expect(await a.take()).toBeGreaterThan(0);
    expect(a.usage()).toEqual({ hour: 10, minute: 10, remaining: 0 });

    clock.advance(59 * MINUTE);
    expect(await takes(b, 1)).toEqual([20_000]);
    clock.advance(20_000);
    expect((await takes(a, 11)).filter((w) => w === 0)).toHaveLength(10);
  });

  it("budget pacing on one replica sees the other's calls", async () => {
    const { a, b, clock } = await replicas(100);
    const pace = createBudgetPace({
      hourlyBudget: 100,
      reserve: 0.1,
      usage: () => b.usage(),
      now: clock.now,
    });
    expect(pace.allowRefresh()).toBe(true);
    clock.advance(MINUTE);
    expect((await takes(a, 90)).every((w) => w === 0)).toBe(true);
    // b has made no call since; its usage catches up from Redis in the background.
    await pollUntil(() => b.usage().remaining === 10);
    expect(pace.allowRefresh()).toBe(false);
  });

  it('a refund gives the unit back to both', async () => {
    const { a, b } = await replicas(2);
    expect(await takes(a, 2)).toEqual([0, 0]);
    a.refund();
    // The refund goes out before a's next command on the same connection.
    expect(await a.take()).toBe(0);
    expect(await b.take()).toBeGreaterThan(0);
  });

  it('an upstream block seen by one replica holds the other, with one probe per minute for both', async () => {
    const { a, b, clock } = await replicas(100);
    a.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(START / 1000 + 600) });
    // The block goes to Redis before a's next command; b sees it after that.
    expect(await a.take()).toBe(600_000);
    expect(await b.take()).toBe(600_000);
    clock.advance(MINUTE);
    // One probe for the two of them this minute.
    const probes = await Promise.all([a.take(), b.take(), a.take()]);
    expect(probes.filter((w) => w === 0)).toHaveLength(1);
    // The probe's success (budget left) ends the block for everyone.
    b.observe({ 'x-ratelimit-remaining': '42' }, 200);
    let after = await a.take();
    for (let i = 0; i < 50 && after !== 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = await a.take();
    }
    expect(after).toBe(0);
  });

  it('Redis down: each replica spends only its local share, then the calls count once Redis is back', async () => {
    const { a, b } = await replicas(20, 0.25);
    expect(await takes(a, 4)).toEqual([0, 0, 0, 0]);
    expect(a.usage().remaining).toBe(16);
    await server().kill();
    const started = performance.now();
    // A quarter of what was left (16 → 4), never unlimited.
    const waits = await takes(a, 10);
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(a.up()).toBe(false);
    expect(a.usage().remaining).toBe(0);

    await server().restart();
    await pollUntil(() => clients.every((c) => c.status === 'ready'));
    // The restarted Redis is empty: a's 4 outage calls are carried over with its next take.
    expect(await a.take()).toBe(0);
    expect(a.up()).toBe(true);
    expect(a.usage().hour).toBe(5);
    expect((await takes(b, 20)).filter((w) => w === 0)).toHaveLength(15);
  });
});
