/** The in-process store: an LRU bounded by bytes (CACHE_MAX_BYTES), entries kept to their retain time. */
import { LRUCache } from 'lru-cache';
import { type CacheEntry, type CacheStore, matches } from './store.ts';

interface Held {
  entry: CacheEntry;
  until: number;
}

export function createMemoryStore(options: { maxBytes: number; now: () => number }): CacheStore {
  const { now } = options;
  const lru = new LRUCache<string, Held>({
    maxSize: options.maxBytes,
    sizeCalculation: (held, key) => Math.max(1, held.entry.bytes + key.length),
  });
  return {
    kind: 'memory',
    get: async (key) => {
      const held = lru.get(key);
      if (!held) return undefined;
      if (held.until <= now()) {
        lru.delete(key);
        return undefined;
      }
      return held.entry;
    },
    set: async (key, entry, retainMs) => {
      if (entry.bytes + key.length > options.maxBytes) return;
      lru.set(key, { entry, until: now() + retainMs });
    },
    evict: async (match) => {
      let count = 0;
      for (const key of [...lru.keys()]) {
        if (matches(key, match)) {
          lru.delete(key);
          count += 1;
        }
      }
      return count;
    },
    bytes: () => lru.calculatedSize,
    close: async () => {
      lru.clear();
    },
  };
}
