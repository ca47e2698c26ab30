/**
 * Upstream enum strings → GraphQL enum values. A value the upstream adds later maps to
 * UNKNOWN/OTHER and is logged once per process and value (not once per list item), so drift
 * never nulls the object that carries it.
 */
import type { Logger } from 'pino';

export const COLLECTION_METHODS = [
  'FULL',
  'RANDOM',
  'STRATIFIED_RANDOM',
  'INTERVAL',
  'MANUAL',
  'STARRED',
  'RANDOM_FROM_EACH_EVENT',
  'LAST_AND_RANDOM_FROM_EACH_EVENT',
  'GREATEST_FILE_SIZE_FROM_EACH_EVENT',
  'DETECTIONS_ONLY',
  'COMMON_COMBINED',
  'UNKNOWN',
] as const;
export type CollectionMethodValue = (typeof COLLECTION_METHODS)[number];

export const JOB_STATUSES = [
  'CREATED',
  'PENDING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'RETRY',
  'CANCELING',
  'REVOKED',
  'RECEIVED',
  'UNKNOWN',
] as const;
export type JobStatusValue = (typeof JOB_STATUSES)[number];

export const JOB_TYPE_KEYS = [
  'ML',
  'POPULATE_CAPTURES_COLLECTION',
  'DATA_STORAGE_SYNC',
  'REGROUP_EVENTS',
  'DATA_EXPORT',
  'POST_PROCESSING',
  'UNKNOWN',
] as const;
export type JobTypeKeyValue = (typeof JOB_TYPE_KEYS)[number];

export const MEDIA_TYPES = ['DOCUMENT', 'IMAGE', 'VIDEO', 'AUDIO', 'MODEL', 'OTHER'] as const;
export type MediaTypeValue = (typeof MEDIA_TYPES)[number];

/** Distinct unknown values remembered per kind; past this, further new values are not logged. */
const MAX_WARNED = 256;

/** `fallbackIsUpstream`: the fallback is also a value the upstream really sends (maps silently). */
function mapper<T extends string>(
  kind: string,
  values: readonly T[],
  fallback: T,
  fallbackIsUpstream = false,
) {
  const known = new Set<string>(fallbackIsUpstream ? values : values.filter((v) => v !== fallback));
  const warned = new Set<string>();
  return (upstream: string, logger: Logger): T => {
    const upper = upstream.toUpperCase();
    if (known.has(upper)) return upper as T;
    const value = upstream.slice(0, 64);
    if (!warned.has(value) && warned.size < MAX_WARNED) {
      warned.add(value);
      logger.warn({ kind, value }, `unknown upstream ${kind} mapped to ${fallback}`);
    }
    return fallback;
  };
}

export const toCollectionMethod = mapper('capture-set method', COLLECTION_METHODS, 'UNKNOWN');
// Beluga's job status `UNKNOWN` and job type `unknown` are real values (`ami/jobs/models.py`).
export const toJobStatus = mapper('job status', JOB_STATUSES, 'UNKNOWN', true);
export const toJobTypeKey = mapper('job type key', JOB_TYPE_KEYS, 'UNKNOWN', true);
export const toMediaType = mapper('media type', MEDIA_TYPES, 'OTHER');

/** GraphQL enum value → the upstream's spelling (filters sent upstream). */
export function toUpstream(value: string): string {
  return value.toLowerCase();
}
