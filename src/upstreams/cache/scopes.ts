/**
 * Whose call a shared upstream call is: the first request's (it sees the call in its trace and
 * ledger, but its disconnect cancels nothing for the others), or nobody's (a background refresh).
 * And how a request waits for a call it shares.
 */
import {
  RateLimitedError,
  UpstreamBadResponseError,
  type UpstreamError,
  type UpstreamName,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors.ts';
import type { GetRequest } from '../http.ts';
import type { UpstreamScope } from '../types.ts';

/** The leader of a shared call reports it to its own request, but no caller's abort cancels it. */
export function leaderScope(scope: UpstreamScope): UpstreamScope {
  const onCallStart = scope.onCallStart;
  return {
    ...scope,
    signal: undefined,
    ...(onCallStart ? { onCallStart: (call) => onCallStart({ ...call, cache: 'miss' }) } : {}),
  };
}

/** A background refresh belongs to no request: no abort, no ledger entry. */
export function backgroundScope(scope: UpstreamScope): UpstreamScope {
  return { ...scope, signal: undefined, onCall: undefined, onCallStart: undefined };
}

/** Failures a stale entry may paper over: the upstream's, never an auth failure or a 404. */
export function servesStale(error: unknown): error is UpstreamError {
  return (
    error instanceof UpstreamUnavailableError ||
    error instanceof UpstreamTimeoutError ||
    error instanceof RateLimitedError ||
    error instanceof UpstreamBadResponseError
  );
}

/** Waits for a shared call, or gives up as the caller's own signal aborts. */
export function untilAborted<T>(
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
