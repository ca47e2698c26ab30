/**
 * One poll of a topic by the replica holding its lease: a read with the watchers' credential
 * through the upstream clients (so through the shared cache: a query that fetched it within the
 * interval saves the call), judged by what subscribers can see. Authorization is checked by the
 * read itself: Beluga answers 401 for a revoked token and 404 for what the caller may no longer
 * see, and those end the topic's streams; other failures are transient and only slow the polls.
 */
import {
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  type UpstreamName,
} from '../upstreams/errors.ts';
import type { UpstreamScope } from '../upstreams/types.ts';
import { fingerprintOf, type Resource } from './resources.ts';
import type { LiveEnd, Snapshot, TopicSpec } from './types.ts';

export type PollOutcome =
  | { snapshot: Snapshot; calls: Record<UpstreamName, number> }
  | { end: LiveEnd; calls: Record<UpstreamName, number> }
  | { failed: true; calls: Record<UpstreamName, number> };

/** Longest pause between polls while the upstream keeps failing. */
export const MAX_BACKOFF_MS = 60_000;

export function snapshotOf(resource: Resource, value: unknown, fetchedAt: number): Snapshot {
  return {
    value,
    fetchedAt,
    fingerprint: fingerprintOf(resource, value),
    final: resource.final(value),
  };
}

export async function pollOnce(
  resource: Resource,
  spec: TopicSpec,
  options: { intervalMs: number; timeoutMs: number; now: () => number },
): Promise<PollOutcome> {
  const calls: Record<UpstreamName, number> = { beluga: 0, wickson: 0 };
  const scope: UpstreamScope = {
    authorization: spec.authorization,
    credentialSource: spec.credentialSource,
    signal: AbortSignal.timeout(options.timeoutMs),
    requestId: undefined,
    onCall: (record) => {
      if (record.attempts > 0) calls[record.upstream] += 1;
    },
    ...(resource.fresh ? { maxAgeMs: options.intervalMs } : {}),
  };
  try {
    const value = await resource.read(spec.id, scope);
    if (value === null) return { end: { code: 'NOT_FOUND' }, calls };
    const fetchedAt = value.fetchedAt ?? options.now();
    return { snapshot: snapshotOf(resource, value, fetchedAt), calls };
  } catch (error) {
    if (
      error instanceof UnauthenticatedError ||
      error instanceof ForbiddenError ||
      error instanceof NotFoundError
    ) {
      return { end: { code: error.code }, calls };
    }
    return { failed: true, calls };
  }
}

/** The pause before the next poll after `failures` failed ones in a row. */
export function backoffMs(intervalMs: number, failures: number): number {
  return Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(failures, 6));
}
