/**
 * The differential cases: each makes one call through the gateway's Beluga client, the same on
 * both targets (their own ids), covering every client method (reads, writes, job actions) and
 * the error answers the gateway reads (400, 401, 403, 404).
 */
import type { BelugaClient } from '../../../src/upstreams/types.ts';
import { createdSet, uniqueName } from '../cleanup.ts';
import type { Allowances } from './shape.ts';
import type { Target } from './targets.ts';

/** What a target's write cases created, for the cases after them. */
export interface Created {
  set?: number;
  job?: number;
}

export interface Case {
  name: string;
  /** The client method the case calls (every method must have a case). */
  method: keyof BelugaClient;
  run(t: Target, created: Created): Promise<unknown>;
  /** The status both must answer. */
  status: number;
  allow?: Allowances;
}

/** Fields whose null-or-not depends on the data, as the contract documents them. */
const CAPTURE_NULLABLE = [
  'url',
  'width',
  'height',
  'size',
  'timestamp',
  'last_processed',
  'thumbnails',
  'event_prev_capture_id',
  'event_next_capture_id',
];
const JOB_NULLABLE = [
  'deployment',
  'source_image_collection',
  'source_image_single',
  'pipeline',
  'started_at',
  'finished_at',
  'duration',
  'limit',
  'data_export',
];
const prefixed = (prefix: string, names: string[]) => names.map((n) => `${prefix}${n}`);
const PAGE_LINKS = ['next', 'previous'];
const SET_NULLABLE = ['occurrences_count', 'taxa_count'];

