/**
 * Two gateway processes (`node src/server/main.ts`, real OS processes) on one real redis-server
 * and one set of fakes: they share the cache, coalesce across replicas, and spend one Wickson
 * budget between them. Then Redis is killed under them and brought back. TTLs are an hour, so the
 * wall clock never expires an entry during the test; the baseline is one in-process gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, type Fakes, startFakes } from '../../src/fakes/index.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PATIENT_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.ts';
import type { GraphQLBody } from '../helpers/stack.ts';
import { startStack } from '../helpers/stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = {
  WICKSON_CACHE_TTL_S: '3600',
  BELUGA_CACHE_TTL_S: '3600',
  CACHE_KEY_SECRET: 'replicas-share-this-secret',
};
const MEMBER = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };

const HOME = `{ collections(first: 10, orderBy: { field: NAME, direction: ASC }) {
  edges { node { source sourceId name stats { itemCount } } } } }`;
const PAPERS = `{ collection(source: WICKSON, sourceId: "research_papers") {
  name stats { itemCount mediaTypeDistribution { mediaType count } } } }`;
const SET = `{ collection(source: BELUGA, sourceId: "21") {
  name project { name } jobs { sourceId status } } }`;
const missing = (i: number) =>
  `{ collection(source: WICKSON, sourceId: "no-such-collection-${i}") { name } }`;

/** The mixed traffic, in order; a number means that many copies of the query at once. */
const TRAFFIC: [string, Record<string, string> | undefined, number][] = [
  [HOME, undefined, 1],
  [PAPERS, undefined, 1],
  [SET, MEMBER, 1],
  [HOME, MEMBER, 1],
  [PAPERS, MEMBER, 1],
  [SET, MEMBER, 1],
  [
    `{ collection(source: WICKSON, sourceId: "product_images") { name stats { itemCount } } }`,
    undefined,
    8,
  ],
];

interface Gateway {
  url: string;
  child: ChildProcess;
  query(document: string, headers?: Record<string, string>): Promise<GraphQLBody>;
  readiness(): Promise<{ cache?: { store?: string; redis?: string } }>;
  metrics(): Promise<string>;
}

