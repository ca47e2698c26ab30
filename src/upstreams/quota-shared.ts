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
import { createQuotaGuard, type QuotaGate, type QuotaGuard, type QuotaUsage } from './quota.ts';
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

export interface SharedQuotaOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX; the keys are `{prefix}quota:wickson:…`. */
  keyPrefix: string;
  hourlyBudget: number;
  /** REDIS_QUOTA_LOCAL_SHARE. */
  localShare: number;
  now: () => number;
  maxBlockMs?: number;
  probeEveryMs?: number;
}

/** One guard's state: its settings, its local fallback, and what it last heard from Redis. */
interface Shared {
  redis: Redis;
  redisUp: ReturnType<typeof createRedisAvailability>;
  hourlyBudget: number;
  localShare: number;
  now: () => number;
  maxBlockMs: number;
  probeEveryMs: number;
  base: string;
  blockKey: string;
  probeKey: string;
  local: QuotaGuard;
  snapshot: { minute: number; hour: number; current: number; blockedUntil: number; at: number };
  outage: { since: number; allowance: number; spent: number } | undefined;
  /** Calls made during an outage, added to the shared counter on the next script run. */
  carried: number;
  lastTakeWentTo: 'redis' | 'local' | undefined;
  lastTakeMinute: number;
  refreshing: boolean;
}

export function createSharedQuotaGuard(options: SharedQuotaOptions): SharedQuotaGuard {
  const q = sharedState(options);
  const guard: SharedQuotaGuard = {
    take: (takeOptions) => take(q, takeOptions?.ignoreBlock === true),
    refund: () => refund(q),
    observe(headers: Headers, status?: number) {
      const remaining = header(headers, 'x-ratelimit-remaining')?.trim();
      if (remaining === undefined && status !== undefined && status < 300) return unblock(q);
      if (remaining === undefined || !/^\d+$/.test(remaining)) return;
      if (remaining !== '0') return unblock(q);
      guard.blockFor(parseResetMs(header(headers, 'x-ratelimit-reset'), q.now()) ?? MINUTE);
    },
    blockFor: (ms) => blockFor(q, ms),
    blockedUntil: () => blockedUntil(q),
    usage: () => usage(q),
    up: () => q.redisUp.up(),
  };
  return guard;
}

function sharedState(options: SharedQuotaOptions): Shared {
  const { hourlyBudget, now } = options;
  const maxBlockMs = options.maxBlockMs ?? HOUR;
  const probeEveryMs = options.probeEveryMs ?? MINUTE;
  const base = `${options.keyPrefix}quota:wickson:`;
  const localBudget = Math.max(1, Math.floor(hourlyBudget * options.localShare));
  return {
    redis: options.redis,
    redisUp: createRedisAvailability(options.redis),
    hourlyBudget,
    localShare: options.localShare,
    now,
    maxBlockMs,
    probeEveryMs,
    base,
    blockKey: `${base}blocked-until`,
    probeKey: `${base}probe`,
    local: createQuotaGuard({ hourlyBudget: localBudget, now, maxBlockMs, probeEveryMs }),
    snapshot: { minute: -1, hour: 0, current: 0, blockedUntil: 0, at: -Infinity },
    outage: undefined,
    carried: 0,
    lastTakeWentTo: undefined,
    lastTakeMinute: -1,
    refreshing: false,
  };
}

const bucketKeys = (q: Shared, minute: number) =>
  Array.from({ length: BUCKETS }, (_, i) => `${q.base}${minute - i}`);

/** The TAKE script on Redis; undefined when Redis did not answer (or is skipped after a failure). */
async function runTake(q: Shared, at: number, ignoreBlock: boolean, peek: boolean) {
  const minute = Math.floor(at / MINUTE);
  // Taken out before the await, so a concurrent run does not send the same calls again.
  const sending = q.carried;
  q.carried = 0;
  const ran = await q.redisUp.run(() =>
    q.redis.eval(
      TAKE,
      BUCKETS + 2,
      ...bucketKeys(q, minute),
      q.blockKey,
      q.probeKey,
      at,
      q.hourlyBudget,
      ignoreBlock ? 1 : 0,
      q.probeEveryMs,
      peek ? 1 : 0,
      sending,
      HOUR + MINUTE,
    ),
  );
  if (!ran) {
    q.carried += sending;
    return undefined;
  }
  q.outage = undefined;
  const reply = (ran.value as unknown[]).map(Number);
  const [allowed = 0, waitMs = 0, hour = 0, current = 0, blocked = 0] = reply;
  q.snapshot = { minute, hour, current, blockedUntil: blocked, at };
  return { allowed: allowed === 1, waitMs };
}

