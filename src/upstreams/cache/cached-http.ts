/**
 * The shared upstream cache: an `HttpClient` decorator for GETs (anything else passes through).
 * Per key (cache/key.ts), `freshness` decides: a fresh entry answers at once; a stale one answers
 * while one background refresh runs (stale-while-revalidate) or, past that window, when the
 * refresh would fail or the budget pacer says no (stale-if-error); a miss makes one upstream
 * call that concurrent misses share (`single-flight.ts`, and across replicas the store's
 * `coalesce`). An answer is stored only if no eviction of its key happened since its lookup, on
 * any replica: a write wins over every read that started before it.
 *
 * The steps: `read` → `lookup` → `serveStale` / `miss` → `startFlight` → `fetchShared`.
 */
import type { Logger } from 'pino';
import type { UpstreamName } from '../errors.ts';
import type { GetRequest, HttpClient } from '../http.ts';
import type { UpstreamScope } from '../types.ts';
import { deepFreeze } from './freeze.ts';
import { type FreshnessPolicy, freshness, retainMs } from './freshness.ts';
import { type CacheInvalidation, evictMatch, type Who } from './invalidation.ts';
import type { CacheKeyer } from './key.ts';
import { backgroundScope, leaderScope, servesStale, untilAborted } from './scopes.ts';
import { serveStale, traceJoined, traceServed } from './served.ts';
import { createSingleFlight, type SingleFlight } from './single-flight.ts';
import type { CacheStats } from './stats.ts';
import { type CacheEntry, type CacheStore, matches, type StoreMark } from './store.ts';

/** Decides whether a stale entry may be refreshed now (Wickson's budget pacing). */
export interface RefreshPace {
  allowRefresh(): boolean;
}

export interface CachedHttpOptions extends FreshnessPolicy {
  upstream: UpstreamName;
  inner: HttpClient;
  store: CacheStore;
  keyer: CacheKeyer;
  stats: CacheStats;
  logger: Logger;
  now: () => number;
  /** `ttlMs` 0 turns the cache off for this upstream (answers still record their fetch time). */
  pace?: RefreshPace;
  /**
   * With a store that coalesces across replicas (Redis): how long a replica waits for the entry
   * another replica is fetching before it calls the upstream itself; also the claim's lifetime.
   */
  peerWaitMs?: number;
}

export type CachedHttp = HttpClient & CacheInvalidation;

/** One upstream's cache: its options and its calls in flight. */
interface Cache extends CachedHttpOptions {
  /** Tagged with the store mark of the read that started the call. */
  flights: SingleFlight<CacheEntry, StoreMark>;
}

/** One read: its request, its key, and what its lookup found. */
interface Read<T> {
  req: GetRequest<T>;
  nullOn404: boolean;
  key: string;
  since: StoreMark;
  entry: CacheEntry | undefined;
}

export function createCachedHttp(options: CachedHttpOptions): CachedHttp {
  const cache: Cache = { ...options, flights: createSingleFlight<CacheEntry, StoreMark>() };
  const on = options.ttlMs > 0;
  return {
    ...options.inner,
    get: <T>(req: GetRequest<T>) =>
      (on ? read(cache, req, false) : fetchValue(cache, req, false)) as Promise<T>,
    getOrNull: <T>(req: GetRequest<T>) =>
      (on ? read(cache, req, true) : fetchValue(cache, req, true)) as Promise<T | null>,
    health: () => options.inner.health(),
    evictPath: (path, who) => evict(cache, `${path}?`, who),
    evictPrefix: (prefix, who) => evict(cache, prefix, who),
  };
}

/** The cache off: one upstream call, its answer dated with the fetch time. */
async function fetchValue<T>(cache: Cache, req: GetRequest<T>, nullOn404: boolean) {
  const value = nullOn404 ? await cache.inner.getOrNull(req) : await cache.inner.get(req);
  if (value !== null) req.onFetched?.(value, cache.now());
  return value;
}

async function read<T>(cache: Cache, req: GetRequest<T>, nullOn404: boolean): Promise<T | null> {
  const r = await lookup(cache, req, nullOn404);
  const state = r.entry ? freshness(r.entry, cache.now(), cache, req.scope.maxAgeMs) : 'expired';
  if (state === 'fresh') {
    cache.stats.add(cache.upstream, req.route, 'hit');
    traceServed(req, cache.upstream, 'hit');
    return r.entry?.value as T | null;
  }
  const stale = state === 'revalidate' || state === 'stale-if-error' ? r.entry : undefined;
  if (stale) {
    const refreshing = cache.flights.has(flightKeyOf(r.key, nullOn404));
    const mayRefresh = refreshing || !cache.pace || cache.pace.allowRefresh();
    if (state === 'revalidate') {
      if (mayRefresh) refresh(cache, r, stale.fetchedAt);
      return serveStale(cache, req, stale, mayRefresh ? 'revalidate' : 'budget') as T;
    }
    if (!mayRefresh) return serveStale(cache, req, stale, 'budget') as T;
  }
  return miss(cache, r, stale);
}

