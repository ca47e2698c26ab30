/**
 * Per kind of topic: how one poll reads it, what subscribers can see of it (the fingerprint),
 * when it can no longer change, and how often to look. Job statuses are Antenna's `JobState`
 * (ami/jobs/models.py): final SUCCESS, FAILURE, REVOKED; queued CREATED, PENDING, RECEIVED.
 */
import { createHash } from 'node:crypto';
import type { CaptureSetDto, JobDto } from '../upstreams/beluga/schemas.ts';
import type { FetchedAt } from '../upstreams/fetched-at.ts';
import type { BelugaClient, UpstreamScope, WicksonClient } from '../upstreams/types.ts';
import type { CollectionDetailDataDto } from '../upstreams/wickson/schemas.ts';
import type { TopicKind } from './types.ts';

export const FINAL_JOB_STATUSES = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
const QUEUED_JOB_STATUSES = new Set(['CREATED', 'PENDING', 'RECEIVED']);

/** Poll intervals as multiples of JOB_POLL_INTERVAL_MS. */
export const INTERVALS = {
  /** A job waiting in the queue, or a capture set none of whose jobs runs. */
  queued: 4,
  idleSet: 10,
  /** Wickson collections: the shared cache and the budget pacer decide the real calls. */
  wickson: 30,
};

export interface Resource {
  /**
   * One read, through the upstream clients (so through the shared cache), with the time it was
   * fetched. Null: not visible.
   */
  read(id: string, scope: UpstreamScope): Promise<FetchedAt | null>;
  /** What subscribers can see, as a stable string. */
  visible(value: unknown): unknown;
  final(value: unknown): boolean;
  /** Milliseconds until the next poll, from the last value and JOB_POLL_INTERVAL_MS. */
  intervalMs(value: unknown, baseMs: number): number;
  /** Whether a poll wants an answer no older than its interval (Beluga) or the cache's TTL. */
  fresh: boolean;
}

export function createResources(clients: {
  beluga: BelugaClient;
  wickson: WicksonClient;
}): Record<TopicKind, Resource> {
  return {
    job: {
      read: (id, scope) => clients.beluga.getJob(Number(id), scope),
      visible: (value) => {
        const job = value as JobDto;
        return [job.status, job.finished_at, job.progress, job.name];
      },
      final: (value) => FINAL_JOB_STATUSES.has((value as JobDto).status),
      intervalMs: (value, base) =>
        QUEUED_JOB_STATUSES.has((value as JobDto).status) ? base * INTERVALS.queued : base,
      fresh: true,
    },
    captureSet: {
      read: (id, scope) => clients.beluga.getCaptureSet(Number(id), scope),
      visible: (value) => {
        const set = value as CaptureSetDto;
        return [
          set.name,
          set.description,
          set.method,
          set.kwargs,
          set.source_images_count,
          set.source_images_with_detections_count,
          set.source_images_processed_count,
          set.occurrences_count,
          set.taxa_count,
          set.jobs.map((job) => [job.id, job.status]),
        ];
      },
      final: () => false,
      intervalMs: (value, base) =>
        (value as CaptureSetDto).jobs.some((job) => !FINAL_JOB_STATUSES.has(job.status))
          ? base
          : base * INTERVALS.idleSet,
      fresh: true,
    },
    wicksonCollection: {
      read: (id, scope) => clients.wickson.getCollection(id, scope),
      visible: (value) => (value as CollectionDetailDataDto).stats,
      final: () => false,
      intervalMs: (_value, base) => base * INTERVALS.wickson,
      fresh: false,
    },
  };
}

/** A short hash of what subscribers can see. */
export function fingerprintOf(resource: Resource, value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(resource.visible(value)))
    .digest('base64url')
    .slice(0, 22);
}
