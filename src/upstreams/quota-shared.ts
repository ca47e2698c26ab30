/**
 * The Wickson quota guard of replicas sharing Redis: one counter for all of them, so together they
 * never spend more than `hourlyBudget` in any 60 minutes. Each attempt runs one Lua script
 * (atomic): per-minute bucket keys, the last 60 summed, the current one incremented only when the
 * sum is under the budget. An upstream block (429, `X-RateLimit-Remaining: 0`) is shared too, with
 * one probe per `probeEveryMs` for all replicas, and at most `maxBlockMs` long.
 *
 * Redis down or slow (REDIS_TIMEOUT_MS): the replica falls back to its own share
 * (REDIS_QUOTA_LOCAL_SHARE of the budget, counted locally), and for the first hour of the outage
 * also to that share of what was left when it last heard from Redis; never unlimited. The calls it
 * made meanwhile are added to the shared counter when Redis answers again.
 */
import { createRedisAvailability, type Redis } from '../redis.ts';
import { createQuotaGuard, type QuotaGate, type QuotaUsage } from './quota.ts';
import { type Headers, header, parseResetMs } from './rate-limit.ts';

const MINUTE = 60_000;
const BUCKETS = 60;
const HOUR = BUCKETS * MINUTE;
/** A stale `usage()` is refreshed in the background after this long. */
const USAGE_REFRESH_MS = 1_000;

// KEYS: 60 bucket keys (current minute first), block key, next-probe key. Times are the callers'
// clocks (ARGV), expiries only clean up.
// ARGV: now, budget, ignoreBlock, probeEveryMs, peek, carried-over calls, bucket expiry ms.
// Returns { allowed, waitMs, used in the hour, used this minute, blocked until }.
const TAKE = `
local now = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local carried = tonumber(ARGV[6])
if carried > 0 then
  redis.call('INCRBY', KEYS[1], carried)
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
end
local blocked = tonumber(redis.call('GET', KEYS[61]) or '0')
local counts = redis.call('MGET', unpack(KEYS, 1, 60))
local used = 0
local oldest = 0
for i = 1, 60 do
  local n = tonumber(counts[i] or '0')
  used = used + n
  if n > 0 then oldest = i - 1 end
end
local current = tonumber(counts[1] or '0')
if ARGV[5] == '1' then return {0, 0, used, current, blocked} end
if ARGV[3] ~= '1' and blocked > now then
  if now < tonumber(redis.call('GET', KEYS[62]) or '0') then
    return {0, blocked - now, used, current, blocked}
  end
  redis.call('SET', KEYS[62], now + tonumber(ARGV[4]), 'PX', ARGV[7])
end
if used >= budget then
  local minute = math.floor(now / 60000)
  local free = (minute - oldest + 60) * 60000 - now
  return {0, math.max(1, free), used, current, blocked}
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {1, 0, used + 1, current + 1, blocked}
`;

