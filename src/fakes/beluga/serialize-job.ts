/**
 * Job list and detail shapes (Antenna's job serializers): detail adds `result` and real log lines.
 */

import type { JobRecord } from '../dataset.ts';
import { FINAL_STATUSES } from '../dataset-jobs.ts';
import type { FakeRequest } from '../types.ts';
import { jobPermissions, objectPermissions, pipelinePermissions, type Viewer } from './access.ts';
import { link } from './drf.ts';
import { setPermissions } from './serialize.ts';

const STAGES: Record<string, { key: string; name: string; params: string[] }[]> = {
  ml: [
    { key: 'collect', name: 'Collect', params: ['Total Images'] },
    { key: 'process', name: 'Process', params: ['Processed', 'Remaining', 'Failed'] },
    { key: 'results', name: 'Results', params: ['Captures', 'Detections', 'Classifications'] },
  ],
  populate_captures_collection: [
    {
      key: 'populate_captures_collection',
      name: 'Populate captures collection',
      params: ['Captures Added'],
    },
  ],
  data_storage_sync: [
    { key: 'data_storage_sync', name: 'Data storage sync', params: ['Total Files', 'Failed'] },
    {
      key: 'regroup_sessions',
      name: 'Regroup sessions',
      params: ['Captures Grouped', 'Events Created'],
    },
  ],
  regroup_events: [
    {
      key: 'regroup_events',
      name: 'Regroup sessions',
      params: ['Captures Grouped', 'Events Created'],
    },
  ],
  data_export: [
    { key: 'data_export', name: 'Data Export', params: ['Exported Records'] },
    { key: 'uploading_snapshot', name: 'Uploading snapshot', params: ['File URL'] },
  ],
  post_processing: [{ key: 'post_processing', name: 'Post Processing', params: ['Processed'] }],
};

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_');

function stageState(
  status: string,
  index: number,
  last: number,
): { status: string; progress: number } {
  if (status === 'SUCCESS') return { status, progress: 1 };
  if (['CREATED', 'PENDING', 'RECEIVED', 'UNKNOWN'].includes(status))
    return { status: 'CREATED', progress: 0 };
  if (index < last) return { status: 'SUCCESS', progress: 1 };
  if (index > last) return { status: 'CREATED', progress: 0 };
  return { status, progress: status === 'FAILURE' || status === 'REVOKED' ? 0.4 : 0.5 };
}

/**
 * A stage of a job the fake runs (./job-runner.ts): stages complete one after another, so stage
 * `index` of `count` has done `runProgress × count − index` of its work; a cancelled run stops
 * the stage it was in with the job's status, as Antenna's update_progress leaves it.
 */
function runStageState(job: JobRecord, runProgress: number, index: number, count: number) {
  const done = Math.round(Math.min(1, Math.max(0, runProgress * count - index)) * 100) / 100;
  if (job.status === 'SUCCESS') return { status: 'SUCCESS', progress: 1 };
  if (done >= 1) return { status: 'SUCCESS', progress: 1 };
  if (done > 0 || (index === Math.floor(runProgress * count) && job.status !== 'PENDING')) {
    return { status: FINAL_STATUSES.has(job.status) ? job.status : 'STARTED', progress: done };
  }
  return { status: 'CREATED', progress: 0 };
}

export function progress(job: JobRecord) {
  const stages = STAGES[job.jobType.key] ?? STAGES.post_processing!;
  const active = Math.min(stages.length - 1, job.id % stages.length);
  const rendered = stages.map((stage, i) => {
    const state =
      job.runProgress === undefined
        ? stageState(job.status, i, active)
        : runStageState(job, job.runProgress, i, stages.length);
    return {
      ...state,
      key: stage.key,
      name: stage.name,
      params: stage.params.map((name, p) => ({
        name,
        key: slug(name),
        category: 'default',
        value: state.progress === 0 ? '' : Math.round((job.total * state.progress) / (p + 1)),
      })),
    };
  });
  const mean = rendered.reduce((n, s) => n + s.progress, 0) / rendered.length;
  return {
    summary: { status: job.status, progress: Math.round(mean * 100) / 100 },
    stages: rendered,
    errors: job.status === 'FAILURE' ? ['Processing failed'] : [],
    logs: [],
  };
}

function micros(text: string): number {
  return (
    Date.parse(`${text.slice(0, 19)}Z`) * 1000 + Number((text.slice(20) || '0').padEnd(6, '0'))
  );
}

export function duration(job: JobRecord): string | null {
  if (!job.startedAt || !job.finishedAt) return null;
  const seconds = (micros(job.finishedAt) - micros(job.startedAt)) / 1e6;
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

function logLines(job: JobRecord) {
  const stamp = (t: string) => `[${t.slice(0, 10)} ${t.slice(11, 19)}]`;
  const stdout = [`${stamp(job.createdAt)} INFO Job created`];
  if (job.startedAt) stdout.unshift(`${stamp(job.startedAt)} INFO Job started`);
  if (job.finishedAt)
    stdout.unshift(`${stamp(job.finishedAt)} INFO Job ${job.status.toLowerCase()}`);
  return { stdout, stderr: job.status === 'FAILURE' ? ['Processing failed'] : [] };
}

export function jobBody(req: FakeRequest, viewer: Viewer, job: JobRecord, detail: boolean) {
  const { dataset } = viewer;
  const project = dataset.projects.get(job.project)!;
  const set = job.captureSet === null ? null : dataset.captureSets.get(job.captureSet)!;
  const projectPerms = objectPermissions(viewer, job.project, 'project');
  return {
    id: job.id,
    details: link(req, `/api/v2/jobs/${job.id}/`),
    name: job.name,
    delay: 0,
    limit: null,
    shuffle: true,
    project: {
      id: project.id,
      name: project.name,
      details: link(req, `/api/v2/projects/${project.id}/`),
      user_permissions: projectPerms,
    },
    deployment: null,
    source_image_collection: set
      ? {
          id: set.id,
          name: set.name,
          details: link(req, `/api/v2/captures/collections/${set.id}/`),
          method: set.method,
          user_permissions: setPermissions(viewer, set),
        }
      : null,
    source_image_single: null,
    pipeline: job.pipeline
      ? {
          id: job.pipeline.id,
          details: link(req, `/api/v2/ml/pipelines/${job.pipeline.id}/`),
          name: job.pipeline.name,
          slug: job.pipeline.slug,
          description: '',
          version: 1,
          version_name: '',
          created_at: job.pipeline.createdAt,
          updated_at: job.pipeline.createdAt,
          user_permissions: pipelinePermissions(viewer),
        }
      : null,
    status: job.status,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    duration: duration(job),
    progress: progress(job),
    logs: detail ? logLines(job) : { stdout: [], stderr: [] },
    job_type: { name: job.jobType.name, key: job.jobType.key },
    data_export:
      job.jobType.key === 'data_export'
        ? {
            id: job.id,
            user: 4,
            project: job.project,
            format: 'csv',
            filters: null,
            file_url: FINAL_STATUSES.has(job.status)
              ? `${req.origin}/media/exports/export-${job.id}.csv`
              : null,
          }
        : null,
    dispatch_mode: job.dispatchMode,
    ...(detail ? { result: null } : {}),
    user_permissions: jobPermissions(viewer, job.project, job.jobType.key),
  };
}
