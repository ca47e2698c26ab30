/**
 * The shared cache on a real redis-server through the whole stack: two gateway stacks (separate
 * `createUpstreams`, one set of fakes) on one Redis, an injected clock for ages. Upstream calls are
 * counted at the fakes.
 */
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakes } from '../../helpers/fakes.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { PATIENT_REDIS, useRedisServer } from '../../helpers/redis-server.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { gid, member } from '../../helpers/writes.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const WICKSON = `{ collection(source: WICKSON, sourceId: "research_papers") {
  name stats { itemCount fetchedAt } } }`;
const BELUGA = `{ collection(source: BELUGA, sourceId: "21") { name project { name } } }`;

const fakes = useFakes();
const server = useRedisServer();
const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function replica(clock: () => number, config: Record<string, string> = {}, connected = true) {
  const s = await startStack({
    sharedFakes: fakes(),
    now: clock,
    config: {
      REDIS_URL: server().url,
      ...PATIENT_REDIS,
      WICKSON_CACHE_TTL_S: '60',
      BELUGA_CACHE_TTL_S: '5',
      CACHE_KEY_SECRET: 'two-stacks-share-this-secret',
      ...config,
    },
  });
  open.push(s);
  if (connected) await pollUntil(() => s.upstreams.redis?.status === 'ready');
  return s;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const wicksonCalls = () => fakes().wickson.control.ledger.count();

describe('shared cache on Redis', () => {
  it("one replica's answer is a hit on the other, with the first fetch's fetchedAt", async () => {
    let now = T0;
    const [a, b] = [await replica(() => now), await replica(() => now)];
    await a.upstreams.redis?.flushall();
    const first = await a.query(WICKSON);
    expect(wicksonCalls()).toBe(1);
    now += 30_000;
    const second = await b.query(WICKSON);
    expect(second.body.data).toEqual(first.body.data);
    expect(wicksonCalls()).toBe(1);
    expect(b.upstreams.cache.total('hit', 'wickson')).toBe(1);
    expect(b.upstreams.cache.readiness()).toEqual({ store: 'redis', redis: 'up' });
    // Past the TTL on the injected clock: b answers stale and refreshes once for both.
    now += 40_000;
    await b.query(WICKSON);
    await pollUntil(() => b.upstreams.cache.total('refresh') === 1);
    expect(wicksonCalls()).toBe(2);
    const refreshed = await a.query(WICKSON);
    expect(wicksonCalls()).toBe(2);
    expect(refreshed.body.data).toMatchObject({
      collection: { stats: { fetchedAt: new Date(T0 + 70_000).toISOString() } },
    });
  });

  it('Redis hanging: queries answer without waiting for it, /ready says down, then up again', async () => {
    const a = await replica(() => T0, { REDIS_TIMEOUT_MS: '100' });
    await a.upstreams.redis?.flushall();
    const admin = new Redis(server().url);
    try {
      // Every client but the one that asks is suspended for 3 s.
      await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
      const started = performance.now();
      const [w, bel] = await Promise.all([a.query(WICKSON), a.query(BELUGA)]);
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(w.body.errors).toBeUndefined();
      expect(bel.body.errors).toBeUndefined();
      expect(a.upstreams.cache.readiness()).toEqual({ store: 'redis', redis: 'down' });
      await pollUntil(async () => {
        await a.query(BELUGA);
        return a.upstreams.cache.readiness().redis === 'up';
      });
    } finally {
      admin.disconnect();
    }
  });

  it("a write through one replica evicts the other replica's cached reads", async () => {
    const [a, b] = [await replica(() => T0), await replica(() => T0)];
    await a.upstreams.redis?.flushall();
    const read = async (s: Stack) => {
      fakes().beluga.control.ledger.reset();
      const { body } = await s.query(
        '{ collection(source: BELUGA, sourceId: "67") { description } }',
        undefined,
        member,
      );
      const description = (body.data?.collection as { description: string } | null)?.description;
      return { description, calls: fakes().beluga.control.ledger.count() };
    };
    const before = await read(a);
    expect(before.calls).toBe(1);
    expect(await read(b)).toEqual({ description: before.description, calls: 0 });
    const { body } = await b.query(
      `mutation($id: ID!) { updateCollection(input: {id: $id, description: "Evicted everywhere"}) { collection { id } } }`,
      { id: gid('Collection:BELUGA:67') },
      member,
    );
    expect(body.errors).toBeUndefined();
    expect(await read(a)).toEqual({ description: 'Evicted everywhere', calls: 1 });
    expect(await read(b)).toEqual({ description: 'Evicted everywhere', calls: 0 });
  });

  it('Redis unreachable from the start: the gateway starts and answers, /ready says down', async () => {
    const closed = await closedPort();
    const started = performance.now();
    const a = await replica(() => T0, { REDIS_URL: `redis://127.0.0.1:${closed}` }, false);
    const first = await a.query(WICKSON);
    expect(first.body.errors).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(a.upstreams.cache.readiness()).toEqual({ store: 'redis', redis: 'down' });
    // The in-process fallback still caches, and the local budget share still counts.
    await a.query(WICKSON);
    expect(wicksonCalls()).toBe(1);
    // REDIS_QUOTA_LOCAL_SHARE (0.25) of the 1,000, less the one call made.
    expect(a.upstreams.wicksonBudget().remaining).toBe(249);
    expect(a.logs.filter((l) => l.includes('redis is unreachable'))).toHaveLength(1);
  });
});