async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const child = spawn(process.execPath, ['src/server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      WICKSON_API_KEY: 'demo-key',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
      const found = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${out}`)));
  });
  // The listening line also names the metrics listener (METRICS_PORT=0 below).
  const metricsUrl = /"metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(out)?.[1];
  return {
    url,
    child,
    query: async (document, headers) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query: document }),
        signal: AbortSignal.timeout(5_000),
      });
      return (await response.json()) as GraphQLBody;
    },
    readiness: async () => (await (await fetch(`${url}/ready`)).json()) as never,
    metrics: async () => await (await fetch(String(metricsUrl))).text(),
  };
}

const children: ChildProcess[] = [];
let redis: RedisServer;
let fakes: Fakes;
let a: Gateway;
let b: Gateway;
/** Wickson calls one in-process gateway makes for TRAFFIC. */
let oneReplicaCalls: number;
let oneReplicaData: unknown[];
const BUDGET_LEFT_AFTER_TRAFFIC = 6;

async function run(gateways: Gateway[]): Promise<unknown[]> {
  const data: unknown[] = [];
  let turn = 0;
  for (const [document, headers, copies] of TRAFFIC) {
    const answers = await Promise.all(
      Array.from({ length: copies }, () =>
        gateways[turn++ % gateways.length]!.query(document, headers),
      ),
    );
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      data.push(answer.data);
    }
  }
  return data;
}

beforeAll(async () => {
  // Wickson answers take 50 ms, so the concurrent copies overlap across the two processes.
  const latency = { fixedMs: 50 };
  const one = await startStack({
    config: CACHE,
    fakes: { latency },
    now: () => Date.parse('2026-03-01T12:00:00Z'),
  });
  oneReplicaData = await run([
    {
      query: async (document, headers) => (await one.query(document, {}, headers)).body,
    } as Gateway,
  ]);
  oneReplicaCalls = one.calls().wickson;
  await one.close();

  [redis, fakes] = await Promise.all([startRedisServer(), startFakes({ latency })]);
  const env = {
    ...CACHE,
    REDIS_URL: redis.url,
    ...PATIENT_REDIS,
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    WICKSON_HOURLY_BUDGET: String(oneReplicaCalls + BUDGET_LEFT_AFTER_TRAFFIC),
    // One client sends all of it: its share must be the whole budget to see the budget's edge.
    CLIENT_WICKSON_SHARE: '1',
    METRICS_PORT: '0',
  };
  [a, b] = await Promise.all([startGateway(env), startGateway(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await fakes?.close();
  await redis?.stop();
});

describe('two gateway processes on one Redis', () => {
  it('make the same Wickson calls for the same traffic as one gateway, with the same answers', async () => {
    expect(oneReplicaCalls).toBeGreaterThan(2);
    // A replica's Redis client connects after it listens (slower on a loaded machine).
    for (const replica of [a, b])
      await pollUntil(async () => (await replica.readiness()).cache?.redis === 'up');
    expect(await a.readiness()).toMatchObject({ cache: { store: 'redis', redis: 'up' } });
    fakes.wickson.control.ledger.reset();
    const data = await run([a, b]);
    expect(fakes.wickson.control.ledger.count()).toBe(oneReplicaCalls);
    expect(data).toEqual(oneReplicaData);
    // Answered from the cache the other replica filled: no call at all.
    fakes.wickson.control.ledger.reset();
    fakes.beluga.control.ledger.reset();
    await run([b, a]);
    expect(fakes.wickson.control.ledger.count()).toBe(0);
    expect(fakes.beluga.control.ledger.count()).toBe(0);
  });

  it('share one Wickson budget: together they stop at WICKSON_HOURLY_BUDGET', async () => {
    fakes.wickson.control.ledger.reset();
    const answers: GraphQLBody[] = [];
    for (let i = 0; i < 2 * BUDGET_LEFT_AFTER_TRAFFIC; i++)
      answers.push(await [a, b][i % 2]!.query(missing(i)));
    const codes = answers.map((x) => x.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(BUDGET_LEFT_AFTER_TRAFFIC);
    expect(codes.slice(BUDGET_LEFT_AFTER_TRAFFIC)).toEqual(
      Array(BUDGET_LEFT_AFTER_TRAFFIC).fill('RATE_LIMITED'),
    );
    expect(fakes.wickson.control.ledger.count()).toBe(BUDGET_LEFT_AFTER_TRAFFIC);
    // The calls past the budget were capped by the client's shared Wickson share before reaching
    // the quota, so replica a's gauge shows the shared count once its snapshot refreshes (≤ 1 s).
    await expect
      .poll(() => a.metrics(), { timeout: 10_000, interval: 250 })
      .toMatch(/gateway_upstream_budget_remaining\{upstream="wickson"\} 0/);
  });

  it('Redis killed: both keep answering without hanging, /ready says down; back when it returns', async () => {
    await redis.kill();
    for (const gateway of [a, b, a, b]) {
      const started = performance.now();
      const answer = await gateway.query(SET, MEMBER);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(oneReplicaData[2]);
    }
    for (const gateway of [a, b]) {
      await pollUntil(async () => (await gateway.readiness()).cache?.redis === 'down');
      expect(await gateway.metrics()).toMatch(/gateway_cache_redis_up 0/);
    }
    await redis.restart();
    for (const gateway of [a, b]) {
      await pollUntil(async () => {
        await gateway.query(SET, MEMBER);
        return (await gateway.readiness()).cache?.redis === 'up';
      });
      expect(await gateway.metrics()).toMatch(/gateway_cache_redis_up 1/);
    }
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null]);
  });
});
