/**
 * Retry helpers: full-jitter backoff, an abortable sleep, and a per-upstream retry budget modelled
 * on tower's `Budget` (what Apollo Router v1 used): retries in the last 10 s may not exceed
 * `ratio` × requests in the same window plus a small floor, so a failing upstream sees no storm.
 */
import { setTimeout as delay } from 'node:timers/promises';

export const RETRY_MIN_MS = 50;
export const RETRY_MAX_MS = 250;

/** Full jitter between 50 and 250 ms. */
export function retryBackoffMs(random: () => number = Math.random): number {
  return RETRY_MIN_MS + Math.floor(random() * (RETRY_MAX_MS - RETRY_MIN_MS));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

export interface RetryBudget {
  /** Call once per logical call (its first attempt). */
  recordRequest(): void;
  /** Withdraws one retry if the budget allows it. */
  tryRetry(): boolean;
}

interface Bucket {
  second: number;
  requests: number;
  retries: number;
}

export function createRetryBudget(options: {
  ratio: number;
  /** Retries always allowed per window, so a quiet upstream can still retry. */
  minRetries?: number;
  windowMs?: number;
  now: () => number;
}): RetryBudget {
  const minRetries = options.minRetries ?? 3;
  const seconds = Math.max(1, Math.round((options.windowMs ?? 10_000) / 1000));
  const buckets: Bucket[] = Array.from({ length: seconds }, () => ({
    second: -1,
    requests: 0,
    retries: 0,
  }));

  const current = (): Bucket => {
    const second = Math.floor(options.now() / 1000);
    const bucket = buckets[second % seconds]!;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.retries = 0;
    }
    return bucket;
  };
  const totals = () => {
    const oldest = Math.floor(options.now() / 1000) - seconds + 1;
    let requests = 0;
    let retries = 0;
    for (const b of buckets) {
      if (b.second >= oldest) {
        requests += b.requests;
        retries += b.retries;
      }
    }
    return { requests, retries };
  };

  return {
    recordRequest() {
      current().requests += 1;
    },
    tryRetry() {
      const { requests, retries } = totals();
      if (retries >= minRetries + options.ratio * requests) return false;
      current().retries += 1;
      return true;
    },
  };
}
