/**
 * The runtime cap of one GraphQL request: at most `limit` upstream calls start, whatever the
 * prediction said, so a prediction error can never turn into a flood. Counts the calls that
 * reached each upstream (the `actual` of `extensions.cost`); a cache hit never gets here. A
 * per-client limit may also cap one upstream's calls (`capUpstream`): past it, `refuse` answers
 * the seconds to wait instead of letting the call start.
 */
import type { UpstreamName } from './errors.ts';
import type { CallRecord } from './types.ts';

export type UpstreamCounts = Record<UpstreamName, number>;

export interface CallBudget {
  readonly limit: number;
  /** Set before execution by the cost check. */
  predicted: UpstreamCounts;
  /** Calls that reached each upstream so far. */
  readonly actual: UpstreamCounts;
  /** Admits one call, or false once `limit` calls have started. */
  admit(upstream: UpstreamName): boolean;
  /** Counts a finished call that reached its upstream. */
  record(call: CallRecord): void;
  /** At most `calls` more calls to `upstream`; past them, `refuse` answers `retryAfterSeconds`. */
  capUpstream(upstream: UpstreamName, calls: number, retryAfterSeconds: number): void;
  /** Seconds to wait when the upstream's cap is reached, else undefined (and counts the call). */
  refuse(upstream: UpstreamName): number | undefined;
}

export function createCallBudget(limit: number): CallBudget {
  let started = 0;
  const actual: UpstreamCounts = { beluga: 0, wickson: 0 };
  const caps: Partial<Record<UpstreamName, { left: number; retryAfterSeconds: number }>> = {};
  return {
    limit,
    predicted: { beluga: 0, wickson: 0 },
    actual,
    admit() {
      if (started >= limit) return false;
      started += 1;
      return true;
    },
    record(call) {
      if (call.attempts > 0) actual[call.upstream] += 1;
    },
    capUpstream(upstream, calls, retryAfterSeconds) {
      caps[upstream] = { left: calls, retryAfterSeconds };
    },
    refuse(upstream) {
      const cap = caps[upstream];
      if (!cap) return undefined;
      if (cap.left <= 0) return cap.retryAfterSeconds;
      cap.left -= 1;
      return undefined;
    },
  };
}
