/** `jobs/` list (filters, ordering, default `-created_at`) and detail (Antenna's `JobViewSet`). */

import type { JobRecord } from '../dataset.ts';
import { JOB_STATUSES, JOB_TYPE_NAMES } from '../dataset-jobs.ts';
import { parseIntStrict } from '../http-utils.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { canSee, jobPermissions, listPermissions, type Viewer } from './access.ts';
import {
  HttpError,
  notFound,
  paginate,
  parseOrdering,
  pkParam,
  projectIdParam,
  sortBy,
  urlBooleanParam,
} from './drf.ts';
import { createListCache } from './list-cache.ts';
import { jobBody } from './serialize-job.ts';

const cached = createListCache<JobRecord>();

const ORDERING = [
  'name',
  'created_at',
  'updated_at',
  'status',
  'started_at',
  'finished_at',
  'project',
  'deployment',
  'source_image_collection',
  'pipeline',
];
const DISPATCH_MODES = ['internal', 'sync_api', 'async_api'];
const FINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

function sortValue(job: JobRecord, field: string): string | number | null {
  switch (field) {
    case 'name':
      return job.name.toLowerCase();
    case 'created_at':
      return job.createdAt;
    case 'updated_at':
      return job.updatedAt;
    case 'status':
      return job.status;
    case 'started_at':
      return job.startedAt;
    case 'finished_at':
      return job.finishedAt;
    case 'project':
      return job.project;
    case 'source_image_collection':
      return job.captureSet;
    case 'pipeline':
      return job.pipeline?.id ?? null;
    case 'deployment':
      return null;
    default:
      return job.id;
  }
}

type Filter = (job: JobRecord) => boolean;

/** django-filter: every bad value is reported in one 400 body. */
function filters(req: FakeRequest, viewer: Viewer): Filter[] {
  const errors: Record<string, string[]> = {};
  const out: Filter[] = [];
  const value = (name: string) => {
    const v = req.query.get(name);
    return v === null || v === '' ? null : v;
  };
  const choice = (name: string, choices: string[], pick: (j: JobRecord) => string) => {
    const v = value(name);
    if (v === null) return;
    if (!choices.includes(v))
      errors[name] = [`Select a valid choice. ${v} is not one of the available choices.`];
    else out.push((j) => pick(j) === v);
  };
  const fk = (
    name: string,
    exists: (id: number) => boolean,
    pick: (j: JobRecord) => number | null,
  ) => {
    const v = value(name);
    if (v === null) return;
    const id = parseIntStrict(v);
    if (id === null || !exists(id)) {
      errors[name] = ['Select a valid choice. That choice is not one of the available choices.'];
    } else out.push((j) => pick(j) === id);
  };
  const { projects, captureSets } = viewer.dataset;
  choice('status', JOB_STATUSES, (j) => j.status);
  choice('job_type_key', Object.keys(JOB_TYPE_NAMES), (j) => j.jobType.key);
  choice('dispatch_mode', DISPATCH_MODES, (j) => j.dispatchMode);
  fk(
    'project',
    (id) => projects.has(id),
    (j) => j.project,
  );
  fk(
    'source_image_collection',
    (id) => captureSets.has(id),
    (j) => j.captureSet,
  );
  fk(
    'pipeline',
    (id) => [3, 7, 9].includes(id),
    (j) => j.pipeline?.id ?? null,
  );
  fk(
    'deployment',
    (id) => [...projects.values()].some((p) => p.deployments.some((d) => d.id === id)),
    () => null,
  );
  const slug = value('pipeline__slug');
  if (slug !== null) out.push((j) => j.pipeline?.slug === slug);
  const slugs = value('pipeline__slug__in');
  if (slugs !== null)
    out.push((j) => j.pipeline !== null && slugs.split(',').includes(j.pipeline.slug));
  if (urlBooleanParam(req, 'incomplete_only')) out.push((j) => !FINAL.has(j.status));
  const search = value('search')?.toLowerCase();
  if (search)
    out.push((j) => search.split(/[\s,]+/).every((term) => j.name.toLowerCase().includes(term)));
  const cutoff = value('cutoff_hours');
  if (cutoff !== null && (parseIntStrict(cutoff) === null || parseIntStrict(cutoff)! < 0)) {
    errors.cutoff_hours = ['A valid integer is required.'];
  }
  if (Object.keys(errors).length) throw new HttpError(400, errors);
  return out;
}

export function listJobs(req: FakeRequest, viewer: Viewer): FakeResponse {
  const projectId = projectIdParam(req, false);
  const scoped = projectId !== null && viewer.dataset.projects.has(projectId) ? projectId : null;
  const checks = filters(req, viewer);
  const sorted = cached(req, viewer, () => {
    const jobs = [...viewer.dataset.jobs.values()].filter(
      (j) =>
        canSee(viewer, viewer.dataset.projects.get(j.project)) &&
        (scoped === null || j.project === scoped) &&
        checks.every((check) => check(j)),
    );
    const ordering = parseOrdering(req, ORDERING);
    const terms = ordering.length ? ordering : [{ field: 'created_at', desc: true }];
    return sortBy(jobs, terms, sortValue);
  });
  // `ids_only` (the worker's claim-next-job call, Antenna issue #1265): minimal items, one per
  // page unless `limit` is given. Antenna also shuffles them; the fake keeps its order.
  const idsOnly = urlBooleanParam(req, 'ids_only');
  const page = paginate(req, sorted, idsOnly && !req.query.has('limit') ? 1 : 20);
  const item: (j: JobRecord) => unknown = idsOnly
    ? (j) => ({
        id: j.id,
        pipeline_slug: j.pipeline?.slug ?? null,
        user_permissions: jobPermissions(viewer, j.project, j.jobType.key),
      })
    : (j) => jobBody(req, viewer, j, false);
  return {
    status: 200,
    body: {
      ...page,
      results: page.results.map(item),
      user_permissions: listPermissions(viewer, scoped, 'job'),
    },
  };
}

export function getJob(req: FakeRequest, viewer: Viewer, rawId: string): FakeResponse {
  const job = viewer.dataset.jobs.get(pkParam(rawId));
  if (!job || !canSee(viewer, viewer.dataset.projects.get(job.project))) throw notFound();
  const logsLimit = req.query.get('logs_limit');
  if (logsLimit !== null) {
    const n = parseIntStrict(logsLimit);
    if (n === null || n < 1 || n > 5000) {
      throw new HttpError(400, { logs_limit: ['Ensure this value is between 1 and 5000.'] });
    }
  }
  return { status: 200, body: jobBody(req, viewer, job, true) };
}
