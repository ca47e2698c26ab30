/**
 * Which replica polls a topic: the one holding its lease in Redis (`SET NX PX`, renewed by its
 * holder at every poll, released when its last watcher leaves). If the holder dies the lease
 * expires and the next replica to look takes it. Without Redis this process always holds it; when
 * Redis does not answer, each replica polls for its own watchers until it answers again.
 */
import type { Redis } from '../redis.ts';

export interface Lease {
  /** true: this replica holds it now (taken or renewed); false: another does; undefined: no answer. */
  hold(key: string, ms: number): Promise<boolean | undefined>;
  /** Gives it up if this replica holds it. */
  release(key: string): Promise<void>;
}

export const soleLease: Lease = {
  hold: async () => true,
  release: async () => {},
};

const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisLease(redis: Redis, replica: string): Lease {
  return {
    async hold(key, ms) {
      try {
        return (await redis.eval(HOLD, 1, key, replica, Math.ceil(ms))) === 1;
      } catch {
        return undefined;
      }
    },
    async release(key) {
      try {
        await redis.eval(RELEASE, 1, key, replica);
      } catch {
        // It expires on its own.
      }
    },
  };
}
