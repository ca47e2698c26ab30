/**
 * The cache store shared by replicas: one Redis string per entry (`{prefix}cache:{key}`),
 * `{counter}|{json}` expiring after its retain time (PX). Every command is bounded by the client's
 * REDIS_TIMEOUT_MS (src/redis.ts) and a failure never throws. Redis is the truth while it
 * answers; the in-process store keeps a copy of the entries this replica wrote or read (bounded
 * by CACHE_MAX_BYTES), which answers while Redis does not (or failed less than a second ago).
 *
 * Evictions win over reads on every replica (redis-versions.ts): an eviction stamps a version in
 * one atomic script; one Redis did not take is kept and sent again (redis-evictions.ts). It then
 * walks the prefix with SCAN and UNLINKs, in both stores, for the count and the memory. Claims
 * (redis-claims.ts) let one replica make a call the others wait for.
 */
import { randomUUID } from 'node:crypto';
import { createRedisAvailability, type Redis, type RedisAvailability } from '../../redis.ts';
import { createClaims } from './redis-claims.ts';
import { createEvictionQueue, type EvictionQueue, unlinkMatching } from './redis-evictions.ts';
import { coveringVersions, decode, encode, highest, SET_IF_CURRENT } from './redis-versions.ts';
import type { CacheEntry, CacheStore, EvictMatch, Lookup, StoreMark } from './store.ts';

/** The mark of a read: the eviction counter and the covering versions it saw (none: Redis was down). */
interface RedisMark {
  counter: number | undefined;
  covering: number;
  local: StoreMark;
}

export interface RedisStoreOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  /** The in-process copy, read while Redis is down (bounded by CACHE_MAX_BYTES). */
  fallback: CacheStore;
  now: () => number;
  /**
   * How long an eviction's version lives: at least the longest retain time of an entry (default
   * two days: a TTL and a stale window of at most a day each, src/config.ts).
   */
  versionTtlMs?: number;
}

export function createRedisStore(options: RedisStoreOptions): CacheStore {
  const { redis, fallback, keyPrefix } = options;
  const counterKey = `${keyPrefix}evictions`;
  const versionKey = (name: string) => `${keyPrefix}ver:${name}`;
  const versionTtlMs = Math.max(1, Math.round(options.versionTtlMs ?? 2 * 86_400_000));
  const evictions = createEvictionQueue({ redis, counterKey, versionKey, versionTtlMs });
  const redisUp = createRedisAvailability(redis, { onUp: () => void evictions.replay() });
  const store: Shared = {
    redis,
    fallback,
    now: options.now,
    base: `${keyPrefix}cache:`,
    counterKey,
    versionKey,
    evictions,
    attempt: redisUp.run,
  };
  const lookup = (key: string) => lookupEntry(store, key);
  return {
    kind: 'redis',
    get: async (key) => (await lookup(key)).entry,
    lookup,
    set: (key, entry, retainMs, since) => setEntry(store, key, entry, retainMs, since),
    evict: (match) => evictEverywhere(store, match),
    evictedSince: (earlier, later) => evictedSince(fallback, earlier, later),
    coalesce: createClaims({
      redis,
      attempt: redisUp.run,
      claimPrefix: `${keyPrefix}claim:`,
      token: randomUUID(),
      lookup,
      markOf: (since) => fromMark(since),
    }),
    bytes: () => fallback.bytes(),
    up: () => redisUp.up(),
    close: () => fallback.close(),
  };
}

/** What the store's steps share: the two stores, the key names and the evictions to replay. */
interface Shared {
  redis: Redis;
  fallback: CacheStore;
  now: () => number;
  /** `{prefix}cache:`, before every entry's key. */
  base: string;
  /** The eviction counter every replica bumps. */
  counterKey: string;
  versionKey: (name: string) => string;
  evictions: EvictionQueue;
  /** A Redis command bounded by the availability tracker: undefined when Redis failed. */
  attempt: RedisAvailability['run'];
}

