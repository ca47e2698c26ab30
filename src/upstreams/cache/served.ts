/**
 * How an answer served without an upstream call of its own shows up: in the cache counters, in
 * the request's trace (so its ledger still lists the read), and, for a stale answer served for
 * any reason but revalidation, in a warning with its age.
 */
import type { Logger } from 'pino';
import type { UpstreamError, UpstreamName } from '../errors.ts';
import type { GetRequest } from '../http.ts';
import type { CacheStats } from './stats.ts';
import type { CacheEntry } from './store.ts';

export interface ServedBy {
  upstream: UpstreamName;
  stats: CacheStats;
  logger: Logger;
  now: () => number;
}

export function serveStale<T>(
  cache: ServedBy,
  req: GetRequest<T>,
  entry: CacheEntry,
  reason: 'revalidate' | 'error' | 'budget',
  error?: UpstreamError,
): unknown {
  cache.stats.add(cache.upstream, req.route, 'stale', reason);
  traceServed(req, cache.upstream, 'stale');
  if (reason !== 'revalidate') {
    const ageS = Math.round((cache.now() - entry.fetchedAt) / 1000);
    cache.logger.warn(
      { upstream: cache.upstream, route: req.route, ageS, reason, code: error?.code },
      `${cache.upstream} GET ${req.path}: served a stale answer fetched ${ageS}s ago (${
        error ? error.message : 'budget pacing: refresh deferred'
      })`,
    );
  }
  return entry.value;
}

const callOf = (req: GetRequest<unknown>, upstream: UpstreamName) => ({
  upstream,
  method: 'GET',
  route: req.route,
});

/** An answer served without an upstream call still shows in the request's trace. */
export function traceServed(
  req: GetRequest<unknown>,
  upstream: UpstreamName,
  cache: 'hit' | 'stale',
) {
  const call = callOf(req, upstream);
  req.scope.onCallStart?.({ ...call, cache }).end({
    ...call,
    status: undefined,
    durationMs: 0,
    errorCode: undefined,
    attempts: 0,
  });
}

/** A request that joined another's call: counted, and traced until that call ends. */
export function traceJoined(cache: ServedBy, req: GetRequest<unknown>, promise: Promise<unknown>) {
  cache.stats.add(cache.upstream, req.route, 'coalesced');
  const call = callOf(req, cache.upstream);
  const observer = req.scope.onCallStart?.({ ...call, cache: 'coalesced' });
  if (!observer) return;
  const started = cache.now();
  const end = (errorCode?: string) =>
    observer.end({
      ...call,
      status: undefined,
      durationMs: cache.now() - started,
      errorCode,
      attempts: 0,
    });
  promise.then(
    () => end(),
    (error: unknown) => end((error as UpstreamError).code ?? 'UPSTREAM_UNAVAILABLE'),
  );
}
