/**
 * The in-process store: an LRU bounded by bytes (CACHE_MAX_BYTES), entries kept to their retain
 * time. A mark is the upstream's eviction generation: a conditional `set` stores nothing once any
 * eviction of that upstream happened after its lookup (coarse, but a process sees few writes).
 */
import { LRUCache } from 'lru-cache';
import { type CacheEntry, type CacheStore, matches, type StoreMark } from './store.ts';

interface Held {
  entry: CacheEntry;
  until: number;
}

/** The upstream part of a key or prefix (`beluga` of `beluga:/api/v2/…`); `''` when it has none. */
const upstreamOf = (key: string) => key.slice(0, Math.max(0, key.indexOf(':')));

export function createMemoryStore(options: { maxBytes: number; now: () => number }): CacheStore {
  const { now } = options;
  const lru = new LRUCache<string, Held>({
    maxSize: options.maxBytes,
    sizeCalculation: (held, key) => Math.max(1, held.entry.bytes + key.length),
  });
  // Per upstream; `''` counts evictions whose prefix names no upstream (they cover every key).
  const generations = new Map<string, number>();
  const generation = (key: string) =>
    (generations.get(upstreamOf(key)) ?? 0) + (generations.get('') ?? 0);

  const get = async (key: string) => {
    const held = lru.get(key);
    if (!held) return undefined;
    if (held.until <= now()) {
      lru.delete(key);
      return undefined;
    }
    return held.entry;
  };

  return {
    kind: 'memory',
    get,
    lookup: async (key) => {
      const since = generation(key) as unknown as StoreMark;
      return { entry: await get(key), since };
    },
    set: async (key, entry, retainMs, since) => {
      if (since !== undefined && (since as unknown as number) !== generation(key)) return;
      if (entry.bytes + key.length > options.maxBytes) return;
      lru.set(key, { entry, until: now() + retainMs });
    },
    evict: async (match) => {
      const upstream = upstreamOf(match.prefix);
      generations.set(upstream, (generations.get(upstream) ?? 0) + 1);
      let count = 0;
      for (const key of [...lru.keys()]) {
        if (matches(key, match)) {
          lru.delete(key);
          count += 1;
        }
      }
      return count;
    },
    evictedSince: (earlier, later) => earlier !== later,
    bytes: () => lru.calculatedSize,
    close: async () => {
      lru.clear();
    },
  };
}
