/**
 * The replicas' shared parts of the watch hub on a real redis-server: the lease (one holder at a
 * time, renewed by it, handed over on release or when it expires because its holder died) and
 * the bus (a change published by one replica reaches the others, not itself, and the channel's
 * last message is kept for a replica that starts watching later).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { createRedisBus, type LiveMessage } from '../../src/live/bus.ts';
import { createRedisLease } from '../../src/live/lease.ts';
import { closeRedis, createRedis, type Redis, redisReady } from '../../src/redis.ts';
import { PATIENT_REDIS, useRedisServer } from '../helpers/redis-server.ts';

const server = useRedisServer();
const logger = pino({ level: 'silent' });
const clients: Redis[] = [];

beforeAll(async () => {
  const config = configFrom({
    REDIS_URL: server().url,
    ...PATIENT_REDIS,
    CACHE_KEY_SECRET: 'replicas-share-this-secret',
  });
  for (let i = 0; i < 2; i++) clients.push(createRedis(config, logger)!);
  for (const client of clients) expect(await redisReady(client, 5_000)).toBe(true);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => closeRedis(c)));
});

/** Bounded wait for redis-server (a real process) to catch up. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await condition()).toBe(true);
}

describe('live lease on Redis', () => {
  it('has one holder, which renews it; a release or an expiry hands it over', async () => {
    const a = createRedisLease(clients[0]!, 'replica-a');
    const b = createRedisLease(clients[1]!, 'replica-b');
    expect(await a.hold('t:lease:1', 10_000)).toBe(true);
    expect(await b.hold('t:lease:1', 10_000)).toBe(false);
    expect(await a.hold('t:lease:1', 10_000)).toBe(true);
    await b.release('t:lease:1');
    expect(await b.hold('t:lease:1', 10_000)).toBe(false);
    await a.release('t:lease:1');
    expect(await b.hold('t:lease:1', 10_000)).toBe(true);

    // A holder that dies stops renewing: the lease expires and the next to look takes it.
    expect(await a.hold('t:lease:2', 100)).toBe(true);
    expect(await b.hold('t:lease:2', 100)).toBe(false);
    await until(async () => (await b.hold('t:lease:2', 10_000)) === true);
    expect(await a.hold('t:lease:2', 10_000)).toBe(false);
  });
});

describe('live bus on Redis', () => {
  it('carries a change to the other replicas, not back to its sender, and keeps the last', async () => {
    const options = { keyPrefix: 't:live:', keepMs: 60_000, logger };
    const a = createRedisBus({ redis: clients[0]!, ...options });
    const b = createRedisBus({ redis: clients[1]!, ...options });
    try {
      const atA: LiveMessage[] = [];
      const atB: LiveMessage[] = [];
      expect(await a.subscribe('t:live:chan', (m) => atA.push(m))).toBe(true);
      expect(await b.subscribe('t:live:chan', (m) => atB.push(m))).toBe(true);
      const snapshot = {
        value: { status: 'STARTED' },
        fetchedAt: 1,
        fingerprint: 'f',
        final: false,
      };
      a.publish('t:live:chan', { from: a.replica, snapshot });
      await until(() => atB.length === 1);
      expect(atB[0]).toEqual({ from: a.replica, snapshot });
      expect(atA).toEqual([]);
      await until(async () => (await b.last('t:live:chan'))?.snapshot?.fingerprint === 'f');
      a.publish('t:live:chan', { from: a.replica, end: { code: 'NOT_FOUND' } });
      await until(() => atB.length === 2);
      expect(atB[1]?.end).toEqual({ code: 'NOT_FOUND' });
      b.unsubscribe('t:live:chan');
      a.publish('t:live:chan', { from: a.replica, snapshot });
      await until(async () => (await b.last('t:live:chan'))?.snapshot !== undefined);
      expect(atB).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
