/**
 * How an eviction on one replica wins over reads on every replica, in Redis. One counter
 * (`{prefix}evictions`) numbers evictions; an eviction stamps its number on a version key for the
 * prefix it evicted (`{prefix}ver:{name}#{scope or *}`), in one atomic script. An entry carries
 * the counter's value when it was stored and is valid only while no version covering its key is
 * higher; a conditional store (`SET_IF_CURRENT`) writes nothing when a covering version is higher
 * than the counter the read saw at its lookup. So an entry fetched before a write never lands
 * after the write's eviction, and an entry that landed before it is dead even if the eviction's
 * SCAN never reached it.
 *
 * Version names sit on `/` boundaries of the path (or `path?` for one path's queries), so a key
 * has few candidates: ``, `beluga:`, `beluga:/`, `beluga:/api/`, …, `beluga:/api/v2/jobs/7/?`.
 */
import type { CacheEntry, EvictMatch } from './store.ts';

const ANY_SCOPE = '*';

/** The version name an eviction stamps: its prefix cut back to a `/` boundary, or `path?`. */
export function versionOf(match: EvictMatch): string {
  const { prefix } = match;
  const scope = match.scope ?? ANY_SCOPE;
  if (prefix.endsWith('?')) return `${prefix}#${scope}`;
  const slash = prefix.lastIndexOf('/');
  const colon = prefix.indexOf(':');
  const name = slash > colon ? prefix.slice(0, slash + 1) : prefix.slice(0, colon + 1);
  return `${name}#${scope}`;
}

/** Every version name that may cover `key` (`{upstream}:{path}?{query}#{scope}`). */
export function coveringVersions(key: string): string[] {
  const query = key.indexOf('?');
  const path = query < 0 ? key : key.slice(0, query);
  const scope = key.slice(key.lastIndexOf('#') + 1);
  const names = ['', path.slice(0, path.indexOf(':') + 1)];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1))
    names.push(path.slice(0, i + 1));
  if (query >= 0) names.push(`${path}?`);
  return names.flatMap((name) => [`${name}#${ANY_SCOPE}`, `${name}#${scope}`]);
}

/**
 * KEYS: the entry, the counter, then the covering version keys. ARGV: the counter the read saw
 * (empty: store unconditionally), the JSON, the retain time. Stores `{counter}|{json}`.
 */
export const SET_IF_CURRENT = `
local since = tonumber(ARGV[1])
if since then
  for i = 3, #KEYS do
    local version = tonumber(redis.call('GET', KEYS[i]) or '0')
    if version > since then return 0 end
  end
end
local counter = redis.call('GET', KEYS[2]) or '0'
redis.call('SET', KEYS[1], counter .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS: the counter, the version key. ARGV: the version's lifetime. Resolves the new number. */
export const EVICT = `
local counter = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], counter, 'PX', ARGV[1])
return counter`;

/** The largest version among MGET results (missing keys count 0). */
export function highest(values: readonly (string | null)[]): number {
  let max = 0;
  for (const value of values) if (value !== null) max = Math.max(max, Number(value) || 0);
  return max;
}

export interface StoredEntry {
  entry: CacheEntry;
  retainMs: number;
  /** The eviction counter when it was stored (0 for an entry written without one). */
  counter: number;
}

export function encode(entry: CacheEntry, retainMs: number): string {
  return JSON.stringify({ v: entry.value, f: entry.fetchedAt, r: retainMs });
}

/** `{counter}|{json}`, or bare JSON (stored without a counter). */
export function decode(text: string): StoredEntry | undefined {
  const bar = text.startsWith('{') ? -1 : text.indexOf('|');
  const counter = bar < 0 ? 0 : Number(text.slice(0, bar));
  const json = text.slice(bar + 1);
  try {
    const parsed = JSON.parse(json) as { v?: unknown; f?: unknown; r?: unknown };
    if (typeof parsed.f !== 'number' || !('v' in parsed) || !Number.isFinite(counter)) return;
    return {
      entry: { value: parsed.v, fetchedAt: parsed.f, bytes: json.length },
      retainMs: typeof parsed.r === 'number' ? parsed.r : 0,
      counter,
    };
  } catch {
    return undefined;
  }
}
