/**
 * What src/schema may know of src/upstreams, in one place: the upstream payload and write types a
 * resolver reads, the upstream errors it tells apart, whether a failed write may have acted, and
 * when a payload was fetched. The schema reaches the upstreams only through the loaders and the
 * request context (README "Layout"; test/layers.test.ts checks it), so it imports these from here.
 */
export type {
  CaptureDetailDto,
  CaptureDto,
  CaptureSetDto,
  JobDetailDto,
  JobDto,
  JobProgressDto,
  JobSummaryDto,
  ProjectDto,
} from '../upstreams/beluga/schemas.ts';
export {
  type FieldIssue,
  failedWriteOutcome,
  isUpstreamError,
  UpstreamBadRequestError,
  type UpstreamError,
} from '../upstreams/errors.ts';
export type { FetchedAt } from '../upstreams/fetched-at.ts';
export type { CaptureSetWrite, JobAction, UpstreamScope } from '../upstreams/types.ts';
export type { CollectionDetailDataDto, MediaItemDto } from '../upstreams/wickson/schemas.ts';
