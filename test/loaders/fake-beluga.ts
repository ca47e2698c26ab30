/**
 * An in-memory BelugaClient for loader tests: it serves a small dataset and records every call
 * as one readable line (`getCaptureSet 21`, `listJobs captureSetId=21&limit=3&offset=0`).
 */
import { pino } from 'pino';
import { configFrom } from '../../src/config.ts';
import { createLoaders, type LoaderDeps, type Loaders } from '../../src/loaders/index.ts';
import type {
  CaptureSetDto,
  JobDto,
  JobSummaryDto,
  PageDto,
  ProjectDetailDto,
  ProjectDto,
} from '../../src/upstreams/beluga/schemas.ts';
import type { BelugaClient, WicksonClient } from '../../src/upstreams/types.ts';

const AT = '2024-05-10T20:11:02';

export function project(id: number): ProjectDetailDto {
  return {
    id,
    name: `Project ${id}`,
    description: null,
    created_at: AT,
    updated_at: AT,
    draft: false,
    user_permissions: [],
  };
}

export function job(id: number, setId: number, projectId: number): JobDto {
  return {
    id,
    name: `Job ${id}`,
    project: { id: projectId, name: `Project ${projectId}` },
    deployment: null,
    source_image_collection: { id: setId, name: `Set ${setId}`, method: 'manual' },
    pipeline: null,
    status: 'SUCCESS',
    created_at: AT,
    updated_at: AT,
    started_at: null,
    finished_at: null,
    duration: null,
    progress: null,
    job_type: { name: 'ML pipeline', key: 'ml' },
    user_permissions: [],
  };
}

export function captureSet(id: number, projectId: number, jobIds: number[] = []): CaptureSetDto {
  const summary = (jobId: number): JobSummaryDto => ({
    id: jobId,
    status: 'SUCCESS',
    job_type: { name: 'ML pipeline', key: 'ml' },
    created_at: AT,
    updated_at: AT,
    user_permissions: [],
  });
  return {
    id,
    name: `Set ${id}`,
    project: projectId,
    method: 'manual',
    kwargs: {},
    source_images_count: 10,
    source_images_with_detections_count: 5,
    source_images_processed_count: 5,
    occurrences_count: 7,
    taxa_count: 3,
    description: null,
    jobs: jobIds.map(summary),
    created_at: AT,
    updated_at: AT,
    user_permissions: [],
  };
}

export interface Dataset {
  sets?: CaptureSetDto[];
  jobs?: JobDto[];
  projects?: ProjectDto[];
}

export interface FakeBeluga {
  client: BelugaClient;
  /** Every call so far, in the order made. */
  calls: string[];
  /** Methods that reject from now on. */
  failing: Set<keyof BelugaClient>;
}

export function fakeBeluga(data: Dataset): FakeBeluga {
  const calls: string[] = [];
  const failing = new Set<keyof BelugaClient>();
  const record = (method: keyof BelugaClient, what: string | number | object) => {
    calls.push(`${method} ${typeof what === 'object' ? params(what) : what}`);
    if (failing.has(method)) throw new Error(`${method} failed`);
  };
  const page = <T>(all: T[], limit: number, offset: number): PageDto<T> => {
    const results = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? 'next' : null;
    return { count: all.length, next, previous: null, results, user_permissions: [] };
  };
  const sets = data.sets ?? [];
  const jobs = data.jobs ?? [];
  const projects = data.projects ?? [];
  const unsupported = (name: string) => () =>
    Promise.reject(new Error(`${name}: not in the in-memory client`));
  const client: BelugaClient = {
    listCaptureSets: async (p) => {
      record('listCaptureSets', p);
      const all = sets
        .filter((s) => p.projectId === undefined || s.project === p.projectId)
        .map((s) => (p.withCounts ? s : { ...s, occurrences_count: null, taxa_count: null }));
      return page(all, p.limit, p.offset);
    },
    getCaptureSet: async (id) => {
      record('getCaptureSet', id);
      return sets.find((s) => s.id === id) ?? null;
    },
    listProjects: async (p) => {
      record('listProjects', p);
      return page(projects, p.limit, p.offset);
    },
    getProject: async (id) => {
      record('getProject', id);
      return (projects.find((x) => x.id === id) as ProjectDetailDto | undefined) ?? null;
    },
    listJobs: async (p) => {
      record('listJobs', p);
      const all = jobs.filter(
        (j) =>
          (p.projectId === undefined || j.project.id === p.projectId) &&
          (p.captureSetId === undefined || j.source_image_collection?.id === p.captureSetId),
      );
      return page(all, p.limit, p.offset);
    },
    getJob: async (id) => {
      record('getJob', id);
      return jobs.find((j) => j.id === id) ?? null;
    },
    listCaptures: async (p) => {
      record('listCaptures', p);
      return page([], p.limit, p.offset ?? 0);
    },
    getCapture: async (id) => {
      record('getCapture', id);
      return null;
    },
    // Loader tests read only; writes are tested against the real fake (test/schema/mutations-*).
    createCaptureSet: unsupported('createCaptureSet'),
    updateCaptureSet: unsupported('updateCaptureSet'),
    deleteCaptureSet: unsupported('deleteCaptureSet'),
    populateCaptureSet: unsupported('populateCaptureSet'),
    createJob: unsupported('createJob'),
    jobAction: unsupported('jobAction'),
  };
  return { client, calls, failing };
}

function params(p: object): string {
  return Object.entries(p)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

const noWickson = new Proxy({} as WicksonClient, {
  get: (_t, method) => () => Promise.reject(new Error(`wickson.${String(method)} not expected`)),
});

/** One request's loaders over the fake, as the context builds them. */
export function loadersOver(
  beluga: FakeBeluga,
  env: Record<string, string> = {},
  create: (deps: LoaderDeps) => Loaders = createLoaders,
): Loaders {
  return create({
    clients: { beluga: beluga.client, wickson: noWickson },
    scope: { authorization: undefined, signal: undefined, requestId: 'test' },
    config: configFrom(env),
    logger: pino({ level: 'silent' }),
  });
}
