/** Per-key hourly request budget, reported in X-RateLimit-* headers. */
const WINDOW_MS = 3_600_000;

export interface RateLimiter {
  /** Counts one request; `allowed` is false once the budget is spent. */
  take(key: string): { allowed: boolean; headers: Record<string, string> };
  peek(key: string | null): Record<string, string>;
  reset(): void;
}

export function createRateLimiter(limit: number, now: () => number = Date.now): RateLimiter {
  let windows = new Map<string, { start: number; used: number }>();
  const current = (key: string) => {
    const t = now();
    let window = windows.get(key);
    if (!window || t >= window.start + WINDOW_MS) {
      window = { start: t, used: 0 };
      windows.set(key, window);
    }
    return window;
  };
  const headers = (used: number, start: number) => ({
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - used)),
    'X-RateLimit-Reset': String(Math.ceil((start + WINDOW_MS) / 1000)),
  });
  return {
    take(key) {
      const window = current(key);
      if (window.used >= limit)
        return { allowed: false, headers: headers(window.used, window.start) };
      window.used += 1;
      return { allowed: true, headers: headers(window.used, window.start) };
    },
    peek(key) {
      if (key === null) return headers(0, now());
      const window = current(key);
      return headers(window.used, window.start);
    },
    reset() {
      windows = new Map();
    },
  };
}
