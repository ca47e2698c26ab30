/**
 * Wickson's 1,000 requests/hour are shared by every user of the gateway. The guard refuses a
 * call before it leaves when (a) the upstream said the budget is spent (`X-RateLimit-Remaining:
 * 0`, or a 429) until its reset time, or (b) the gateway's own hourly budget is used up. The local
 * budget counts every attempt in one-minute buckets over the last 60 minutes, so it never allows
 * more than `hourlyBudget` in any hour. An upstream block lasts at most `maxBlockMs` (Wickson's
 * window), and while it lasts one probe per `probeEveryMs` goes through: its answer ends the
 * block early when the upstream accepts calls again.
 */
import { type Headers, header, parseResetMs } from './rate-limit.ts';

export interface QuotaGuard {
  /** Milliseconds until calls may go out again, or 0 when this attempt may go (and is counted). */
  take(options?: { ignoreBlock?: boolean }): number;
  /** Gives back the last `take` when the attempt never left (e.g. the breaker refused it). */
  refund(): void;
  /** Reads `X-RateLimit-Remaining/Reset` from a non-429 response; a success without them unblocks. */
  observe(headers: Headers, status?: number): void;
  /** Refuse every call (but the probes) until `now + ms`, at most `maxBlockMs`. */
  blockFor(ms: number): void;
  blockedUntil(): number | undefined;
  /** Calls counted in the last hour and in the current minute; what is left of the budget. */
  usage(): QuotaUsage;
}

/** What the HTTP layer needs of a guard: local (`QuotaGuard`) or shared on Redis (quota-shared.ts). */
export interface QuotaGate extends Omit<QuotaGuard, 'take'> {
  take(options?: { ignoreBlock?: boolean }): number | Promise<number>;
}

export interface QuotaUsage {
  hour: number;
  minute: number;
  remaining: number;
}

const MINUTE = 60_000;
const BUCKETS = 60;

export function createQuotaGuard(options: {
  hourlyBudget: number;
  now: () => number;
  maxBlockMs?: number;
  probeEveryMs?: number;
}): QuotaGuard {
  const { now, hourlyBudget } = options;
  const maxBlockMs = options.maxBlockMs ?? BUCKETS * MINUTE;
  const probeEveryMs = options.probeEveryMs ?? MINUTE;
  const buckets = Array.from({ length: BUCKETS }, () => ({ minute: -1, count: 0 }));
  let blockedUntil = 0;
  let nextProbeAt = 0;

  const used = (minute: number) => {
    let total = 0;
    for (const b of buckets) if (b.minute > minute - BUCKETS) total += b.count;
    return total;
  };
  /** When the oldest counted bucket leaves the window. */
  const nextFree = (minute: number) => {
    let oldest = minute;
    for (const b of buckets)
      if (b.count > 0 && b.minute > minute - BUCKETS) oldest = Math.min(oldest, b.minute);
    return (oldest + BUCKETS) * MINUTE;
  };

  const guard: QuotaGuard = {
    take(takeOptions) {
      const at = now();
      if (!takeOptions?.ignoreBlock && at < blockedUntil) {
        if (at < nextProbeAt) return blockedUntil - at;
        nextProbeAt = at + probeEveryMs;
      }
      const minute = Math.floor(at / MINUTE);
      if (used(minute) >= hourlyBudget) return Math.max(1, nextFree(minute) - at);
      const bucket = buckets[minute % BUCKETS]!;
      if (bucket.minute !== minute) {
        bucket.minute = minute;
        bucket.count = 0;
      }
      bucket.count += 1;
      return 0;
    },
    refund() {
      const bucket = buckets[Math.floor(now() / MINUTE) % BUCKETS]!;
      if (bucket.count > 0) bucket.count -= 1;
    },
    observe(headers, status) {
      const remaining = header(headers, 'x-ratelimit-remaining')?.trim();
      if (remaining === undefined && status !== undefined && status < 300) blockedUntil = 0;
      if (remaining === undefined || !/^\d+$/.test(remaining)) return;
      if (remaining !== '0') {
        // A fresh answer with budget left: the upstream is accepting calls again.
        blockedUntil = 0;
        return;
      }
      const resetMs = parseResetMs(header(headers, 'x-ratelimit-reset'), now());
      guard.blockFor(resetMs ?? MINUTE);
    },
    blockFor(ms) {
      const at = now();
      blockedUntil = Math.max(blockedUntil, at + Math.min(ms, maxBlockMs));
      nextProbeAt = at + probeEveryMs;
    },
    blockedUntil: () => (blockedUntil > now() ? blockedUntil : undefined),
    usage() {
      const minute = Math.floor(now() / MINUTE);
      const hour = used(minute);
      const current = buckets[minute % BUCKETS]!;
      const blocked = blockedUntil > now();
      return {
        hour,
        minute: current.minute === minute ? current.count : 0,
        remaining: blocked ? 0 : Math.max(0, hourlyBudget - hour),
      };
    },
  };
  return guard;
}
