/**
 * Where idempotency keys live (use-idempotency.ts): one record per client and key, holding the
 * body's fingerprint, whether its request still runs, and then the response it got. In memory
 * (bounded, per process) without REDIS_URL; in Redis with it, so every replica sees one claim.
 * Expiry follows the caller's clock (`now`, Unix ms): a record past `expiresAt` is gone.
 */
import { LRUCache } from 'lru-cache';
import { createRedisAvailability, type Redis, redisReady } from '../../redis.ts';

export interface IdempotencyRecord {
  /** sha-256 of the operation, its variables and operation name. */
  fingerprint: string;
  /** Unix ms: when the first request claimed the key, and the end of the key's window. */
  startedAt: number;
  expiresAt: number;
  /** `running` until the first response is kept (`done`), or found too large to keep (`unstored`). */
  state: 'running' | 'done' | 'unstored';
  status?: number;
  contentType?: string;
  body?: string;
}

export interface IdempotencyStore {
  kind: 'memory' | 'redis';
  /**
   * Claims `key` with `record` (atomically) unless a record whose window is still open holds it:
   * resolves undefined when claimed, else the holder. Rejects when the store cannot answer.
   */
  claim(
    key: string,
    record: IdempotencyRecord,
    now: number,
  ): Promise<IdempotencyRecord | undefined>;
  /** Replaces a claim with its outcome, until the record's `expiresAt`. Rejects on failure. */
  complete(key: string, record: IdempotencyRecord, now: number): Promise<void>;
}

export class IdempotencyStoreError extends Error {}

/** The in-memory store's bounds: past them the least recently used keys are forgotten early. */
export const MEMORY_MAX_KEYS = 10_000;
export const MEMORY_MAX_BYTES = 32 * 1024 * 1024;
const RECORD_OVERHEAD_BYTES = 256;

export function createMemoryIdempotencyStore(
  options: { maxKeys?: number; maxBytes?: number } = {},
): IdempotencyStore {
  const records = new LRUCache<string, IdempotencyRecord>({
    max: options.maxKeys ?? MEMORY_MAX_KEYS,
    maxSize: options.maxBytes ?? MEMORY_MAX_BYTES,
    sizeCalculation: (record) => RECORD_OVERHEAD_BYTES + (record.body?.length ?? 0),
  });
  return {
    kind: 'memory',
    claim: async (key, record, now) => {
      const held = records.get(key);
      if (held && held.expiresAt > now) return held;
      records.set(key, record);
      return undefined;
    },
    complete: async (key, record) => {
      records.set(key, record);
    },
  };
}

// KEYS: the record's key. ARGV: the new record (`<expiresAt> <json>`), now, its ttl in ms.
// Returns the live holder, or false (nil) when the key was claimed.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then
  local expires = tonumber(string.match(current, '^(%d+) '))
  if expires and expires > tonumber(ARGV[2]) then return current end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return false
`;

const encode = (record: IdempotencyRecord) => `${record.expiresAt} ${JSON.stringify(record)}`;
const decode = (value: string): IdempotencyRecord =>
  JSON.parse(value.slice(value.indexOf(' ') + 1)) as IdempotencyRecord;
const ttl = (record: IdempotencyRecord, now: number) =>
  Math.max(1, Math.round(record.expiresAt - now));

/** Records as `{prefix}idempotency:{key}` strings, expiring with their window (PX). */
export function createRedisIdempotencyStore(options: {
  redis: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
}): IdempotencyStore {
  const { redis } = options;
  const base = `${options.keyPrefix}idempotency:`;
  const redisUp = createRedisAvailability(redis);
  const must = async <T>(step: () => Promise<T>): Promise<T> => {
    // Commands fail at once while the client connects (no offline queue): wait for it, bounded.
    if (redis.status === 'connecting' || redis.status === 'connect')
      await redisReady(redis, redis.options.commandTimeout ?? 200);
    const ran = await redisUp.run(step);
    if (!ran) throw new IdempotencyStoreError('redis did not answer');
    return ran.value;
  };
  return {
    kind: 'redis',
    claim: async (key, record, now) => {
      const held = await must(
        () =>
          redis.eval(
            CLAIM,
            1,
            base + key,
            encode(record),
            now,
            ttl(record, now),
          ) as Promise<unknown>,
      );
      return typeof held === 'string' ? decode(held) : undefined;
    },
    complete: async (key, record, now) => {
      await must(() => redis.set(base + key, encode(record), 'PX', ttl(record, now)));
    },
  };
}
