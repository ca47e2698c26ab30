/**
 * Job writes and actions (Antenna's `JobViewSet` and its actions): create (201, `?start_now`
 * enqueues), run and retry (`?no_async` runs inline: SUCCESS), cancel, each answering the job
 * detail. Enqueue → PENDING, then the job runs on the fake's clock (./job-runner.ts); retry sets
 * RETRY and enqueues → PENDING; cancel → REVOKED, stops the run, and leaves a finished job as it
 * is. Permissions as Antenna's `Job.check_permission` (`ami/jobs/models.py`):
 * `create_job`, `update_job`, `delete_job` (no role has it: superusers only), and
 * `run_<job type>_job` for run, retry, cancel and `start_now`.
 */
import type { JobRecord } from '../dataset.ts';
import { JOB_TYPE_NAMES, PIPELINES } from '../dataset-jobs.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { canSee, requirePermission, type Viewer } from './access.ts';
import { notFound, pkParam, urlBooleanParam } from './drf.ts';
import { createFields, requestData } from './fields.ts';
import type { JobRunner } from './job-runner.ts';
import { jobBody } from './serialize-job.ts';
import type { WriteStore } from './store.ts';

type Handler = (req: FakeRequest, viewer: Viewer, id: string) => FakeResponse;

/** `check_custom_permission` for run, retry and cancel: `run_<job type>_job`. */
const runPermission = (jobType: string) => `run_${jobType}_job`;

/** A cancel moves only these to REVOKED (`JobState.finalizable_states()` and CANCELING). */
const CANCELLABLE = new Set(['CREATED', 'PENDING', 'STARTED', 'RETRY', 'CANCELING']);

function findJob(viewer: Viewer, rawId: string): JobRecord {
  const job = viewer.dataset.jobs.get(pkParam(rawId));
  if (!job || !canSee(viewer, viewer.dataset.projects.get(job.project))) throw notFound();
  return job;
}

/** What the job writes work with: the dataset's write store and the runner that moves jobs. */
interface JobDeps {
  store: WriteStore;
  runner: JobRunner;
}

export function jobWrites(store: WriteStore, runner: JobRunner): Record<string, Handler> {
  const deps: JobDeps = { store, runner };
  return {
    create: (req, viewer) => createJob(deps, req, viewer),
    update: (req, viewer, rawId) => updateJob(store, req, viewer, rawId),
    remove: (_req, viewer, rawId) => removeJob(store, viewer, rawId),
    run: (req, viewer, rawId) => startJob(deps, req, viewer, rawId),
    retry: (req, viewer, rawId) => startJob(deps, req, viewer, rawId),
    cancel: (req, viewer, rawId) => cancelJob(deps, req, viewer, rawId),
  };
}

function createJob({ store, runner }: JobDeps, req: FakeRequest, viewer: Viewer): FakeResponse {
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
  requirePermission(viewer, project!, 'create_job');
  // The job is saved, then refused: ATOMIC_REQUESTS rolls the save back with the 403.
  const startNow = urlBooleanParam(req, 'start_now');
  if (startNow) {
    requirePermission(
      viewer,
      project!,
      runPermission(key),
      'You do not have permission to run this job.',
    );
  }
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
}

function updateJob(store: WriteStore, req: FakeRequest, viewer: Viewer, rawId: string) {
  const job = findJob(viewer, rawId);
  requirePermission(viewer, job.project, 'update_job');
  const fields = createFields(requestData(req), req.method === 'PATCH');
  const name = fields.string('name', { required: true, maxLength: 255 });
  fields.integer('delay', { required: true });
  fields.done();
  return detail(req, viewer, save(store, viewer, job, name === undefined ? {} : { name }));
}

function removeJob(store: WriteStore, viewer: Viewer, rawId: string): FakeResponse {
  const job = findJob(viewer, rawId);
  requirePermission(viewer, job.project, 'delete_job');
  store.beforeWrite();
  viewer.dataset.jobs.delete(job.id);
  const set = job.captureSet === null ? undefined : viewer.dataset.captureSets.get(job.captureSet);
  if (set) {
    viewer.dataset.captureSets.set(set.id, {
      ...set,
      jobIds: set.jobIds.filter((id) => id !== job.id),
    });
  }
  return { status: 204 };
}

/** Queued (PENDING), or with `?no_async` run inside the request (SUCCESS). */
function startJob({ store, runner }: JobDeps, req: FakeRequest, viewer: Viewer, rawId: string) {
  const job = findJob(viewer, rawId);
  requirePermission(viewer, job.project, runPermission(job.jobType.key));
  if (urlBooleanParam(req, 'no_async')) {
    runner.stop(job.id);
    const now = store.timestamp();
    return detail(
      req,
      viewer,
      save(store, viewer, job, { status: 'SUCCESS', startedAt: now, finishedAt: now }),
    );
  }
  return detail(req, viewer, runner.start(save(store, viewer, job, {})));
}

function cancelJob({ store, runner }: JobDeps, req: FakeRequest, viewer: Viewer, rawId: string) {
  const job = findJob(viewer, rawId);
  requirePermission(viewer, job.project, runPermission(job.jobType.key));
  if (!CANCELLABLE.has(job.status)) return detail(req, viewer, job);
  runner.stop(job.id);
  return detail(
    req,
    viewer,
    save(store, viewer, job, { status: 'REVOKED', finishedAt: store.timestamp() }),
  );
}

function save(
  store: WriteStore,
  viewer: Viewer,
  job: JobRecord,
  changes: Partial<JobRecord>,
): JobRecord {
  store.beforeWrite();
  const next = { ...job, ...changes, updatedAt: store.timestamp() };
  viewer.dataset.jobs.set(job.id, next);
  return next;
}

/** The job detail as the write's answer. */
function detail(req: FakeRequest, viewer: Viewer, job: JobRecord, status = 200): FakeResponse {
  return { status, body: jobBody(req, viewer, job, true) };
}
