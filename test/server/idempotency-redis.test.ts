/**
 * Idempotency-Key across replicas: two gateways on one real redis-server and one set of fakes.
 * A retry on replica B replays A's answer (an UNKNOWN outcome included), a repeat on B while A
 * still runs gets 409, the window follows the injected clock, and a Redis that does not answer
 * refuses keyed mutations (503) instead of risking a second write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { holdNext } from '../helpers/hold.ts';
import { freePort } from '../helpers/net.ts';
import { PATIENT_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

const CREATE = `mutation Create($name: String!) {
  createCollection(input: {projectId: 90, name: $name, method: FULL}) {
    collection { sourceId name } userErrors { field message } } }`;
const DAY_MS = 24 * 60 * 60 * 1000;

let redis: RedisServer;
let fakes: Fakes;
let a: Stack;
let b: Stack;
let clock = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  [redis, fakes] = await Promise.all([startRedisServer(), startFakes()]);
  const replica = () =>
    startStack({
      sharedFakes: fakes,
      config: {
        REDIS_URL: redis.url,
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
        ...PATIENT_REDIS,
      },
      gateway: { clock: () => clock },
    });
  [a, b] = await Promise.all([replica(), replica()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([fakes?.close(), redis?.stop()]);
});
beforeEach(() => fakes.beluga.control.reset());

const posts = () => fakes.beluga.control.ledger.count({ method: 'POST' });
const create = (replica: Stack, name: string, key: string) =>
  replica.post({ query: CREATE, variables: { name } }, { ...member, 'idempotency-key': key });

describe('two replicas on one Redis', () => {
  it("a retry on replica B replays A's answer: one POST", async () => {
    const first = await create(a, 'Replicated once', 'replica-key');
    expect(first.body.data.createCollection.collection.name).toBe('Replicated once');
    const retry = await create(b, 'Replicated once', 'replica-key');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(posts()).toBe(1);
  });

  it("a spoiled answer on A (outcome UNKNOWN) is B's answer too", async () => {
    fakes.beluga.control.addFault({
      route: 'collections.list',
      method: 'POST',
      kind: 'truncate',
      afterHandler: true,
      times: 1,
    });
    const first = await create(a, 'Replicated spoiled', 'replica-spoiled');
    expect(first.body.errors[0].extensions.outcome).toBe('UNKNOWN');
    const retry = await create(b, 'Replicated spoiled', 'replica-spoiled');
    expect(retry.body).toEqual(first.body);
    expect(retry.status).toBe(first.status);
    expect(posts()).toBe(1);
  });

  it('a repeat on B while A still runs gets 409; the same body elsewhere 422', async () => {
    const { arrived, release } = holdNext(fakes.beluga.control, {
      route: 'collections.list',
      method: 'POST',
    });
    const first = create(a, 'Replicated busy', 'replica-busy');
    await arrived;
    const busy = await b.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { ...member, 'content-type': 'application/json', 'idempotency-key': 'replica-busy' },
      body: JSON.stringify({ query: CREATE, variables: { name: 'Replicated busy' } }),
    });
    release();
    await first;
    expect(busy.status).toBe(409);
    expect(await busy.text()).toContain('IDEMPOTENCY_KEY_IN_USE');
    const reused = await create(b, 'Another body', 'replica-busy');
    expect(reused.status).toBe(422);
    expect(posts()).toBe(1);
  });

  it('the key lapses in Redis after 24 h by the injected clock', async () => {
    await create(a, 'Replicated lapses', 'replica-lapses');
    clock += DAY_MS - 1;
    expect(
      (await create(b, 'Replicated lapses', 'replica-lapses')).headers.get('idempotent-replayed'),
    ).toBe('true');
    clock += 1;
    const later = await create(b, 'Replicated lapses', 'replica-lapses');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(posts()).toBe(2);
  });
});

describe('a Redis that does not answer', () => {
  it('refuses a keyed mutation with 503 and sends nothing; an unkeyed one still runs', async () => {
    const down = await startStack({
      sharedFakes: fakes,
      config: {
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
      },
    });
    try {
      const keyed = await create(down, 'Redis down', 'down-key');
      expect(keyed.status).toBe(503);
      expect(keyed.body.errors[0].extensions.code).toBe('IDEMPOTENCY_STORE_UNAVAILABLE');
      expect(posts()).toBe(0);
      const plain = await down.post({ query: CREATE, variables: { name: 'Redis down' } }, member);
      expect(plain.body.data.createCollection.collection.name).toBe('Redis down');
      expect(posts()).toBe(1);
    } finally {
      await down.close();
    }
  });
});
