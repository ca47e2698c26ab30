/**
 * Tokens Beluga has vouched for. A `Token <key>` header is only a claim: anybody can make one up,
 * so a token counts as its own client (its own calls per minute and Wickson share) only after
 * Beluga has answered a call made with it with anything but 401, DRF's answer to an unknown token
 * on every route. Until then, and again after a 401, its calls count against the caller's address.
 *
 * Held by the token's keyed hash (never the token) in a bounded in-memory LRU, and with Redis in
 * Redis as well so a token vouched on one replica counts on all. A Redis failure only makes the
 * gateway stricter (the token counts against its address), never looser.
 */
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.ts';
import type { Redis } from '../redis.ts';

export interface VouchedTokens {
  /** Whether Beluga accepted this token hash within the TTL. */
  has(tokenHash: string): Promise<boolean>;
  /** The same from this process's memory alone (what `has` last learned from Redis included). */
  knows(tokenHash: string): boolean;
  /** Beluga answered a call made with the token (not 401). */
  vouch(tokenHash: string): void;
  /** Beluga answered 401: the token is nobody (any more). */
  revoke(tokenHash: string): void;
}

export interface VouchedOptions {
  ttlMs: number;
  /** Tokens remembered in this process (a made-up token is never stored: only accepted ones). */
  max: number;
  redis?: Redis | undefined;
  keyPrefix?: string;
  onStoreError?: (error: unknown) => void;
}

/** Tokens remembered per process: accepted ones only, so a flood of made-up tokens adds none. */
const MAX_VOUCHED = 100_000;

export function vouchedOptions(config: Config): VouchedOptions {
  return { ttlMs: config.clients.vouchTtlMs, max: MAX_VOUCHED, keyPrefix: config.redis.keyPrefix };
}

export function createVouchedTokens(options: VouchedOptions): VouchedTokens {
  // Bounded by count through maxSize, not `max`: lru-cache preallocates `max` slots (~4 MB of
  // arrays for 100,000), which the heap would carry, and every major GC mark, from the start.
  const local = new LRUCache<string, true>({
    maxSize: options.max,
    sizeCalculation: () => 1,
    ttl: options.ttlMs,
  });
  const { redis } = options;
  const key = (hash: string) => `${options.keyPrefix ?? ''}vouched:${hash}`;
  const failed = (error: unknown) => options.onStoreError?.(error);
  return {
    async has(hash) {
      if (local.has(hash)) return true;
      if (!redis) return false;
      try {
        const ttl = await redis.pttl(key(hash));
        if (ttl <= 0) return false;
        local.set(hash, true, { ttl });
        return true;
      } catch (error) {
        failed(error);
        return false;
      }
    },
    knows: (hash) => local.has(hash),
    vouch(hash) {
      // Refreshed at most once per tenth of the TTL per process: one Redis write, not one a call.
      const left = local.getRemainingTTL(hash);
      if (left > options.ttlMs * 0.9) return;
      local.set(hash, true);
      redis?.set(key(hash), '1', 'PX', options.ttlMs).catch(failed);
    },
    revoke(hash) {
      local.delete(hash);
      redis?.del(key(hash)).catch(failed);
    },
  };
}
