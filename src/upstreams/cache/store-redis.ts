/**
 * The cache store shared by replicas: one Redis string per entry (`{prefix}cache:{key}`), JSON of
 * `{ v: value, f: fetchedAt, r: retainMs }`, expiring after its retain time (PX). Every command is
 * bounded by the client's REDIS_TIMEOUT_MS (src/redis.ts) and a failure never throws. Redis is the
 * truth while it answers; the in-process store keeps a copy of the entries this replica wrote or
 * read (bounded by CACHE_MAX_BYTES), which answers while Redis does not (or failed less than a
 * second ago), so an outage or a slow command does not turn every key into an upstream call.
 * `up()` says whether Redis answers. Eviction walks the prefix with SCAN and UNLINKs, in both.
 * Claims (`{prefix}claim:{key}`, SET NX PX) let one replica make a call the others wait for.
 */
import { randomUUID } from 'node:crypto';
import { createRedisAvailability, type Redis } from '../../redis.ts';
import type { CacheEntry, CacheStore } from './store.ts';
import { matches } from './store.ts';

const SCAN_COUNT = 500;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisStore(options: {
  redis: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  /** The in-process copy, read while Redis is down (bounded by CACHE_MAX_BYTES). */
  fallback: CacheStore;
  now: () => number;
}): CacheStore {
  const { redis, fallback, now } = options;
  const base = `${options.keyPrefix}cache:`;
  const claims = `${options.keyPrefix}claim:`;
  const token = randomUUID();
  const redisUp = createRedisAvailability(redis);
  const attempt = redisUp.run;

  /** The copy of an entry read from Redis; the one already held when it is the same fetch. */
  const keepCopy = async (key: string, entry: CacheEntry, retainMs: number) => {
    const held = await fallback.get(key);
    if (held && held.fetchedAt === entry.fetchedAt) return held;
    const left = retainMs - (now() - entry.fetchedAt);
    if (left > 0) await fallback.set(key, entry, left);
    return entry;
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
    get: async (key) => {
      const read = await attempt(() => redis.get(base + key));
      if (!read) return fallback.get(key);
      const decoded = read.value === null ? undefined : decode(read.value);
      return decoded && keepCopy(key, decoded.entry, decoded.retainMs);
    },
    set: async (key, entry, retainMs) => {
      const ms = Math.max(1, Math.round(retainMs));
      const json = JSON.stringify({ v: entry.value, f: entry.fetchedAt, r: ms });
      await fallback.set(key, entry, retainMs);
      await attempt(() => redis.set(base + key, json, 'PX', ms));
    },
    evict: async (match) => {
      const local = await fallback.evict(match);
      const evicted = await attempt(() => evictInRedis(match.prefix, match.scope));
      return evicted ? evicted.value : local;
    },
    claim: async (key, ms) => {
      const set = await attempt(() => redis.set(claims + key, token, 'PX', Math.max(1, ms), 'NX'));
      return !set || set.value === 'OK';
    },
    release: async (key) => {
      await attempt(() => redis.eval(RELEASE, 1, claims + key, token));
    },
    claimed: async (key) => {
      const held = await attempt(() => redis.exists(claims + key));
      return held !== undefined && held.value === 1;
    },
    bytes: () => fallback.bytes(),
    up: () => redisUp.up(),
    close: () => fallback.close(),
  };
}

function decode(json: string): { entry: CacheEntry; retainMs: number } | undefined {
  try {
    const parsed = JSON.parse(json) as { v?: unknown; f?: unknown; r?: unknown };
    if (typeof parsed.f !== 'number' || !('v' in parsed)) return undefined;
    return {
      entry: { value: parsed.v, fetchedAt: parsed.f, bytes: json.length },
      retainMs: typeof parsed.r === 'number' ? parsed.r : 0,
    };
  } catch {
    return undefined;
  }
}

/** Escapes Redis glob metacharacters so a path matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