/** The entry for the request's key (a remembered 404 only for `getOrNull`), frozen if found. */
async function lookup<T>(cache: Cache, req: GetRequest<T>, nullOn404: boolean): Promise<Read<T>> {
  const key = cache.keyer.key(cache.upstream, req);
  const found = await cache.store.lookup(key);
  const entry = found.entry && (nullOn404 || found.entry.value !== null) ? found.entry : undefined;
  // A shared store's entry is parsed anew (its records keep their fetch time, in the JSON).
  if (entry) deepFreeze(entry.value);
  return { req, nullOn404, key, since: found.since, entry };
}

/** No usable entry (or a stale one past revalidation): one shared call, stale on its failure. */
async function miss<T>(cache: Cache, r: Read<T>, stale: CacheEntry | undefined): Promise<T | null> {
  const { req } = r;
  cache.stats.add(cache.upstream, req.route, 'miss');
  const flight = startFlight(cache, r, leaderScope(req.scope), r.entry?.fetchedAt);
  if (flight.joined) traceJoined(cache, req, flight.promise);
  try {
    return (await untilAborted(flight.promise, req, cache.upstream)).value as T | null;
  } catch (error) {
    if (stale && servesStale(error)) return serveStale(cache, req, stale, 'error', error) as T;
    throw error;
  }
}

function refresh<T>(cache: Cache, r: Read<T>, newerThan: number): void {
  const flight = startFlight(cache, r, backgroundScope(r.req.scope), newerThan);
  if (flight.joined) return;
  flight.promise.then(
    () => cache.stats.add(cache.upstream, r.req.route, 'refresh', 'ok'),
    () => cache.stats.add(cache.upstream, r.req.route, 'refresh', 'failed'),
  );
}

/**
 * Joins this key's call in flight, or starts one. `newerThan` is the fetch time of the entry being
 * replaced: only a newer entry from another replica answers instead of a call.
 */
function startFlight<T>(cache: Cache, r: Read<T>, scope: UpstreamScope, newerThan = -Infinity) {
  const flightKey = flightKeyOf(r.key, r.nullOn404);
  const start = () => fetchShared(cache, r, flightKey, scope, newerThan);
  const { evictedSince } = cache.store;
  return cache.flights.run(flightKey, r.since, start, (running) => !evictedSince(running, r.since));
}

/** The body of a shared call: another replica's entry, or one upstream call stored if still current. */
async function fetchShared<T>(
  cache: Cache,
  r: Read<T>,
  flightKey: string,
  scope: UpstreamScope,
  newerThan: number,
): Promise<CacheEntry> {
  const peerWaitMs = cache.peerWaitMs ?? 0;
  const peer =
    cache.store.coalesce && peerWaitMs > 0
      ? await cache.store.coalesce(flightKey, {
          key: r.key,
          since: r.since,
          waitMs: peerWaitMs,
          ...(r.req.scope.signal ? { signal: r.req.scope.signal } : {}),
          accept: (entry) => entry.fetchedAt > newerThan && (r.nullOn404 || entry.value !== null),
        })
      : undefined;
  if (peer && 'entry' in peer) {
    cache.stats.add(cache.upstream, r.req.route, 'coalesced');
    deepFreeze(peer.entry.value);
    return peer.entry;
  }
  try {
    const req = { ...r.req, scope };
    const value = r.nullOn404 ? await cache.inner.getOrNull(req) : await cache.inner.get(req);
    const fetchedAt = cache.now();
    if (value !== null) req.onFetched?.(value, fetchedAt);
    // One object may now serve many requests.
    deepFreeze(value);
    const entry = { value, fetchedAt, bytes: value === null ? 4 : JSON.stringify(value).length };
    await cache.store.set(r.key, entry, retainMs(entry, cache), r.since);
    return entry;
  } finally {
    peer?.release();
  }
}

/**
 * Evicts in the store (every replica, on Redis) and drops the matching calls in flight here, so
 * a read after the write starts its own call instead of joining one that started before it.
 */
async function evict(cache: Cache, prefix: string, who?: Who) {
  const match = evictMatch(cache.upstream, cache.keyer, prefix, who);
  cache.flights.forget((flightKey) => matches(keyOfFlight(flightKey), match));
  return cache.store.evict(match);
}

const NULL_FLIGHT = '\0n';
const flightKeyOf = (key: string, nullOn404: boolean) => (nullOn404 ? `${key}${NULL_FLIGHT}` : key);
const keyOfFlight = (flightKey: string) =>
  flightKey.endsWith(NULL_FLIGHT) ? flightKey.slice(0, -NULL_FLIGHT.length) : flightKey;
