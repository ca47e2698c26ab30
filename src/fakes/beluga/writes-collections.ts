/**
 * Capture-set writes (Antenna's `SourceImageCollectionViewSet`): create (201), PUT/PATCH (200),
 * DELETE (204) and populate, which creates a `populate_captures_collection` job and answers
 * `{job_id, project_id}`. Create validates before it checks credentials; the others find the object
 * (404), then check the permission (`<action>_sourceimagecollection` on its project, `access.ts`).
 */
import type { CaptureSetRecord } from '../dataset.ts';
import { JOB_TYPE_NAMES } from '../dataset-jobs.ts';
import { METHODS } from '../dataset-sets.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { requirePermission, type Viewer, visibleProject } from './access.ts';
import { HttpError, notFound, pkParam } from './drf.ts';
import { createFields, requestData } from './fields.ts';
import type { JobRunner } from './job-runner.ts';
import { cleanKwargs } from './kwargs.ts';
import { captureSet } from './serialize.ts';
import type { WriteStore } from './store.ts';

type Handler = (req: FakeRequest, viewer: Viewer, id: string) => FakeResponse;

interface SetFields {
  name?: string;
  project?: number;
  method?: string;
  kwargs?: Record<string, unknown>;
  description?: string;
}

/** The serializer: field errors first, then the (name, project) uniqueness of the model. */
function validate(req: FakeRequest, viewer: Viewer, partial: boolean, self?: CaptureSetRecord) {
  const data = requestData(req);
  const fields = createFields(data, partial);
  const out: SetFields = {
    name: fields.string('name', { required: true, maxLength: 255 }),
    project: fields.pk('project', (id) => viewer.dataset.projects.has(id), { required: true }) as
      | number
      | undefined,
    method: fields.choice('method', METHODS),
    description: fields.string('description', { blank: true }),
  };
  if (fields.has('kwargs')) {
    const kwargs = cleanKwargs(data.kwargs);
    if (kwargs.ok) out.kwargs = kwargs.value;
    else fields.errors.kwargs = kwargs.errors;
  }
  fields.done();
  const name = out.name ?? self?.name;
  const project = out.project ?? self?.project;
  const clash = [...viewer.dataset.captureSets.values()].some(
    (s) => s.id !== self?.id && s.project === project && s.name === name,
  );
  if (clash) {
    throw new HttpError(400, {
      non_field_errors: ['The fields name, project must make a unique set.'],
    });
  }
  return out;
}

function findSet(viewer: Viewer, rawId: string): CaptureSetRecord {
  const set = viewer.dataset.captureSets.get(pkParam(rawId));
  if (!set || !visibleProject(viewer, set.project)) throw notFound();
  return set;
}

export function collectionWrites(store: WriteStore, runner: JobRunner): Record<string, Handler> {
  return {
    create: (req, viewer) => createSet(store, req, viewer),
    update: (req, viewer, rawId) => updateSet(store, req, viewer, rawId),
    remove: (_req, viewer, rawId) => removeSet(store, viewer, rawId),
    populate: (_req, viewer, rawId) => populateSet(store, runner, viewer, rawId),
  };
}

function createSet(store: WriteStore, req: FakeRequest, viewer: Viewer): FakeResponse {
  const fields = validate(req, viewer, false);
  const project = fields.project!;
  requirePermission(viewer, project, 'create_sourceimagecollection');
  store.beforeWrite();
  const now = store.timestamp();
  const set: CaptureSetRecord = {
    id: store.nextCaptureSetId(),
    name: fields.name!,
    project,
    method: fields.method ?? 'full',
    kwargs: fields.kwargs ?? {},
    description: fields.description ?? '',
    sourceImagesCount: 0,
    withDetectionsCount: 0,
    processedCount: 0,
    occurrencesCount: 0,
    taxaCount: 0,
    createdAt: now,
    updatedAt: now,
    jobIds: [],
    captureStartMs: 0,
    captureStepMs: 60_000,
  };
  viewer.dataset.captureSets.set(set.id, set);
  // A new instance carries no count annotations: all its counts come back null.
  return { status: 201, body: captureSet(req, viewer, set, false, false) };
}

function updateSet(
  store: WriteStore,
  req: FakeRequest,
  viewer: Viewer,
  rawId: string,
): FakeResponse {
  const set = findSet(viewer, rawId);
  requirePermission(viewer, set.project, 'update_sourceimagecollection');
  const fields = validate(req, viewer, req.method === 'PATCH', set);
  if (fields.project !== undefined && fields.project !== set.project) {
    // Stricter than Antenna, which checks the set's current project only.
    requirePermission(viewer, fields.project, 'update_sourceimagecollection');
  }
  store.beforeWrite();
  const changed: CaptureSetRecord = {
    ...set,
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.project !== undefined ? { project: fields.project } : {}),
    ...(fields.method !== undefined ? { method: fields.method } : {}),
    ...(fields.kwargs !== undefined ? { kwargs: fields.kwargs } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    updatedAt: store.timestamp(),
  };
  viewer.dataset.captureSets.set(set.id, changed);
  // The update answers from the list queryset: capture counts, but no occurrence counts.
  return { status: 200, body: captureSet(req, viewer, changed, false) };
}

function removeSet(store: WriteStore, viewer: Viewer, rawId: string): FakeResponse {
  const set = findSet(viewer, rawId);
  requirePermission(viewer, set.project, 'delete_sourceimagecollection');
  store.beforeWrite();
  viewer.dataset.captureSets.delete(set.id);
  // Jobs keep running without their set (the foreign key is set to null).
  for (const [id, job] of viewer.dataset.jobs) {
    if (job.captureSet === set.id) viewer.dataset.jobs.set(id, { ...job, captureSet: null });
  }
  return { status: 204 };
}

function populateSet(
  store: WriteStore,
  runner: JobRunner,
  viewer: Viewer,
  rawId: string,
): FakeResponse {
  const set = findSet(viewer, rawId);
  requirePermission(viewer, set.project, 'populate_sourceimagecollection');
  store.beforeWrite();
  const now = store.timestamp();
  const id = store.nextJobId();
  const key = 'populate_captures_collection';
  runner.start({
    id,
    name: `Populate '${set.name}'`,
    project: set.project,
    captureSet: set.id,
    pipeline: null,
    status: 'PENDING',
    jobType: { name: JOB_TYPE_NAMES[key]!, key },
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    dispatchMode: 'internal',
    total: set.sourceImagesCount,
  });
  viewer.dataset.captureSets.set(set.id, { ...set, jobIds: [id, ...set.jobIds] });
  return { status: 200, body: { job_id: id, project_id: set.project } };
}