/**
 * Redis's entry when it answers (copied into the fallback for the rest of its retain time);
 * the fallback's while it does not.
 */
async function lookupEntry(store: Shared, key: string): Promise<Lookup> {
  const { fallback, now } = store;
  const held = await fallback.lookup(key);
  const found = await readRedis(store, key, held.since);
  if (!found)
    return {
      entry: held.entry,
      since: asMark({ counter: undefined, covering: 0, local: held.since }),
    };
  const { stored, mark } = found;
  if (!stored) return { entry: undefined, since: asMark(mark) };
  const left = stored.retainMs - (now() - stored.entry.fetchedAt);
  if (left > 0) await fallback.set(key, stored.entry, left, held.since);
  return { entry: stored.entry, since: asMark(mark) };
}

/** The valid entry in Redis (undefined when there is none) and the read's mark. */
async function readRedis(store: Shared, key: string, local: StoreMark) {
  const { redis, evictions, attempt } = store;
  // An eviction Redis missed goes first: until it lands, Redis may hold what it evicted.
  if (evictions.waiting() && !(await attempt(() => replayed(evictions)))) return undefined;
  const names = coveringVersions(key).map(store.versionKey);
  const read = await attempt(() => redis.mget(store.base + key, store.counterKey, ...names));
  if (!read) return undefined;
  const [raw, counter, ...versions] = read.value;
  const covering = highest(versions);
  const mark: RedisMark = { counter: Number(counter ?? 0), covering, local };
  const stored = raw ? decode(raw) : undefined;
  return { stored: stored && stored.counter >= covering ? stored : undefined, mark };
}

async function replayed(evictions: EvictionQueue): Promise<void> {
  if (!(await evictions.replay())) throw new Error('evictions still waiting for Redis');
}

async function setEntry(
  store: Shared,
  key: string,
  entry: CacheEntry,
  retainMs: number,
  since: StoreMark | undefined,
): Promise<void> {
  const ms = Math.max(1, Math.round(retainMs));
  const mark = since === undefined ? undefined : fromMark(since);
  // A read that could not see Redis at its lookup cannot prove it is current there.
  const stored =
    mark?.counter === undefined && mark
      ? undefined
      : await setInRedis(store, key, entry, ms, mark?.counter);
  // Refused: an eviction on some replica came after this read's lookup; keep no copy either.
  if (stored?.value === 0) return;
  await store.fallback.set(key, entry, retainMs, mark?.local);
}

/** SET_IF_CURRENT: stores unless an eviction covering `key` came after `counter`. */
function setInRedis(
  store: Shared,
  key: string,
  entry: CacheEntry,
  ms: number,
  counter: number | undefined,
) {
  const names = coveringVersions(key).map(store.versionKey);
  const since = counter === undefined ? '' : String(counter);
  return store.attempt(() =>
    store.redis.eval(
      SET_IF_CURRENT,
      2 + names.length,
      store.base + key,
      store.counterKey,
      ...names,
      since,
      encode(entry, ms),
      ms,
    ),
  );
}

/** Evicts in this process, stamps the eviction for every replica, then unlinks in Redis. */
async function evictEverywhere(store: Shared, match: EvictMatch): Promise<number> {
  const local = await store.fallback.evict(match);
  if (!(await store.evictions.stamp(match))) return local;
  const evicted = await store.attempt(() => unlinkMatching(store.redis, store.base, match));
  return evicted ? evicted.value : local;
}

function evictedSince(fallback: CacheStore, earlier: StoreMark, later: StoreMark): boolean {
  const [e, l] = [fromMark(earlier), fromMark(later)];
  if (fallback.evictedSince(e.local, l.local)) return true;
  // A call that started without Redis cannot tell what it missed.
  if (l.counter === undefined) return false;
  return e.counter === undefined || l.covering > e.counter;
}

const asMark = (mark: RedisMark) => mark as unknown as StoreMark;
const fromMark = (mark: StoreMark) => mark as unknown as RedisMark;
