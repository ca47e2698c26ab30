/**
 * Wire schemas for the Beluga (Antenna) payloads the gateway reads, as Antenna's serializers
 * (`ami/main/api/serializers.py`, `ami/jobs/serializers.py`) write them, sized to what the graph
 * reads: other keys (the hyperlinks `details` and `source_images`, …) are stripped (zod's default
 * for objects), which keeps them out of the parse, the request's memory and the shared cache.
 * Enum-like strings (method, status, job_type.key) stay plain strings here so a value the upstream
 * adds later does not fail the parse; the graph maps them to UNKNOWN/OTHER. Timestamps are naive
 * ISO-8601 in the server's local time; the graph converts them.
 */
import { z } from 'zod';
import type { FetchedAt } from '../fetched-at.ts';

const id = z.number().int();
const naiveDateTime = z.string();
const permissions = z.array(z.string());

/** DRF limit/offset page (Antenna's `LimitOffsetPaginationWithPermissions`). */
export function pageDto<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().int().nonnegative(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
    user_permissions: permissions.optional().default([]),
  });
}
export type PageDto<T> = {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
  user_permissions: string[];
};

export const JobTypeDto = z.object({ name: z.string(), key: z.string() });

/** JobStatus: the job summary embedded in capture sets (`JobStatusSerializer`). */
export const JobSummaryDto = z.object({
  id,
  status: z.string(),
  job_type: JobTypeDto,
  created_at: naiveDateTime,
  updated_at: naiveDateTime,
  user_permissions: permissions,
});
export type JobSummaryDto = z.infer<typeof JobSummaryDto>;

/**
 * Capture set (SourceImageCollection); list, detail and the writes' answers share this serializer
 * (`SourceImageCollectionSerializer`). The three capture counts are queryset annotations (Antenna
 * `ami/main/api/views.py` `SourceImageCollectionViewSet.queryset`); an instance the view did not
 * load through that queryset has none, and the model's fallback methods answer None: the 201 of a
 * create carries them as null. Reads always carry integers.
 */
export const CaptureSetDto = z.object({
  id,
  name: z.string(),
  project: id,
  method: z.string(),
  kwargs: z.record(z.string(), z.unknown()),
  source_images_count: z.number().int().nullable(),
  source_images_with_detections_count: z.number().int().nullable(),
  source_images_processed_count: z.number().int().nullable(),
  occurrences_count: z.number().int().nullable(),
  taxa_count: z.number().int().nullable(),
  description: z.string().nullable(),
  jobs: z.array(JobSummaryDto),
  created_at: naiveDateTime,
  updated_at: naiveDateTime,
  user_permissions: permissions,
});
/** Read with the time it was fetched (a write's answer has none). */
export type CaptureSetDto = z.infer<typeof CaptureSetDto> & FetchedAt;
export const CaptureSetPageDto = pageDto(CaptureSetDto);

/** Project list item. */
export const ProjectDto = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  deployments_count: z.number().int().nullable().optional(),
  created_at: naiveDateTime,
  updated_at: naiveDateTime,
  image: z.string().nullable().optional(),
  draft: z.boolean(),
  user_permissions: permissions,
});
export type ProjectDto = z.infer<typeof ProjectDto>;
export const ProjectPageDto = pageDto(ProjectDto);

/** Project detail = list fields + owner, flags, settings, membership. */
export const ProjectDetailDto = ProjectDto.extend({
  owner: z.object({ id, name: z.string().nullable() }).nullable().optional(),
  is_member: z.boolean().optional(),
});
export type ProjectDetailDto = z.infer<typeof ProjectDetailDto>;

const NamedRefDto = z.object({ id, name: z.string() });

export const ProgressParamDto = z.object({
  name: z.string(),
  key: z.string(),
  category: z.string().optional(),
  value: z.unknown(),
});
export const ProgressStageDto = z.object({
  status: z.string(),
  progress: z.number(),
  key: z.string(),
  name: z.string(),
  params: z.array(ProgressParamDto),
});
export const JobProgressDto = z.object({
  summary: z.object({ status: z.string(), progress: z.number() }),
  stages: z.array(ProgressStageDto),
  errors: z.array(z.unknown()).optional().default([]),
  logs: z.array(z.unknown()).optional().default([]),
});
export type JobProgressDto = z.infer<typeof JobProgressDto>;

/** Job list item (`JobListSerializer`). The detail (`JobSerializer`) adds `result`. */
export const JobDto = z.object({
  id,
  name: z.string().nullable(),
  project: NamedRefDto,
  deployment: NamedRefDto.nullable(),
  source_image_collection: NamedRefDto.extend({ method: z.string() }).nullable(),
  pipeline: z.object({ id, name: z.string(), slug: z.string() }).nullable(),
  status: z.string(),
  created_at: naiveDateTime,
  updated_at: naiveDateTime,
  started_at: naiveDateTime.nullable(),
  finished_at: naiveDateTime.nullable(),
  duration: z.string().nullable(),
  progress: JobProgressDto.nullable(),
  job_type: JobTypeDto,
  dispatch_mode: z.string().optional(),
  user_permissions: permissions,
});
export type JobDto = z.infer<typeof JobDto>;
export const JobPageDto = pageDto(JobDto);
export const JobDetailDto = JobDto.extend({ result: z.unknown().optional() });
/** Read with the time it was fetched (a write's answer has none). */
export type JobDetailDto = z.infer<typeof JobDetailDto> & FetchedAt;

/** Capture (SourceImage) list item: the fields `MediaItem` reads. */
export const CaptureDto = z.object({
  id,
  url: z.string().nullable(),
  path: z.string().nullable(),
  timestamp: naiveDateTime.nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  size: z.number().int().nullable(),
  detections_count: z.number().int().nullable(),
  project: id.optional(),
});
export type CaptureDto = z.infer<typeof CaptureDto>;
export const CapturePageDto = pageDto(CaptureDto);

/** Capture detail = list fields + the capture sets holding it, among others. */
export const CaptureDetailDto = CaptureDto.extend({
  collections: z.array(NamedRefDto.extend({ method: z.string() })),
});
export type CaptureDetailDto = z.infer<typeof CaptureDetailDto>;

/** `POST captures/collections/{id}/populate/` answers the job it created. */
export const PopulateResultDto = z.object({ job_id: id, project_id: id });
export type PopulateResultDto = z.infer<typeof PopulateResultDto>;
