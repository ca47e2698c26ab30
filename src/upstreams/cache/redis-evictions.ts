/**
 * Evictions on their way to Redis. Each one stamps its version (redis-versions.ts `EVICT`) with a
 * plain command, not skipped while Redis is thought down: a hung Redis runs it first thing when it
 * resumes. One that fails (timeout, closed connection) is kept in this process and sent again
 * when Redis answers, before this replica's next read there; until then Redis may still hold what
 * it evicted. Past MAX_PENDING kept, one eviction per upstream (every path, every scope) stands
 * for them all. `unlinkMatching` then removes the evicted entries themselves.
 */
import type { Redis } from '../../redis.ts';
import { EVICT, versionOf } from './redis-versions.ts';
import { type EvictMatch, matches } from './store.ts';

const MAX_PENDING = 1_000;
const SCAN_COUNT = 500;

export interface EvictionQueue {
  /** Stamps the eviction's version; false (and kept for `replay`) when Redis did not take it. */
  stamp(match: EvictMatch): Promise<boolean>;
  /** Sends the kept evictions, one at a time; false while some are still kept. */
  replay(): Promise<boolean>;
  /** Whether some eviction is kept or being sent again. */
  waiting(): boolean;
}

export function createEvictionQueue(options: {
  redis: Redis;
  counterKey: string;
  versionKey: (name: string) => string;
  versionTtlMs: number;
}): EvictionQueue {
  const { redis, counterKey, versionKey, versionTtlMs } = options;
  let pending: EvictMatch[] = [];
  let replaying: Promise<boolean> | undefined;

  const stamp = async (match: EvictMatch): Promise<boolean> => {
    try {
      await redis.eval(EVICT, 2, counterKey, versionKey(versionOf(match)), versionTtlMs);
      return true;
    } catch {
      pending = collapse([match, ...pending]);
      return false;
    }
  };

  const replay = (): Promise<boolean> => {
    replaying ??= (async () => {
      while (pending.length > 0) {
        const [match, ...rest] = pending as [EvictMatch, ...EvictMatch[]];
        pending = rest;
        if (!(await stamp(match))) return false;
      }
      return true;
    })().finally(() => {
      replaying = undefined;
    });
    return replaying;
  };

  return { stamp, replay, waiting: () => pending.length > 0 || replaying !== undefined };
}

/**
 * Walks the entries under `base` + `match.prefix` with SCAN and UNLINKs those `match` covers;
 * resolves with how many went (throws when Redis fails).
 */
export async function unlinkMatching(
  redis: Redis,
  base: string,
  match: EvictMatch,
): Promise<number> {
  const { prefix, scope } = match;
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
}

function collapse(waiting: EvictMatch[]): EvictMatch[] {
  if (waiting.length <= MAX_PENDING) return waiting;
  const upstreams = new Set(waiting.map((m) => m.prefix.slice(0, m.prefix.indexOf(':') + 1)));
  return [...upstreams].map((prefix) => ({ prefix }));
}

/** Escapes Redis glob metacharacters so a path matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
