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
import { createRedisAvailability, type Redis } from '../../redis.ts';
import { createClaims } from './redis-claims.ts';
import { createEvictionQueue } from './redis-evictions.ts';
import { coveringVersions, decode, encode, highest, SET_IF_CURRENT } from './redis-versions.ts';
import type { CacheEntry, CacheStore, Lookup, StoreMark } from './store.ts';
import { matches } from './store.ts';

const SCAN_COUNT = 500;

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
  const { redis, fallback, now } = options;
  const base = `${options.keyPrefix}cache:`;
  const counterKey = `${options.keyPrefix}evictions`;
  const versionKey = (name: string) => `${options.keyPrefix}ver:${name}`;
  const versionTtlMs = Math.max(1, Math.round(options.versionTtlMs ?? 2 * 86_400_000));
  const evictions = createEvictionQueue({ redis, counterKey, versionKey, versionTtlMs });
  const redisUp = createRedisAvailability(redis, { onUp: () => void evictions.replay() });
  const attempt = redisUp.run;
  const replayed = async () => {
    if (!(await evictions.replay())) throw new Error('evictions still waiting for Redis');
  };

  /** The valid entry in Redis (undefined when there is none) and the read's mark. */
  const readRedis = async (key: string, local: StoreMark) => {
    // An eviction Redis missed goes first: until it lands, Redis may hold what it evicted.
    if (evictions.waiting() && !(await attempt(replayed))) return undefined;
    const names = coveringVersions(key).map(versionKey);
    const read = await attempt(() => redis.mget(base + key, counterKey, ...names));
    if (!read) return undefined;
    const [raw, counter, ...versions] = read.value;
    const covering = highest(versions);
    const mark: RedisMark = { counter: Number(counter ?? 0), covering, local };
    const stored = raw ? decode(raw) : undefined;
    return { stored: stored && stored.counter >= covering ? stored : undefined, mark };
  };

  const lookup = async (key: string): Promise<Lookup> => {
    const held = await fallback.lookup(key);
    const found = await readRedis(key, held.since);
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
  };

  const setInRedis = (key: string, entry: CacheEntry, ms: number, counter: number | undefined) => {
    const names = coveringVersions(key).map(versionKey);
    const since = counter === undefined ? '' : String(counter);
    return attempt(() =>
      redis.eval(
        SET_IF_CURRENT,
        2 + names.length,
        base + key,
        counterKey,
        ...names,
        since,
        encode(entry, ms),
        ms,
      ),
    );
  };

  const evictInRedis = async (prefix: string, scope: string | undefined): Promise<number> => {
    const pattern = `${globEscape(base + prefix)}*${scope === undefined ? '' : globEscape(`#${scope}`)}`;
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      const mine = keys.filter((k) => matches(k.slice(base.length), { prefix, scope }));
      if (mine.length > 0) count += await redis.unlink(...mine);
    } while (cursor !== '0');
    return count;
  };

  return {
    kind: 'redis',
    get: async (key) => (await lookup(key)).entry,
    lookup,
    set: async (key, entry, retainMs, since) => {
      const ms = Math.max(1, Math.round(retainMs));
      const mark = since === undefined ? undefined : fromMark(since);
      // A read that could not see Redis at its lookup cannot prove it is current there.
      const stored =
        mark?.counter === undefined && mark
          ? undefined
          : await setInRedis(key, entry, ms, mark?.counter);
      // Refused: an eviction on some replica came after this read's lookup; keep no copy either.
      if (stored?.value === 0) return;
      await fallback.set(key, entry, retainMs, mark?.local);
    },
    evict: async (match) => {
      const local = await fallback.evict(match);
      if (!(await evictions.stamp(match))) return local;
      const evicted = await attempt(() => evictInRedis(match.prefix, match.scope));
      return evicted ? evicted.value : local;
    },
    evictedSince: (earlier, later) => {
      const [e, l] = [fromMark(earlier), fromMark(later)];
      if (fallback.evictedSince(e.local, l.local)) return true;
      // A call that started without Redis cannot tell what it missed.
      if (l.counter === undefined) return false;
      return e.counter === undefined || l.covering > e.counter;
    },
    coalesce: createClaims({
      redis,
      attempt,
      claimPrefix: `${options.keyPrefix}claim:`,
      token: randomUUID(),
      lookup,
      markOf: (since) => fromMark(since),
    }),
    bytes: () => fallback.bytes(),
    up: () => redisUp.up(),
    close: () => fallback.close(),
  };
}

const asMark = (mark: RedisMark) => mark as unknown as StoreMark;
const fromMark = (mark: StoreMark) => mark as unknown as RedisMark;

/** Escapes Redis glob metacharacters so a path matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
