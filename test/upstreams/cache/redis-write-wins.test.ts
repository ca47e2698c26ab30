/**
 * A write wins over every cached read, on every replica: two gateway stacks (separate
 * `createUpstreams`, each with its own ioredis connection, one set of fakes) on one real
 * redis-server. A read that started before a rename must not land in Redis after the rename's
 * eviction; a rename made while Redis hangs (SIGSTOP), or while the writer cannot reach it (a
 * TCP relay that drops everything), must still evict there once Redis and the writer meet again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useFakes } from '../../helpers/fakes.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { useRedisServer } from '../../helpers/redis-server.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';
import { gid, member } from '../../helpers/writes.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SET = '67';
const NAME = `{ collection(source: BELUGA, sourceId: "${SET}") { name } }`;
const OTHER = '{ collection(source: BELUGA, sourceId: "21") { name } }';
const RENAME = `mutation($id: ID!, $name: String!) {
  updateCollection(input: {id: $id, name: $name}) { collection { id } } }`;

const fakes = useFakes();
const server = useRedisServer();
const open: Stack[] = [];
const proxies: TcpProxy[] = [];
let release = () => {};
afterEach(async () => {
  release();
  server().resume();
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** A replica; its entries stay fresh on the injected clock and in Redis for the whole test. */
async function replica(timeoutMs: string, url = server().url, config: Record<string, string> = {}) {
  const s = await startStack({
    sharedFakes: fakes(),
    now: () => T0,
    // A held read stays in flight across other queries: they need not wait for it.
    settle: false,
    config: {
      REDIS_URL: url,
      REDIS_TIMEOUT_MS: timeoutMs,
      BELUGA_CACHE_TTL_S: '300',
      CACHE_KEY_SECRET: 'two-stacks-share-this-secret',
      ...config,
    },
  });
  open.push(s);
  await pollUntil(() => s.upstreams.redis?.status === 'ready');
  return s;
}

/** Polls until the replica's cache store answers from Redis again. */
async function reconnected(s: Stack) {
  await pollUntil(async () => {
    await s.query(OTHER, undefined, member);
    return s.upstreams.cache.readiness().redis === 'up';
  });
}

const nameOf = (body: { data?: Record<string, unknown> | null }) =>
  (body.data?.collection as { name: string } | null)?.name;
const name = async (s: Stack) => nameOf((await s.query(NAME, undefined, member)).body);

async function rename(s: Stack, to: string) {
  const { body } = await s.query(RENAME, { id: gid(`Collection:BELUGA:${SET}`), name: to }, member);
  expect(body.errors).toBeUndefined();
}

/** A read on `s` that misses; its upstream answer (the old name) is held at the fake. */
async function slowRead(s: Stack) {
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = false;
  fakes().beluga.control.addFault({
    kind: 'hold',
    release: held,
    onHeld: () => {
      arrived = true;
    },
    route: 'collections.detail',
    method: 'GET',
    times: 1,
  });
  const slow = s.query(NAME, undefined, member);
  await pollUntil(() => arrived);
  return { slow };
}

describe('a write wins over every cached read, on every replica', () => {
  it('a read that started before the write is not stored after its eviction', async () => {
    const [a, b] = [await replica('2000'), await replica('2000')];
    await a.upstreams.redis?.flushall();
    const before = fakes().dataset.captureSets.get(Number(SET))?.name;
    const { slow } = await slowRead(b);
    await rename(a, 'Renamed during a slow read');
    release();
    expect(nameOf((await slow).body)).toBe(before);
    expect(await name(a)).toBe('Renamed during a slow read');
    expect(await name(b)).toBe('Renamed during a slow read');
  });

  it('a read after the write neither joins nor waits for a call that started before it', async () => {
    // Waiting for the other replica's call would outlast the test.
    const patient = { UPSTREAM_TIMEOUT_MS: '60000' };
    const [a, b] = [
      await replica('2000', undefined, patient),
      await replica('2000', undefined, patient),
    ];
    await a.upstreams.redis?.flushall();
    const { slow } = await slowRead(b);
    await rename(a, 'Renamed once');
    // B's call is still held: a read on B must not join it,
    expect(await name(b)).toBe('Renamed once');
    await rename(a, 'Renamed twice');
    // nor a read on A wait for the claim B's held call keeps on the key.
    expect(await name(a)).toBe('Renamed twice');
    release();
    expect(nameOf((await slow).body)).not.toMatch(/^Renamed/);
    expect(await name(b)).toBe('Renamed twice');
  });

  it('a write while Redis hangs is evicted there when it resumes', async () => {
    const [a, b] = [await replica('1000'), await replica('1000')];
    await a.upstreams.redis?.flushall();
    const before = await name(a);
    expect(await name(b)).toBe(before);
    server().pause();
    await rename(a, 'Renamed while Redis hung');
    // The writer shows its write at once, from its own layer.
    expect(await name(a)).toBe('Renamed while Redis hung');
    server().resume();
    // Each replica talks to Redis again (the writer first: its evictions were sent before).
    for (const s of [a, b]) await reconnected(s);
    expect(await name(b)).toBe('Renamed while Redis hung');
    expect(await name(a)).toBe('Renamed while Redis hung');
  });

  it('an eviction that never reached Redis is sent when the writer reaches it again', async () => {
    const proxy = await startTcpProxy(server().port);
    proxies.push(proxy);
    const a = await replica('1000', `redis://127.0.0.1:${proxy.port}`);
    const b = await replica('1000');
    await b.upstreams.redis?.flushall();
    const before = await name(a);
    expect(await name(b)).toBe(before);
    // A partition between the writer and Redis: its eviction is lost on the way.
    proxy.cut();
    await rename(a, 'Renamed behind a partition');
    expect(await name(a)).toBe('Renamed behind a partition');
    // B still reads Redis, which never heard of the write.
    expect(await name(b)).toBe(before);
    proxy.heal();
    await reconnected(a);
    expect(await name(b)).toBe('Renamed behind a partition');
    expect(await name(a)).toBe('Renamed behind a partition');
  });
});
