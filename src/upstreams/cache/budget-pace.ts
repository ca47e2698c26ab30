/**
 * Wickson budget pacing for refreshes a stale answer could serve. Refreshes may spend at most
 * the budget less the reserve, spread evenly: (budget − reserve) / 60 per minute, counting every
 * call this minute (misses too, and other replicas' when the counter is on Redis). Once only the
 * reserve is left, no refresh goes out: the reserve is for keys the cache has never seen.
 */
import type { QuotaUsage } from '../quota.ts';
import type { RefreshPace } from './cached-http.ts';

const MINUTE = 60_000;

export function createBudgetPace(options: {
  hourlyBudget: number;
  /** Share of the budget kept for misses (WICKSON_BUDGET_RESERVE). */
  reserve: number;
  usage: () => QuotaUsage;
  now: () => number;
}): RefreshPace {
  const reserved = Math.max(1, Math.ceil(options.hourlyBudget * options.reserve));
  const perMinute = Math.max(1, Math.floor((options.hourlyBudget - reserved) / 60));
  let minute = -1;
  let started = 0;
  return {
    allowRefresh() {
      const current = Math.floor(options.now() / MINUTE);
      if (current !== minute) {
        minute = current;
        started = 0;
      }
      const usage = options.usage();
      if (usage.remaining <= reserved) return false;
      if (Math.max(usage.minute, started) >= perMinute) return false;
      started += 1;
      return true;
    },
  };
}
