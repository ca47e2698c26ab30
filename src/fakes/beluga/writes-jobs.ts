/**
 * Job writes and actions (contract §8 "Writes and actions"): create (201, `?start_now=1`
 * enqueues), run (`?no_async=1` runs inline), retry and cancel, each answering the job detail.
 * Enqueue → PENDING, then the job runs on the fake's clock (./job-runner.ts); retry sets RETRY
 * and enqueues → PENDING; cancel → CANCELING → REVOKED and stops the run.
 * Delete was revoked from every role: 403 for any authenticated caller.
 */
import type { JobRecord } from '../dataset.ts';
import { JOB_TYPE_NAMES, PIPELINES } from '../dataset-jobs.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { canSee, requireWriter, type Viewer } from './access.ts';
import { HttpError, notFound, pkParam, truthy } from './drf.ts';
import { createFields, requestData } from './fields.ts';
import type { JobRunner } from './job-runner.ts';
import { jobBody } from './serialize-job.ts';
import type { WriteStore } from './store.ts';

type Handler = (req: FakeRequest, viewer: Viewer, id: string) => FakeResponse;

function findJob(viewer: Viewer, rawId: string): JobRecord {
  const job = viewer.dataset.jobs.get(pkParam(rawId));
  if (!job || !canSee(viewer, viewer.dataset.projects.get(job.project))) throw notFound();
  return job;
}

export function jobWrites(store: WriteStore, runner: JobRunner): Record<string, Handler> {
  const save = (viewer: Viewer, job: JobRecord, changes: Partial<JobRecord>): JobRecord => {
    store.beforeWrite();
    const next = { ...job, ...changes, updatedAt: store.timestamp() };
    viewer.dataset.jobs.set(job.id, next);
    return next;
  };
  const detail = (req: FakeRequest, viewer: Viewer, job: JobRecord, status = 200) => ({
    status,
    body: jobBody(req, viewer, job, true),
  });

  const create: Handler = (req, viewer) => {
    const { dataset } = viewer;
    const fields = createFields(requestData(req), false);
    const name = fields.string('name', { required: true, maxLength: 255 });
    fields.integer('delay', { required: true });
    const project = fields.pk('project_id', (id) => dataset.projects.has(id), { required: true });
    const pipeline = fields.pk('pipeline_id', (id) => PIPELINES.some((p) => p.id === id));
    const set = fields.pk('source_image_collection_id', (id) => dataset.captureSets.has(id));
    const key = fields.choice('job_type_key', Object.keys(JOB_TYPE_NAMES)) ?? 'ml';
    fields.integer('limit', { nullable: true });
    fields.boolean('shuffle');
    fields.done();
    requireWriter(viewer, project!);
    const startNow = truthy(req.query.get('start_now'));
    if (startNow) requireWriter(viewer, project!, 'You do not have permission to run this job.');
    store.beforeWrite();
    const now = store.timestamp();
    const job: JobRecord = {
      id: store.nextJobId(),
      name: name!,
      project: project!,
      captureSet: set ?? null,
      pipeline: PIPELINES.find((p) => p.id === pipeline) ?? null,
      status: startNow ? 'PENDING' : 'CREATED',
      jobType: { name: JOB_TYPE_NAMES[key]!, key },
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      dispatchMode: key === 'ml' ? 'async_api' : 'internal',
      total: set ? dataset.captureSets.get(set)!.sourceImagesCount : 0,
    };
    dataset.jobs.set(job.id, job);
    if (set) {
      const owner = dataset.captureSets.get(set)!;
      dataset.captureSets.set(set, { ...owner, jobIds: [job.id, ...owner.jobIds] });
    }
    return detail(req, viewer, startNow ? runner.start(job) : job, 201);
  };

  const update: Handler = (req, viewer, rawId) => {
    const job = findJob(viewer, rawId);
    requireWriter(viewer, job.project);
    const fields = createFields(requestData(req), req.method === 'PATCH');
    const name = fields.string('name', { required: true, maxLength: 255 });
    fields.integer('delay', { required: true });
    fields.done();
    return detail(req, viewer, save(viewer, job, name === undefined ? {} : { name }));
  };

  const remove: Handler = (_req, viewer, rawId) => {
    const job = findJob(viewer, rawId);
    requireWriter(viewer, job.project);
    throw new HttpError(403, { detail: 'You do not have permission to perform this action.' });
  };

  const run: Handler = (req, viewer, rawId) => {
    const job = findJob(viewer, rawId);
    requireWriter(viewer, job.project);
    if (truthy(req.query.get('no_async'))) {
      runner.stop(job.id);
      const now = store.timestamp();
      return detail(
        req,
        viewer,
        save(viewer, job, { status: 'SUCCESS', startedAt: now, finishedAt: now }),
      );
    }
    return detail(req, viewer, runner.start(save(viewer, job, {})));
  };

  const retry: Handler = (req, viewer, rawId) => {
    const job = findJob(viewer, rawId);
    requireWriter(viewer, job.project);
    return detail(req, viewer, runner.start(save(viewer, job, {})));
  };

  const cancel: Handler = (req, viewer, rawId) => {
    const job = findJob(viewer, rawId);
    requireWriter(viewer, job.project);
    const now = store.timestamp();
    runner.stop(job.id);
    return detail(
      req,
      viewer,
      save(viewer, job, { status: 'REVOKED', finishedAt: job.finishedAt ?? now }),
    );
  };

  return { create, update, remove, run, retry, cancel };
}
