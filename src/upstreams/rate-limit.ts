/**
 * Reading how long a 429 asks us to wait. Sources, first usable wins: `Retry-After` (seconds or
 * an HTTP-date), `X-RateLimit-Reset` (Unix seconds, Wickson), the flat Wickson body's
 * `details.reset_time` (Unix seconds). Garbage is ignored: the result is a finite number of
 * milliseconds ≥ 0, or undefined.
 */
export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only accept something that looks like an HTTP-date, not any string Date.parse tolerates.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed))
    return undefined;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

export function parseResetMs(value: unknown, nowMs: number): number | undefined {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value.trim())
        ? Number(value.trim())
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.max(0, seconds * 1000 - nowMs);
}

/**
 * The longest wait an upstream may ask for, so one `Retry-After: 999999999` cannot block it until
 * restart. Wickson: its documented window (1,000 requests per hour). Beluga documents no limit
 * (DRF with no throttling): a 429 from something in front of it is trusted for one minute.
 */
export const RATE_LIMIT_WINDOW_MS = { beluga: 60_000, wickson: 3_600_000 } as const;

/** Milliseconds to wait before the upstream accepts calls again, if it told us, at most `maxMs`. */
export function rateLimitWaitMs(
  headers: Headers,
  bodyResetTime: unknown,
  nowMs: number,
  maxMs = Number.POSITIVE_INFINITY,
): number | undefined {
  const waitMs =
    parseRetryAfterMs(header(headers, 'retry-after'), nowMs) ??
    parseResetMs(header(headers, 'x-ratelimit-reset'), nowMs) ??
    parseResetMs(bodyResetTime, nowMs);
  return waitMs === undefined ? undefined : Math.min(waitMs, maxMs);
}

/** What `retryAfterSeconds` says when the upstream gave no usable hint. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

export function toRetryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