// KEYS: block key, next-probe key. ARGV: blocked until, block ms, next probe at (Unix ms).
const BLOCK = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1
`;

// KEYS: one bucket key.
const REFUND = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

export interface SharedQuotaGuard extends QuotaGate {
  take(options?: { ignoreBlock?: boolean }): Promise<number>;
  /** Whether the last attempt to reach Redis succeeded. */
  up(): boolean;
}

export function createSharedQuotaGuard(options: {
  redis: Redis;
  /** REDIS_KEY_PREFIX; the keys are `{prefix}quota:wickson:…`. */
  keyPrefix: string;
  hourlyBudget: number;
  /** REDIS_QUOTA_LOCAL_SHARE. */
  localShare: number;
  now: () => number;
  maxBlockMs?: number;
  probeEveryMs?: number;
}): SharedQuotaGuard {
  const { redis, hourlyBudget, now } = options;
  const maxBlockMs = options.maxBlockMs ?? HOUR;
  const probeEveryMs = options.probeEveryMs ?? MINUTE;
  const base = `${options.keyPrefix}quota:wickson:`;
  const blockKey = `${base}blocked-until`;
  const probeKey = `${base}probe`;
  const localBudget = Math.max(1, Math.floor(hourlyBudget * options.localShare));
  const local = createQuotaGuard({ hourlyBudget: localBudget, now, maxBlockMs, probeEveryMs });

  const redisUp = createRedisAvailability(redis);
  let snapshot = { minute: -1, hour: 0, current: 0, blockedUntil: 0, at: -Infinity };
  let outage: { since: number; allowance: number; spent: number } | undefined;
  /** Calls made during an outage, added to the shared counter on the next script run. */
  let carried = 0;
  let lastTakeWentTo: 'redis' | 'local' | undefined;
  let lastTakeMinute = -1;
  let refreshing = false;

  const bucketKeys = (minute: number) =>
    Array.from({ length: BUCKETS }, (_, i) => `${base}${minute - i}`);

  /** undefined when Redis did not answer (or is skipped after a recent failure). */
  async function runTake(at: number, ignoreBlock: boolean, peek: boolean) {
    const minute = Math.floor(at / MINUTE);
    // Taken out before the await, so a concurrent run does not send the same calls again.
    const sending = carried;
    carried = 0;
    const ran = await redisUp.run(() =>
      redis.eval(
        TAKE,
        BUCKETS + 2,
        ...bucketKeys(minute),
        blockKey,
        probeKey,
        at,
        hourlyBudget,
        ignoreBlock ? 1 : 0,
        probeEveryMs,
        peek ? 1 : 0,
        sending,
        HOUR + MINUTE,
      ),
    );
    if (!ran) {
      carried += sending;
      return undefined;
    }
    outage = undefined;
    const reply = (ran.value as unknown[]).map(Number);
    const [allowed = 0, waitMs = 0, hour = 0, current = 0, blockedUntil = 0] = reply;
    snapshot = { minute, hour, current, blockedUntil, at };
    return { allowed: allowed === 1, waitMs };
  }

  function takeLocally(at: number, ignoreBlock: boolean): number {
    if (!outage) {
      const remaining = Math.max(0, hourlyBudget - snapshot.hour);
      outage = { since: at, allowance: Math.floor(remaining * options.localShare), spent: 0 };
    }
    if (at - outage.since < HOUR && outage.spent >= outage.allowance) return MINUTE;
    const waitMs = local.take({ ignoreBlock });
    if (waitMs === 0) {
      outage.spent += 1;
      carried += 1;
    }
    return waitMs;
  }

  const blockedUntil = () => {
    const until = Math.max(snapshot.blockedUntil, local.blockedUntil() ?? 0);
    return until > now() ? until : undefined;
  };

  const guard: SharedQuotaGuard = {
    async take(takeOptions) {
      const at = now();
      const ignoreBlock = takeOptions?.ignoreBlock === true;
      lastTakeMinute = Math.floor(at / MINUTE);
      const shared = await runTake(at, ignoreBlock, false);
      if (shared) {
        lastTakeWentTo = shared.allowed ? 'redis' : undefined;
        return shared.allowed ? 0 : shared.waitMs;
      }
      const waitMs = takeLocally(at, ignoreBlock);
      lastTakeWentTo = waitMs === 0 ? 'local' : undefined;
      return waitMs;
    },
    refund() {
      const went = lastTakeWentTo;
      lastTakeWentTo = undefined;
      if (went === 'local') {
        local.refund();
        if (outage && outage.spent > 0) outage.spent -= 1;
        if (carried > 0) carried -= 1;
      } else if (went === 'redis') {
        if (snapshot.hour > 0) snapshot.hour -= 1;
        void redisUp.run(() => redis.eval(REFUND, 1, `${base}${lastTakeMinute}`));
      }
    },
    observe(headers: Headers, status?: number) {
      const remaining = header(headers, 'x-ratelimit-remaining')?.trim();
      if (remaining === undefined && status !== undefined && status < 300) return unblock();
      if (remaining === undefined || !/^\d+$/.test(remaining)) return;
      if (remaining !== '0') return unblock();
      guard.blockFor(parseResetMs(header(headers, 'x-ratelimit-reset'), now()) ?? MINUTE);
    },
    blockFor(ms) {
      const at = now();
      const blockMs = Math.max(1, Math.min(ms, maxBlockMs));
      local.blockFor(blockMs);
      snapshot.blockedUntil = Math.max(snapshot.blockedUntil, at + blockMs);
      redis;
      void redisUp.run(() =>
        redis.eval(BLOCK, 2, blockKey, probeKey, at + blockMs, blockMs, at + probeEveryMs),
      );
    },
    blockedUntil,
    usage(): QuotaUsage {
      if (!redisUp.up()) {
        const own = local.usage();
        const left = outage ? Math.max(0, outage.allowance - outage.spent) : own.remaining;
        return { ...own, remaining: Math.min(own.remaining, left) };
      }
      const at = now();
      if (at - snapshot.at > USAGE_REFRESH_MS && !refreshing) {
        refreshing = true;
        void runTake(at, false, true).finally(() => {
          refreshing = false;
        });
      }
      const minute = Math.floor(at / MINUTE);
      return {
        hour: snapshot.hour,
        minute: snapshot.minute === minute ? snapshot.current : 0,
        remaining: blockedUntil() ? 0 : Math.max(0, hourlyBudget - snapshot.hour),
      };
    },
    up: () => redisUp.up(),
  };

  function unblock(): void {
    local.observe({ 'x-ratelimit-remaining': '1' });
    if (snapshot.blockedUntil === 0) return;
    snapshot.blockedUntil = 0;
    void redisUp.run(() => redis.del(blockKey));
  }

  return guard;
}
