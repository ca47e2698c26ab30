/**
 * Job mutations: create, run, retry, cancel (Antenna's `JobViewSet`, `ami/jobs/views.py`). One
 * Beluga POST each, answering the job detail, so the payload's job costs no read (its set's fields
 * beyond the embedded summary hydrate as in queries).
 */
import type { JobAction, JobDetailDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { free } from './cost/types.ts';
import { oneWrite } from './cost/writes.ts';
import { JobTypeKey } from './enums.ts';
import { JobRef, loadJob } from './job.ts';
import type { JobModel } from './models.ts';
import { belugaKey, performWrite, type WriteResult } from './mutation.ts';
import { toUpstream } from './normalize/enums.ts';
import type { JobPayloadModel } from './payload-models.ts';
import { selectedFields } from './selection.ts';
import { fieldMapper, UserErrorRef } from './user-error.ts';

/** Fields a job known only by its id answers without a read. */
const ID_FIELDS = new Set(['id', 'sourceId', '__typename']);

export const JobPayloadRef = builder.objectRef<JobPayloadModel>('JobPayload').implement({
  description: 'The job as Beluga stored it, or why the write was not applied.',
  fields: (t) => ({
    job: t.field({
      type: JobRef,
      nullable: true,
      description: 'The job after the write; null when `userErrors` is not empty.',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          const idOnly = [...input.selected()].every((name) => ID_FIELDS.has(name));
          if (input.parent.holds === 'populate' && !idOnly) input.charge('beluga', 1, 'job');
          return [{ holds: { payload: 'detail' } }];
        },
      },
      resolve: (p, _a, ctx, info) => {
        if (p.job || p.jobId === undefined) return p.job;
        if ([...selectedFields(info)].every((name) => ID_FIELDS.has(name))) {
          // Only id fields are selected, and they read `sourceId` alone.
          return { sourceId: p.jobId } as JobModel;
        }
        return loadJob(ctx, String(p.jobId));
      },
    }),
    userErrors: t.field({
      type: [UserErrorRef],
      description: 'Input errors; empty when the write was applied.',
      upstreamCalls: free,
      resolve: (p) => p.userErrors,
    }),
  }),
});

const CreateJobInput = builder.inputType('CreateJobInput', {
  description: 'A new Beluga job.',
  fields: (t) => ({
    projectId: t.int({ required: true, description: 'The Beluga project id.' }),
    name: t.string({ required: true, description: 'At most 255 characters.' }),
    collectionId: t.id({
      required: false,
      description: 'Global id of the capture set to process.',
    }),
    pipelineId: t.int({ required: false, description: 'The Beluga ML pipeline id.' }),
    type: t.field({ type: JobTypeKey, required: false, description: 'Kind of job (default ML).' }),
    startNow: t.boolean({
      required: false,
      description: 'Queue it at once (status PENDING) instead of leaving it CREATED.',
    }),
  }),
});

const JobActionInput = builder.inputType('JobActionInput', {
  description: 'The job to act on.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the job.' }) }),
});

const mapJobFields = fieldMapper({
  name: 'name',
  project_id: 'projectId',
  pipeline_id: 'pipelineId',
  source_image_collection_id: 'collectionId',
  job_type_key: 'type',
});

function jobPayload(result: WriteResult<JobDetailDto>): JobPayloadModel {
  if (!result.ok) return { job: null, userErrors: result.userErrors };
  return { job: { sourceId: result.value.id, dto: result.value }, userErrors: [] };
}

builder.mutationField('createJob', (t) =>
  t.field({
    type: JobPayloadRef,
    description: 'Creates a Beluga job: one POST (with `start_now` when `startNow`).',
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    upstreamCalls: oneWrite('job'),
    resolve: async (_root, { input }, ctx) => {
      let setId: number | undefined;
      if (input.collectionId !== undefined && input.collectionId !== null) {
        const key = belugaKey(input.collectionId, 'Collection');
        if (key === null) {
          return {
            job: null,
            userErrors: [
              { field: ['collectionId'], message: 'Not the id of a Beluga capture set.' },
            ],
          };
        }
        setId = key;
      }
      const body = {
        name: input.name,
        project_id: input.projectId,
        ...(input.pipelineId != null ? { pipeline_id: input.pipelineId } : {}),
        ...(setId !== undefined ? { source_image_collection_id: setId } : {}),
        ...(input.type != null ? { job_type_key: toUpstream(input.type) } : {}),
      };
      const result = await performWrite(
        ctx,
        mapJobFields,
        (scope) => ctx.clients.beluga.createJob(body, input.startNow === true, scope),
        (job) => ({ job }),
      );
      return jobPayload(result);
    },
  }),
);

const ACTIONS: [string, JobAction, string][] = [
  ['runJob', 'run', 'Queues a Beluga job (status PENDING): one POST.'],
  ['retryJob', 'retry', 'Retries a Beluga job (queued again, PENDING): one POST.'],
  ['cancelJob', 'cancel', 'Cancels a Beluga job (status REVOKED): one POST.'],
];

for (const [name, action, description] of ACTIONS) {
  builder.mutationField(name, (t) =>
    t.field({
      type: JobPayloadRef,
      description,
      args: { input: t.arg({ type: JobActionInput, required: true }) },
      upstreamCalls: oneWrite('job'),
      resolve: async (_root, { input }, ctx) => {
        const id = belugaKey(input.id, 'Job');
        if (id === null) {
          return {
            job: null,
            userErrors: [{ field: ['id'], message: 'Not the id of a Beluga job.' }],
          };
        }
        const result = await performWrite(
          ctx,
          mapJobFields,
          (scope) => ctx.clients.beluga.jobAction(id, action, scope),
          (job) => ({ job }),
        );
        return jobPayload(result);
      },
    }),
  );
}