export const CASES: Case[] = [
  {
    name: 'capture-set page with counts, by name (the project list of the graph)',
    method: 'listCaptureSets',
    run: (t) =>
      t.client.listCaptureSets(
        { projectId: t.project, withCounts: true, ordering: 'name,id', limit: 1, offset: 1 },
        t.manager,
      ),
    status: 200,
    allow: { nullable: PAGE_LINKS, opaque: ['results[].kwargs'] },
  },
  {
    name: "a project's whole capture-set list (the loader's one call)",
    method: 'listCaptureSets',
    run: (t) =>
      t.client.listCaptureSets({ projectId: t.project, limit: 1000, offset: 0 }, t.anonymous),
    status: 200,
    allow: {
      nullable: [...PAGE_LINKS, ...prefixed('results[].', SET_NULLABLE)],
      opaque: ['results[].kwargs'],
    },
  },
  {
    name: 'capture-set detail with its jobs',
    method: 'getCaptureSet',
    run: (t) => t.client.getCaptureSet(t.set, t.manager),
    status: 200,
    allow: { opaque: ['kwargs'] },
  },
  {
    name: 'capture-set detail that does not exist: 404',
    method: 'getCaptureSet',
    run: (t) => t.client.getCaptureSet(2_000_000_000, t.anonymous),
    status: 404,
  },
  {
    name: 'capture-set page with counts and no project: 400',
    method: 'listCaptureSets',
    run: (t) => t.client.listCaptureSets({ withCounts: true, limit: 1, offset: 0 }, t.anonymous),
    status: 400,
  },
  {
    name: 'a bad token: 401',
    method: 'getCaptureSet',
    run: (t) => t.client.getCaptureSet(t.set, t.badToken),
    status: 401,
  },
  {
    name: 'project page',
    method: 'listProjects',
    run: (t) => t.client.listProjects({ limit: 1, offset: 0 }, t.manager),
    status: 200,
    allow: { nullable: [...PAGE_LINKS, 'results[].image'] },
  },
  {
    name: 'project detail without charts',
    method: 'getProject',
    run: (t) => t.client.getProject(t.project, t.manager),
    status: 200,
    allow: {
      nullable: [
        'image',
        'owner.image',
        'settings.default_processing_pipeline',
        'deployments[].image',
      ],
      opaque: ['settings.default_filters_include_taxa', 'settings.default_filters_exclude_taxa'],
    },
  },
  {
    name: 'project detail that does not exist: 404',
    method: 'getProject',
    run: (t) => t.client.getProject(2_000_000_000, t.anonymous),
    status: 404,
  },
  {
    name: "a project's jobs, newest first",
    method: 'listJobs',
    run: (t) =>
      t.client.listJobs(
        { projectId: t.project, ordering: '-created_at', limit: 2, offset: 0 },
        t.manager,
      ),
    status: 200,
    allow: {
      nullable: [...PAGE_LINKS, ...prefixed('results[].', JOB_NULLABLE)],
      opaque: ['results[].progress.stages[].params[].value'],
    },
  },
  {
    name: "a capture set's jobs of one status and type",
    method: 'listJobs',
    run: (t) =>
      t.client.listJobs(
        {
          captureSetId: t.set,
          status: 'SUCCESS',
          jobTypeKey: 'populate_captures_collection',
          limit: 10,
          offset: 0,
        },
        t.manager,
      ),
    status: 200,
    allow: {
      nullable: [...PAGE_LINKS, ...prefixed('results[].', JOB_NULLABLE)],
      opaque: ['results[].progress.stages[].params[].value'],
    },
  },
  {
    name: 'job detail',
    method: 'getJob',
    run: (t) => t.client.getJob(t.job, t.manager),
    status: 200,
    allow: { nullable: JOB_NULLABLE, opaque: ['result', 'progress.stages[].params[].value'] },
  },
  {
    name: 'job detail that does not exist: 404',
    method: 'getJob',
    run: (t) => t.client.getJob(2_000_000_000, t.anonymous),
    status: 404,
  },
  {
    name: "a capture set's captures by timestamp, second page",
    method: 'listCaptures',
    run: (t) =>
      t.client.listCaptures(
        { projectId: t.project, captureSetId: t.set, ordering: 'timestamp', limit: 1, offset: 1 },
        t.manager,
      ),
    status: 200,
    allow: { nullable: [...PAGE_LINKS, ...prefixed('results[].', CAPTURE_NULLABLE)] },
  },
  {
    name: 'captures of a project that does not exist: 404',
    method: 'listCaptures',
    run: (t) =>
      t.client.listCaptures(
        { projectId: 2_000_000_000, ordering: 'timestamp', limit: 1 },
        t.anonymous,
      ),
    status: 404,
  },
  {
    name: 'capture detail in its project',
    method: 'getCapture',
    run: (t) => t.client.getCapture(t.capture, t.project, t.manager),
    status: 200,
    allow: { nullable: CAPTURE_NULLABLE },
  },
  {
    name: 'capture-set create with a blank name and no project: 400',
    method: 'createCaptureSet',
    run: (t) => t.client.createCaptureSet({ name: ' ' }, t.manager),
    status: 400,
  },
  {
    name: 'capture-set create by a user of no project: 403',
    method: 'createCaptureSet',
    run: (t) =>
      t.client.createCaptureSet({ name: uniqueName('outsider'), project: t.project }, t.outsider),
    status: 403,
  },
  {
    name: 'capture-set create: 201 with null counts',
    method: 'createCaptureSet',
    run: async (t, created) => {
      const set = await t.client.createCaptureSet(
        {
          name: uniqueName('differential'),
          project: t.project,
          method: 'random',
          kwargs: { size: 2 },
        },
        t.manager,
      );
      created.set = set.id;
      if (t.name === 'Antenna') createdSet(set.id);
      return set;
    },
    status: 201,
    allow: { opaque: ['kwargs'] },
  },
  {
    name: 'capture-set update (PATCH)',
    method: 'updateCaptureSet',
    run: (t, created) =>
      t.client.updateCaptureSet(created.set!, { description: 'Tidied' }, t.manager),
    status: 200,
    allow: { opaque: ['kwargs'] },
  },
  {
    name: 'capture-set populate',
    method: 'populateCaptureSet',
    run: (t, created) => t.client.populateCaptureSet(created.set!, t.manager),
    status: 200,
  },
  {
    name: 'job create',
    method: 'createJob',
    run: async (t, created) => {
      const job = await t.client.createJob(
        {
          name: uniqueName('differential'),
          project_id: t.project,
          source_image_collection_id: created.set!,
          job_type_key: 'populate_captures_collection',
        },
        false,
        t.manager,
      );
      created.job = job.id;
      return job;
    },
    status: 201,
    allow: { nullable: JOB_NULLABLE, opaque: ['result', 'progress.stages[].params[].value'] },
  },
  ...(['run', 'retry', 'cancel'] as const).map(
    (action): Case => ({
      name: `job ${action}`,
      method: 'jobAction',
      run: (t, created) => t.client.jobAction(created.job!, action, t.manager),
      status: 200,
      allow: { nullable: JOB_NULLABLE, opaque: ['result', 'progress.stages[].params[].value'] },
    }),
  ),
  {
    name: 'job action by a user of no project: 403',
    method: 'jobAction',
    run: (t) => t.client.jobAction(t.publicJob, 'run', t.outsider),
    status: 403,
  },
  {
    name: 'capture-set delete: 204',
    method: 'deleteCaptureSet',
    run: (t, created) => t.client.deleteCaptureSet(created.set!, t.manager),
    status: 204,
  },
];
