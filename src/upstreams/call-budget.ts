/**
 * The runtime cap of one GraphQL request: at most `limit` upstream calls start, whatever the
 * prediction said, so a prediction error can never turn into a flood. Counts the calls that
 * reached each upstream (the `actual` of `extensions.cost`); a cache hit never gets here.
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
}

export function createCallBudget(limit: number): CallBudget {
  let started = 0;
  const actual: UpstreamCounts = { beluga: 0, wickson: 0 };
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
  };
}
