import type { GatewayContext } from '../context.ts';
import type { JobDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { CollectionRef, loadCollection } from './collection-ref.ts';
import { free } from './cost/types.ts';
import { JobStatus, JobTypeKey } from './enums.ts';
import { badUserInput } from './errors.ts';
import { parseBelugaId, settleNode, splitNodeId } from './global-id.ts';
import { JobProgressRef } from './job-progress.ts';
import { BelugaCollectionStub, type JobModel, jobPayload } from './models.ts';
import { toJobStatus, toJobTypeKey } from './normalize/enums.ts';
import { belugaTime, durationSeconds } from './normalize/time.ts';
import { ProjectRef } from './project.ts';
import { propertyRead } from './property-read.ts';

export const JobRef = builder.objectRef<JobModel>('Job');

/**
 * A field a capture set's job summaries lack: `Collection.jobs` charges the one jobs list that
 * brings them all (./collection-jobs.ts); a job's detail has it.
 */
const outsideSummary = free;

export interface JobTypeModel {
  key: string;
  name: string;
}

export const JobTypeRef = builder.objectRef<JobTypeModel>('JobType').implement({
  description: 'The kind of a job.',
  fields: (t) => ({
    key: t.field({
      type: JobTypeKey,
      description: 'Machine key; UNKNOWN for a type added upstream later.',
      upstreamCalls: free,
      resolve: (type, _a, ctx) => toJobTypeKey(type.key, ctx.logger),
    }),
    name: t.exposeString('name', { description: 'Human-readable name, e.g. "ML pipeline".' }),
  }),
});

export async function loadJob(ctx: GatewayContext, sourceId: string): Promise<JobModel | null> {
  const dto = await ctx.loaders.job.load(sourceId);
  return dto ? { sourceId: dto.id, dto } : null;
}

/** The full job payload, fetched (batched per capture set) only when the model lacks it. */
async function jobDto(job: JobModel, ctx: GatewayContext): Promise<JobDto | null> {
  return job.dto ?? (await ctx.loaders.job.load(String(job.sourceId)));
}

/**
 * A full job payload embeds its set's summary: build the collection from it (no call); the stub
 * carries the set's project, so several hydrations share one list call. A capture set's own job
 * summaries load the set, which is usually cached already.
 */
function jobCollection(j: JobModel, ctx: GatewayContext) {
  if (j.dto) {
    const set = j.dto.source_image_collection;
    if (!set) return null;
    const project = { id: j.dto.project.id, name: j.dto.project.name };
    const summary = { id: set.id, name: set.name, method: set.method, projectId: project.id };
    return new BelugaCollectionStub({ ...summary, project });
  }
  return (async () => {
    const id = j.summary?.captureSetId ?? (await jobDto(j, ctx))?.source_image_collection?.id;
    return id === undefined ? null : loadCollection(ctx, 'BELUGA', String(id));
  })();
}

function time(ctx: GatewayContext, value: string | null | undefined) {
  return belugaTime(value, ctx.config.beluga.timeZone);
}

builder.node(JobRef, {
  description: 'A Beluga processing job (ML pipeline, populate, sync, export, …).',
  id: { resolve: (j) => `BELUGA:${j.sourceId}`, upstreamCalls: free },
  loadedById: () => ({ payload: 'detail' }),
  loadOne: (id, ctx) => settleNode('Job', loadJob(ctx, splitNodeId(id).sourceId)),
  fields: (t) => ({
    sourceId: t.int({
      description: 'The Beluga job id.',
      upstreamCalls: free,
      resolve: propertyRead('sourceId'),
    }),
    name: t.string({
      nullable: true,
      description: 'The job name (not in capture-set summaries: selecting it fetches the jobs).',
      upstreamCalls: outsideSummary,
      resolve: async (j, _a, ctx) => (await jobDto(j, ctx))?.name ?? null,
    }),
    status: t.field({
      type: JobStatus,
      description: 'Current state; UNKNOWN for a state added upstream later.',
      upstreamCalls: free,
      resolve: (j, _a, ctx) => toJobStatus(jobPayload(j).status, ctx.logger),
    }),
    type: t.field({
      type: JobTypeRef,
      description: 'What kind of job this is.',
      upstreamCalls: free,
      resolve: (j) => jobPayload(j).job_type,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the job was created (UTC).',
      upstreamCalls: free,
      resolve: (j, _a, ctx) => time(ctx, jobPayload(j).created_at),
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the job last changed (UTC).',
      upstreamCalls: free,
      resolve: (j, _a, ctx) => time(ctx, jobPayload(j).updated_at),
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a worker started it (UTC); null before.',
      upstreamCalls: outsideSummary,
      resolve: async (j, _a, ctx) => time(ctx, (await jobDto(j, ctx))?.started_at),
    }),
    finishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it finished (UTC); null while running.',
      upstreamCalls: outsideSummary,
      resolve: async (j, _a, ctx) => time(ctx, (await jobDto(j, ctx))?.finished_at),
    }),
    durationSeconds: t.float({
      nullable: true,
      description: 'Run time in seconds, once both started and finished.',
      upstreamCalls: outsideSummary,
      resolve: async (j, _a, ctx) => durationSeconds((await jobDto(j, ctx))?.duration),
    }),
    progress: t.field({
      type: JobProgressRef,
      nullable: true,
      description: 'Overall and per-stage progress.',
      upstreamCalls: outsideSummary,
      resolve: async (j, _a, ctx) => (await jobDto(j, ctx))?.progress ?? null,
    }),
    permissions: t.stringList({
      description: 'What the caller may do with the job (update, delete, run, run_single_image).',
      upstreamCalls: free,
      resolve: (j) => jobPayload(j).user_permissions ?? [],
    }),
    collection: t.field({
      type: CollectionRef,
      nullable: true,
      description:
        'The capture set the job ran on, if any. Its sourceId, name, method, projectId and project name come with the job; other fields fetch the set (one call for several sets of a project).',
      upstreamCalls: {
        weight: 0,
        predict: ({ parent: { holds } }) =>
          holds.payload === 'summary'
            ? [{ holds: { source: 'BELUGA', payload: 'full', ...holds.set } }]
            : [{ holds: { source: 'BELUGA', payload: 'summary' } }],
      },
      resolve: (j, _a, ctx) => jobCollection(j, ctx),
    }),
    project: t.field({
      type: ProjectRef,
      nullable: true,
      description:
        'The project the job belongs to. Its sourceId and name come with the job; other fields fetch the project.',
      upstreamCalls: {
        weight: 0,
        predict: ({ parent: { holds } }) => [
          { holds: holds.payload === 'summary' ? 'id' : 'summary' },
        ],
      },
      resolve: (j) => {
        if (j.dto) return { sourceId: j.dto.project.id, summary: j.dto.project };
        if (j.summary) return { sourceId: j.summary.projectId };
        return null;
      },
    }),
  }),
});

builder.queryField('job', (t) =>
  t.field({
    type: JobRef,
    nullable: true,
    description: 'A Beluga job by id; null when it does not exist or the caller may not see it.',
    args: { sourceId: t.arg.int({ required: true, description: 'The Beluga job id.' }) },
    upstreamCalls: {
      weight: 1,
      predict: (input) => {
        const id = input.args.sourceId;
        if (parseBelugaId(String(id)) === null) return [];
        input.charge('beluga', 1, `job:${id}`);
        return [{ holds: { payload: 'detail' } }];
      },
    },
    resolve: (_root, { sourceId }, ctx) => {
      if (parseBelugaId(String(sourceId)) === null) {
        throw badUserInput('The sourceId is not a valid job id.');
      }
      return loadJob(ctx, String(sourceId));
    },
  }),
);
