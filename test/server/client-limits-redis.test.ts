/**
 * Per-client limits on Redis (REDIS_URL): two gateway servers on one real redis-server count one
 * client's calls together, so the client gets CLIENT_CALLS_PER_MINUTE across both replicas, not
 * per replica; another client is unaffected; with Redis gone the limits fall back to memory and
 * traffic is still answered.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import type { RunningServer } from '../../src/server/main.ts';
import { type Listening, startListening } from '../helpers/listening.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';
import { PATIENT_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.ts';
import { member, outsider } from '../helpers/writes.ts';

// One Wickson list call per query (cache off, so each query is a real call).
const WICKSON_LIST =
  '{ collections(filter: { sources: [WICKSON] }, first: 2) { edges { node { name } } } }';
const LIMIT = 4;

let redis: RedisServer;
let fakes: Fakes;
let replicas: Listening[] = [];
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  [redis, fakes] = await Promise.all([startRedisServer(), startFakes()]);
  const env = {
    REDIS_URL: redis.url,
    ...PATIENT_REDIS,
    CLIENT_CALLS_PER_MINUTE: String(LIMIT),
    // One key on both replicas: a token hashes alike, so its count and its vouching are shared.
    CACHE_KEY_SECRET: 'replicas-share-this-secret',
    ...NO_SHARED_CACHE,
  };
  replicas = await Promise.all([1, 2].map(() => startListening(env, { fakes })));
  [a, b] = replicas.map((replica) => replica.running) as [RunningServer, RunningServer];
  // Until a replica's client has connected, its limits count in memory (the insurance limiter).
  for (const server of [a, b])
    await vi.waitFor(
      async () => {
        const ready = await (await fetch(`${server.url}/ready`)).json();
        expect(ready).toMatchObject({ cache: { redis: 'up' } });
      },
      { timeout: 10_000, interval: 50 },
    );
}, 30_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await fakes?.close();
  await redis?.stop();
});

async function post(
  server: RunningServer,
  headers: Record<string, string> = {},
  query = WICKSON_LIST,
) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('per-client limits shared by two replicas on Redis', () => {
  it('one client gets CLIENT_CALLS_PER_MINUTE across both replicas; another client is unaffected', async () => {
    // Beluga accepts the member's token on replica a (one call, counted against the address).
    expect(await post(a, member, '{ collection(source: BELUGA, sourceId: "21") { name } }')).toBe(
      200,
    );
    fakes.wickson.control.ledger.reset();
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) statuses.push(await post(i % 2 === 0 ? a : b));
    // Per replica the limit would let all of them through; shared, the address's fifth is refused.
    expect(statuses).toEqual([...Array(LIMIT - 1).fill(200), ...Array(LIMIT + 1).fill(429)]);
    expect(fakes.wickson.control.ledger.count()).toBe(LIMIT - 1);
    // The member token, vouched for on a, is its own client on b too (Redis), with its own count.
    expect(await post(b, member)).toBe(200);
    expect(fakes.wickson.control.ledger.count()).toBe(LIMIT);
  });

  it('with Redis killed, the replicas still answer (their own memory counts)', async () => {
    await redis.kill();
    fakes.wickson.control.ledger.reset();
    expect(await post(a, outsider)).toBe(200);
    expect(await post(b, outsider)).toBe(200);
    expect(fakes.wickson.control.ledger.count()).toBe(2);
  });
});
