/**
 * Coalescing across replicas on Redis (best effort): the first replica to miss a key claims its
 * upstream call (`{prefix}claim:{flightKey}`, SET NX PX, holding its token and the eviction counter
 * its read saw) and the others poll for the entry it stores. A waiting replica stops waiting and
 * calls the upstream itself when the claim ends without an entry, after `waitMs`, when its caller
 * gives up, when Redis does not answer, or at once when the claim belongs to a read older than an
 * eviction of the key (its answer will not be stored: redis-versions.ts).
 */
import type { Redis, RedisAvailability } from '../../redis.ts';
import type { CacheEntry, Coalesced, CoalesceOptions, Lookup, StoreMark } from './store.ts';

/** How often a waiting replica looks for the entry another replica is fetching. */
const PEER_POLL_MS = 10;

/** Sets the claim unless one is held; resolves the holder's value, or nil when it is ours. */
const CLAIM = `local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface ClaimsOptions {
  redis: Redis;
  attempt: RedisAvailability['run'];
  /** `{REDIS_KEY_PREFIX}claim:`. */
  claimPrefix: string;
  /** This replica's claim token (random per process). */
  token: string;
  lookup(key: string): Promise<Lookup>;
  /** The eviction counter a read saw, and the highest eviction covering its key (undefined: Redis was down). */
  markOf(since: StoreMark): { counter: number | undefined; covering: number };
}

const NOTHING: Coalesced = { release: () => {} };

export function createClaims(options: ClaimsOptions) {
  const { redis, attempt, claimPrefix, token } = options;

  /** The entry that landed for `key` if it answers this read. */
  const landed = async (o: CoalesceOptions): Promise<CacheEntry | undefined> => {
    const { entry } = await options.lookup(o.key);
    return entry && o.accept(entry) ? entry : undefined;
  };

  /** Polls for another replica's entry until it lands, its claim ends, or `waitMs` passes. */
  const wait = async (claimKey: string, o: CoalesceOptions): Promise<Coalesced> => {
    const until = performance.now() + o.waitMs;
    for (let last = false; ; ) {
      const entry = await landed(o);
      if (entry) return { entry };
      if (last || o.signal?.aborted || performance.now() >= until) return NOTHING;
      // One more look after the claim ends: the entry is stored before the claim is released.
      const held = await attempt(() => redis.exists(claimKey));
      last = !held || held.value === 0;
      if (!last) await new Promise((resolve) => setTimeout(resolve, PEER_POLL_MS));
    }
  };

  return async (flightKey: string, o: CoalesceOptions): Promise<Coalesced> => {
    const { counter, covering } = options.markOf(o.since);
    if (counter === undefined) return NOTHING;
    const claimKey = claimPrefix + flightKey;
    const ms = Math.max(1, Math.round(o.waitMs));
    const value = `${token}|${counter}`;
    const set = await attempt(() => redis.eval(CLAIM, 1, claimKey, value, ms));
    if (!set) return NOTHING;
    const holder = set.value as string | null;
    if (holder === null) {
      // Ours: another replica may have stored the entry just before.
      const release = () => void attempt(() => redis.eval(RELEASE, 1, claimKey, value));
      const entry = await landed(o);
      if (!entry) return { release };
      release();
      return { entry };
    }
    const holderCounter = Number(holder.slice(holder.lastIndexOf('|') + 1));
    if (!(holderCounter >= covering)) return NOTHING;
    return wait(claimKey, o);
  };
}
