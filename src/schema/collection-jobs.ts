import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { JobDto, JobSummaryDto } from '../loaders/upstream.ts';
import { belugaDto, type CollectionParent, type JobModel } from './models.ts';
import { toJobStatus, toJobTypeKey } from './normalize/enums.ts';
import { codeOrder } from './normalize/time.ts';
import { selectedFields } from './selection.ts';

/** Job fields the capture set's embedded summaries (JobStatus) do not carry. */
export const OUTSIDE_SUMMARY = ['name', 'progress', 'startedAt', 'finishedAt', 'durationSeconds'];

interface JobFilter {
  status?: readonly string[] | null;
  type?: readonly string[] | null;
}

/**
 * `Collection.jobs`: the embedded summaries, newest first, filtered locally. When a selected
 * field is outside the summary, one `jobs/?source_image_collection=ID` list call fetches them all
 * (never one call per job).
 */
export async function collectionJobs(
  collection: CollectionParent,
  filter: JobFilter,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<JobModel[]> {
  if (collection.source !== 'BELUGA') return [];
  const dto = await belugaDto(collection, ctx);
  const summaries = [...dto.jobs]
    .sort((a, b) => codeOrder(b.created_at, a.created_at) || b.id - a.id)
    .filter((job) => matches(job, filter, ctx));
  const base = (job: JobSummaryDto): JobModel => ({
    sourceId: job.id,
    summary: { ...job, captureSetId: dto.id, projectId: dto.project },
  });
  const selected = selectedFields(info);
  if (summaries.length === 0 || !OUTSIDE_SUMMARY.some((name) => selected.has(name))) {
    return summaries.map(base);
  }
  const listed = await ctx.loaders.jobsByCaptureSet.load({
    id: String(dto.id),
    jobCount: dto.jobs.length,
  });
  const byId = new Map<number, JobDto>((listed ?? []).map((job) => [job.id, job]));
  return summaries.map((job) => {
    const full = byId.get(job.id);
    return full ? { ...base(job), dto: full } : base(job);
  });
}

function matches(job: JobSummaryDto, filter: JobFilter, ctx: GatewayContext): boolean {
  if (filter.status?.length && !filter.status.includes(toJobStatus(job.status, ctx.logger))) {
    return false;
  }
  if (filter.type?.length && !filter.type.includes(toJobTypeKey(job.job_type.key, ctx.logger))) {
    return false;
  }
  return true;
}
