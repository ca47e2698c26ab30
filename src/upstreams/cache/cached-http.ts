/**
 * The shared upstream cache: an `HttpClient` decorator for GETs (anything else passes through).
 * Per key (cache/key.ts): a fresh entry answers at once; a stale one answers while one background
 * refresh runs (stale-while-revalidate) or, past that window, when the refresh would fail or the
 * budget pacer says no (stale-if-error, bounded by `staleIfErrorMs`); concurrent misses share one
 * upstream call. 2xx answers are kept for `ttlMs`, `getOrNull`'s 404s for at most NOT_FOUND_TTL_MS.
 */
import type { Logger } from 'pino';
import {
  RateLimitedError,
  UpstreamBadResponseError,
  type UpstreamError,
  type UpstreamName,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors.ts';
import type { GetRequest, HttpClient } from '../http.ts';
import type { UpstreamScope } from '../types.ts';
import { share, stamp } from './fetched-at.ts';
import { type CacheKeyer, pathKey } from './key.ts';
import type { CacheStats } from './stats.ts';
import type { CacheEntry, CacheStore } from './store.ts';

export const NOT_FOUND_TTL_MS = 5_000;

/** Decides whether a stale entry may be refreshed now (Wickson's budget pacing). */
export interface RefreshPace {
  allowRefresh(): boolean;
}

export interface CachedHttpOptions {
  upstream: UpstreamName;
  inner: HttpClient;
  store: CacheStore;
  keyer: CacheKeyer;
  stats: CacheStats;
  logger: Logger;
  now: () => number;
  /** 0 turns the cache off for this upstream (answers are still stamped with their fetch time). */
  ttlMs: number;
  staleWhileRevalidateMs: number;
  staleIfErrorMs: number;
  pace?: RefreshPace;
  /**
   * With a store that supports claims (Redis): how long a replica waits for the entry another
   * replica is fetching before it calls the upstream itself (best-effort coalescing across
   * replicas). Also the claim's lifetime, so a replica that died mid-call holds no one up.
   */
  peerWaitMs?: number;
}

/** How often a waiting replica looks for the entry another replica is fetching. */
const PEER_POLL_MS = 10;

/** Invalidation hooks for writes: evict what a mutation changed. */
export interface CacheInvalidation {
  /**
   * Evicts every cached answer of `path` (all query strings), e.g. `/api/v2/jobs/7/` after a job
   * action. `who` limits it to one caller's scope (their `Authorization`, undefined =
   * anonymous); omitted, every scope. Reads in flight when it runs are not stored. Resolves the
   * number of entries evicted.
   */
  evictPath(path: string, who?: { authorization: string | undefined }): Promise<number>;
  /** Like `evictPath` for every path starting with `prefix`, e.g. `/api/v2/captures/collections/`. */
  evictPrefix(prefix: string, who?: { authorization: string | undefined }): Promise<number>;
}

export type CachedHttp = HttpClient & CacheInvalidation;

interface Flight {
  promise: Promise<CacheEntry>;
}

export function createCachedHttp(options: CachedHttpOptions): CachedHttp {
  const { upstream, inner, store, keyer, stats, logger, now, ttlMs } = options;
  const flights = new Map<string, Flight>();
  let generation = 0;

  /** One upstream call; its answer stamped with the fetch time (cache on or off). */
  const fetchValue = async <T>(req: GetRequest<T>, nullOn404: boolean) => {
    const value = nullOn404 ? await inner.getOrNull(req) : await inner.get(req);
    stamp(value, now());
    return value;
  };

  /** One upstream call whose answer is shared: frozen and sized for the store. */
  const fetchEntry = async <T>(req: GetRequest<T>, nullOn404: boolean): Promise<CacheEntry> => {
    const value = nullOn404 ? await inner.getOrNull(req) : await inner.get(req);
    const fetchedAt = now();
    share(value, fetchedAt);
    return { value, fetchedAt, bytes: value === null ? 4 : JSON.stringify(value).length };
  };

  /**
   * One upstream call per key at a time (per replica, and across replicas while the store holds
   * claims); the result is stored unless an eviction intervened. `newerThan` is the fetch time of
   * the entry being replaced: only a newer one from another replica ends the wait.
   */
  const flight = <T>(
    key: string,
    req: GetRequest<T>,
    nullOn404: boolean,
    scope: UpstreamScope,
    newerThan = Number.NEGATIVE_INFINITY,
  ) => {
    const flightKey = flightKeyOf(key, nullOn404);
    const existing = flights.get(flightKey);
    if (existing) return { flight: existing, joined: true };
    const startedIn = generation;
    const run = async (): Promise<CacheEntry> => {
      const ours = await claim(flightKey);
      if (ours !== undefined) {
        // Claimed: another replica may have stored the entry just before; else wait for its call.
        const peer = ours
          ? await newerEntry(key, nullOn404, newerThan)
          : await peerEntry(key, flightKey, nullOn404, newerThan, req.scope.signal);
        if (peer) {
          stats.add(upstream, req.route, 'coalesced');
          if (ours && store.release) void store.release(flightKey);
          return peer;
        }
      }
      try {
        const entry = await fetchEntry({ ...req, scope }, nullOn404);
        if (startedIn === generation) await store.set(key, entry, retainMs(entry));
        return entry;
      } finally {
        if (ours === true && store.release) void store.release(flightKey);
      }
    };
    const promise = run();
    const created: Flight = { promise };
    flights.set(flightKey, created);
    promise.then(
      () => flights.delete(flightKey),
      () => flights.delete(flightKey),
    );
    return { flight: created, joined: false };
  };

  const peerWaitMs = options.peerWaitMs ?? 0;
  /** undefined without cross-replica claims; else whether this replica makes the call. */
  const claim = async (flightKey: string): Promise<boolean | undefined> =>
    !store.claim || peerWaitMs <= 0 ? undefined : await store.claim(flightKey, peerWaitMs);

  const newerEntry = async (key: string, nullOn404: boolean, newerThan: number) => {
    const entry = await store.get(key);
    if (!entry || entry.fetchedAt <= newerThan || (!nullOn404 && entry.value === null)) return;
    share(entry.value, entry.fetchedAt);
    return entry;
  };

  /** Polls for another replica's entry until it lands, its claim ends, or `peerWaitMs` passes. */
  const peerEntry = async (
    key: string,
    flightKey: string,
    nullOn404: boolean,
    newerThan: number,
    signal: AbortSignal | undefined,
  ): Promise<CacheEntry | undefined> => {
    const until = performance.now() + peerWaitMs;
    for (let last = false; ; ) {
      const entry = await newerEntry(key, nullOn404, newerThan);
      if (entry) return entry;
      if (last || signal?.aborted || performance.now() >= until) return undefined;
      // One more look after the claim ends: the entry is stored before the claim is released.
      last = !(await store.claimed?.(flightKey));
      if (!last) await new Promise((resolve) => setTimeout(resolve, PEER_POLL_MS));
    }
  };

  const retainMs = (entry: CacheEntry) =>
    entry.value === null
      ? Math.min(ttlMs, NOT_FOUND_TTL_MS)
      : ttlMs + Math.max(options.staleWhileRevalidateMs, options.staleIfErrorMs);

  const refresh = <T>(key: string, req: GetRequest<T>, nullOn404: boolean, newerThan: number) => {
    const { flight: f, joined } = flight(
      key,
      req,
      nullOn404,
      backgroundScope(req.scope),
      newerThan,
    );
    if (joined) return;
    f.promise.then(
      () => stats.add(upstream, req.route, 'refresh', 'ok'),
      () => stats.add(upstream, req.route, 'refresh', 'failed'),
    );
  };

  const serveStale = <T>(
    req: GetRequest<T>,
    entry: CacheEntry,
    reason: 'revalidate' | 'error' | 'budget',
    error?: UpstreamError,
  ) => {
    stats.add(upstream, req.route, 'stale', reason);
    traceServed(req, 'stale');
    if (reason !== 'revalidate') {
      const ageS = Math.round((now() - entry.fetchedAt) / 1000);
      logger.warn(
        { upstream, route: req.route, ageS, reason, code: error?.code },
        `${upstream} GET ${req.path}: served a stale answer fetched ${ageS}s ago (${
          error ? error.message : 'budget pacing: refresh deferred'
        })`,
      );
    }
    return entry.value;
  };

  async function cached<T>(req: GetRequest<T>, nullOn404: boolean): Promise<T | null> {
    const key = keyer.key(upstream, req);
    let entry = await store.get(key);
    if (entry && entry.value === null && !nullOn404) entry = undefined;
    if (entry) share(entry.value, entry.fetchedAt);
    const age = entry ? now() - entry.fetchedAt : 0;
    const freshFor = Math.min(
      entry?.value === null ? Math.min(ttlMs, NOT_FOUND_TTL_MS) : ttlMs,
      req.scope.maxAgeMs ?? Number.POSITIVE_INFINITY,
    );
    if (entry && age < freshFor) {
      stats.add(upstream, req.route, 'hit');
      traceServed(req, 'hit');
      return entry.value as T | null;
    }
    const stale =
      entry && entry.value !== null && age < ttlMs + options.staleIfErrorMs ? entry : undefined;
    if (stale) {
      const refreshing = flights.has(flightKeyOf(key, nullOn404));
      const mayRefresh = refreshing || !options.pace || options.pace.allowRefresh();
      // A read with maxAgeMs waits for the refetch (stale-if-error still stands in).
      if (age < ttlMs + options.staleWhileRevalidateMs && req.scope.maxAgeMs === undefined) {
        if (mayRefresh) refresh(key, req, nullOn404, stale.fetchedAt);
        return serveStale(req, stale, mayRefresh ? 'revalidate' : 'budget') as T;
      }
      if (!mayRefresh) return serveStale(req, stale, 'budget') as T;
    }
    stats.add(upstream, req.route, 'miss');
    const { flight: f, joined } = flight(
      key,
      req,
      nullOn404,
      leaderScope(req.scope),
      entry?.fetchedAt,
    );
    if (joined) {
      stats.add(upstream, req.route, 'coalesced');
      const observer = req.scope.onCallStart?.({ ...callOf(req), cache: 'coalesced' });
      const started = now();
      const end = (errorCode?: string) =>
        observer?.end({
          ...callOf(req),
          status: undefined,
          durationMs: now() - started,
          errorCode,
          attempts: 0,
        });
      f.promise.then(
        () => end(),
        (error: unknown) => end((error as UpstreamError).code ?? 'UPSTREAM_UNAVAILABLE'),
      );
    }
    try {
      return (await untilAborted(f.promise, req, upstream)).value as T | null;
    } catch (error) {
      if (stale && servesStale(error)) return serveStale(req, stale, 'error', error) as T;
      throw error;
    }
  }

  const callOf = (req: GetRequest<unknown>) => ({ upstream, method: 'GET', route: req.route });

  /** An answer served without an upstream call still shows in the request's trace. */
  const traceServed = (req: GetRequest<unknown>, cache: 'hit' | 'stale') =>
    req.scope.onCallStart?.({ ...callOf(req), cache }).end({
      ...callOf(req),
      status: undefined,
      durationMs: 0,
      errorCode: undefined,
      attempts: 0,
    });

  const evict = async (prefix: string, who?: { authorization: string | undefined }) => {
    generation += 1;
    const scope =
      who === undefined
        ? undefined
        : upstream === 'wickson'
          ? 'shared'
          : keyer.scopeOf(who.authorization);
    return store.evict({ prefix: pathKey(upstream, prefix), ...(scope ? { scope } : {}) });
  };

  return {
    ...inner,
    get: <T>(req: GetRequest<T>) =>
      (ttlMs > 0 ? cached(req, false) : fetchValue(req, false)) as Promise<T>,
    getOrNull: <T>(req: GetRequest<T>) =>
      (ttlMs > 0 ? cached(req, true) : fetchValue(req, true)) as Promise<T | null>,
    health: () => inner.health(),
    evictPath: (path, who) => evict(`${path}?`, who),
    evictPrefix: (prefix, who) => evict(prefix, who),
  };
}

const flightKeyOf = (key: string, nullOn404: boolean) => (nullOn404 ? `${key}\0n` : key);

/** The leader of a shared call reports it to its own request, but no caller's abort cancels it. */
function leaderScope(scope: UpstreamScope): UpstreamScope {
  const onCallStart = scope.onCallStart;
  return {
    ...scope,
    signal: undefined,
    ...(onCallStart ? { onCallStart: (call) => onCallStart({ ...call, cache: 'miss' }) } : {}),
  };
}

/** A background refresh belongs to no request: no abort, no ledger entry. */
function backgroundScope(scope: UpstreamScope): UpstreamScope {
  return { ...scope, signal: undefined, onCall: undefined, onCallStart: undefined };
}

function servesStale(error: unknown): error is UpstreamError {
  return (
    error instanceof UpstreamUnavailableError ||
    error instanceof UpstreamTimeoutError ||
    error instanceof RateLimitedError ||
    error instanceof UpstreamBadResponseError
  );
}

/** Waits for a shared call, or gives up as the caller's own signal aborts. */
function untilAborted<T>(
  promise: Promise<T>,
  req: GetRequest<unknown>,
  upstream: UpstreamName,
): Promise<T> {
  const signal = req.scope.signal;
  if (!signal) return promise;
  const info = { upstream, method: 'GET', path: req.path };
  if (signal.aborted) return Promise.reject(new UpstreamTimeoutError(info, 'was aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new UpstreamTimeoutError(info, 'was aborted while waiting'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
