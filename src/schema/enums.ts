import { builder } from './builder.ts';
import { COLLECTION_METHODS, JOB_STATUSES, JOB_TYPE_KEYS, MEDIA_TYPES } from './normalize/enums.ts';

export const CollectionSource = builder.enumType('CollectionSource', {
  description: 'The upstream service a collection lives in.',
  values: {
    BELUGA: { description: 'A capture set of the Beluga (Antenna) insect-monitoring platform.' },
    WICKSON: { description: 'A media collection of the Wickson media API.' },
  } as const,
});

const methodDescriptions: Record<(typeof COLLECTION_METHODS)[number], string> = {
  FULL: 'All captures matching the filters.',
  RANDOM: 'A random sample of `size` captures.',
  STRATIFIED_RANDOM: 'Stratified random sample (listed upstream, no sampler exists).',
  INTERVAL: 'One capture every `minute_interval` minutes per station.',
  MANUAL: 'Hand-picked captures.',
  STARRED: "The project's curated starred captures.",
  RANDOM_FROM_EACH_EVENT: '`num_each` random captures from each session.',
  LAST_AND_RANDOM_FROM_EACH_EVENT:
    'The last capture plus `num_each` random ones from each session.',
  GREATEST_FILE_SIZE_FROM_EACH_EVENT: 'The `num_each` largest captures of each session.',
  DETECTIONS_ONLY: 'Captures with at least one detection.',
  COMMON_COMBINED: 'Interval sampling with a maximum count (deprecated upstream).',
  UNKNOWN: 'A method the gateway does not know yet (the upstream added it later).',
};
export const CollectionMethod = builder.enumType('CollectionMethod', {
  description: 'How a Beluga capture set samples its captures.',
  values: Object.fromEntries(
    COLLECTION_METHODS.map((v) => [v, { description: methodDescriptions[v] }]),
  ) as Record<(typeof COLLECTION_METHODS)[number], { description: string }>,
});

const statusDescriptions: Record<(typeof JOB_STATUSES)[number], string> = {
  CREATED: 'Created, not yet queued.',
  PENDING: 'Queued for a worker.',
  STARTED: 'Running.',
  SUCCESS: 'Finished successfully (final).',
  FAILURE: 'Failed (final).',
  RETRY: 'Being retried.',
  CANCELING: 'Cancel requested.',
  REVOKED: 'Cancelled (final).',
  RECEIVED: 'Received by a worker.',
  UNKNOWN: 'Status unknown upstream, or a status the gateway does not know yet.',
};
export const JobStatus = builder.enumType('JobStatus', {
  description: 'State of a Beluga job (Celery-style states).',
  values: Object.fromEntries(
    JOB_STATUSES.map((v) => [v, { description: statusDescriptions[v] }]),
  ) as Record<(typeof JOB_STATUSES)[number], { description: string }>,
});

const typeDescriptions: Record<(typeof JOB_TYPE_KEYS)[number], string> = {
  ML: 'ML pipeline.',
  POPULATE_CAPTURES_COLLECTION: 'Populate capture set.',
  DATA_STORAGE_SYNC: 'Data storage sync.',
  REGROUP_EVENTS: 'Regroup sessions.',
  DATA_EXPORT: 'Data export.',
  POST_PROCESSING: 'Post processing.',
  UNKNOWN: 'Unknown type, or a type the gateway does not know yet.',
};
export const JobTypeKey = builder.enumType('JobTypeKey', {
  description: 'Kind of a Beluga job.',
  values: Object.fromEntries(
    JOB_TYPE_KEYS.map((v) => [v, { description: typeDescriptions[v] }]),
  ) as Record<(typeof JOB_TYPE_KEYS)[number], { description: string }>,
});

const mediaDescriptions: Record<(typeof MEDIA_TYPES)[number], string> = {
  DOCUMENT: 'Documents (PDF, text, …).',
  IMAGE: 'Images; every Beluga capture is an image.',
  VIDEO: 'Videos.',
  AUDIO: 'Audio recordings.',
  MODEL: '3D models.',
  OTHER: 'A media type the gateway does not know yet.',
};
export const MediaType = builder.enumType('MediaType', {
  description: 'Kind of media in a collection.',
  values: Object.fromEntries(
    MEDIA_TYPES.map((v) => [v, { description: mediaDescriptions[v] }]),
  ) as Record<(typeof MEDIA_TYPES)[number], { description: string }>,
});