async function take(q: Shared, ignoreBlock: boolean): Promise<number> {
  const at = q.now();
  q.lastTakeMinute = Math.floor(at / MINUTE);
  const shared = await runTake(q, at, ignoreBlock, false);
  if (shared) {
    q.lastTakeWentTo = shared.allowed ? 'redis' : undefined;
    return shared.allowed ? 0 : shared.waitMs;
  }
  const waitMs = takeLocally(q, at, ignoreBlock);
  q.lastTakeWentTo = waitMs === 0 ? 'local' : undefined;
  return waitMs;
}

function takeLocally(q: Shared, at: number, ignoreBlock: boolean): number {
  if (!q.outage) {
    const remaining = Math.max(0, q.hourlyBudget - q.snapshot.hour);
    q.outage = { since: at, allowance: Math.floor(remaining * q.localShare), spent: 0 };
  }
  if (at - q.outage.since < HOUR && q.outage.spent >= q.outage.allowance) return MINUTE;
  const waitMs = q.local.take({ ignoreBlock });
  if (waitMs === 0) {
    q.outage.spent += 1;
    q.carried += 1;
  }
  return waitMs;
}

function refund(q: Shared): void {
  const went = q.lastTakeWentTo;
  q.lastTakeWentTo = undefined;
  if (went === 'local') {
    q.local.refund();
    if (q.outage && q.outage.spent > 0) q.outage.spent -= 1;
    if (q.carried > 0) q.carried -= 1;
  } else if (went === 'redis') {
    if (q.snapshot.hour > 0) q.snapshot.hour -= 1;
    void q.redisUp.run(() => q.redis.eval(REFUND, 1, `${q.base}${q.lastTakeMinute}`));
  }
}

function blockFor(q: Shared, ms: number): void {
  const at = q.now();
  const blockMs = Math.max(1, Math.min(ms, q.maxBlockMs));
  q.local.blockFor(blockMs);
  q.snapshot.blockedUntil = Math.max(q.snapshot.blockedUntil, at + blockMs);
  void q.redisUp.run(() =>
    q.redis.eval(BLOCK, 2, q.blockKey, q.probeKey, at + blockMs, blockMs, at + q.probeEveryMs),
  );
}

function blockedUntil(q: Shared): number | undefined {
  const until = Math.max(q.snapshot.blockedUntil, q.local.blockedUntil() ?? 0);
  return until > q.now() ? until : undefined;
}

function unblock(q: Shared): void {
  q.local.observe({ 'x-ratelimit-remaining': '1' });
  if (q.snapshot.blockedUntil === 0) return;
  q.snapshot.blockedUntil = 0;
  void q.redisUp.run(() => q.redis.del(q.blockKey));
}

/** The last counts heard from Redis (refreshed in the background), or the local fallback's. */
function usage(q: Shared): QuotaUsage {
  if (!q.redisUp.up()) {
    const own = q.local.usage();
    const left = q.outage ? Math.max(0, q.outage.allowance - q.outage.spent) : own.remaining;
    return { ...own, remaining: Math.min(own.remaining, left) };
  }
  const at = q.now();
  if (at - q.snapshot.at > USAGE_REFRESH_MS && !q.refreshing) {
    q.refreshing = true;
    void runTake(q, at, false, true).finally(() => {
      q.refreshing = false;
    });
  }
  const minute = Math.floor(at / MINUTE);
  return {
    hour: q.snapshot.hour,
    minute: q.snapshot.minute === minute ? q.snapshot.current : 0,
    remaining: blockedUntil(q) ? 0 : Math.max(0, q.hourlyBudget - q.snapshot.hour),
  };
}
