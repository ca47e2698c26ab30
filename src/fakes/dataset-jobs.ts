/** Jobs: every job of the seeds' embedded summaries, then generated ones. */

import type { Rng } from './prng.ts';
import type { CaptureSetRecord, JobRecord, PipelineRecord, ProjectRecord } from './records.ts';
import type { SeedCaptureSet } from './seeds.ts';
import { formatNaive, naiveMs } from './time.ts';

export const JOB_TYPE_NAMES: Record<string, string> = {
  ml: 'ML pipeline',
  populate_captures_collection: 'Populate capture set',
  data_storage_sync: 'Data storage sync',
  regroup_events: 'Regroup sessions',
  data_export: 'Data Export',
  post_processing: 'Post Processing',
  unknown: 'Unknown',
};
export const JOB_STATUSES = [
  'CREATED',
  'PENDING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'RETRY',
  'CANCELING',
  'REVOKED',
  'RECEIVED',
  'UNKNOWN',
];
export const FINAL_STATUSES = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
const STATUS_WEIGHTS = [
  'SUCCESS',
  'SUCCESS',
  'SUCCESS',
  'SUCCESS',
  'SUCCESS',
  'FAILURE',
  'FAILURE',
  'STARTED',
  'PENDING',
  'CREATED',
  'REVOKED',
  'RETRY',
  'CANCELING',
  'RECEIVED',
  'UNKNOWN',
];
export const PIPELINES: PipelineRecord[] = [
  {
    id: 3,
    name: 'Quebec & Vermont moths 2023',
    slug: 'quebec-vermont-moths-2023',
    createdAt: '2023-09-12T14:00:00',
  },
  { id: 7, name: 'Panama moths 2024', slug: 'panama-moths-2024', createdAt: '2024-03-01T12:00:00' },
  {
    id: 9,
    name: 'Global moths (binary + species)',
    slug: 'global-moths-2024',
    createdAt: '2024-06-20T08:30:12.250000',
  },
];

function times(status: string, created: string, updated: string) {
  const startedMs = naiveMs(created) + 2_345;
  const started = status === 'CREATED' || status === 'PENDING' || status === 'RECEIVED';
  return {
    startedAt: started ? null : formatNaive(Math.min(startedMs, naiveMs(updated)), 117),
    finishedAt: FINAL_STATUSES.has(status) ? updated : null,
  };
}

interface Context {
  seedSets: SeedCaptureSet[];
  sets: Map<number, CaptureSetRecord>;
  projects: Map<number, ProjectRecord>;
  seedIds: Set<number>;
}

export function generateJobs(rng: Rng, target: number, ctx: Context): Map<number, JobRecord> {
  const jobs = new Map<number, JobRecord>();
  for (const seed of ctx.seedSets) {
    for (const summary of seed.jobs) {
      const ml = summary.job_type.key === 'ml';
      jobs.set(summary.id, {
        id: summary.id,
        name: ml ? `Process '${seed.name}'` : `Populate '${seed.name}'`,
        project: seed.project,
        captureSet: seed.id,
        pipeline: ml ? rng.pick(PIPELINES) : null,
        status: summary.status,
        jobType: summary.job_type,
        createdAt: summary.created_at,
        updatedAt: summary.updated_at,
        ...times(summary.status, summary.created_at, summary.updated_at),
        dispatchMode: ml ? 'sync_api' : 'internal',
        total: seed.source_images_count,
      });
    }
  }
  const generatedSets = [...ctx.sets.values()].filter((s) => !ctx.seedIds.has(s.id));
  const projects = [...ctx.projects.values()];
  let id = 1300;
  while (jobs.size < target) {
    id += rng.int(1, 3);
    const set = rng.next() < 0.75 ? rng.pick(generatedSets) : null;
    const key = set
      ? rng.pick(['ml', 'ml', 'populate_captures_collection'])
      : rng.pick(['data_storage_sync', 'regroup_events', 'data_export', 'post_processing']);
    const status = rng.pick(STATUS_WEIGHTS);
    const projectId = set ? set.project : rng.pick(projects).id;
    const base = naiveMs(set ? set.createdAt : ctx.projects.get(projectId)!.createdAt);
    const createdMs = base + rng.int(60_000, 200 * 86_400_000);
    const created = formatNaive(createdMs, rng.int(0, 999));
    const updated = formatNaive(createdMs + rng.int(5_000, 6 * 3_600_000), rng.int(0, 999));
    jobs.set(id, {
      id,
      name: set
        ? `${key === 'ml' ? 'Process' : 'Populate'} '${set.name}'`
        : `${JOB_TYPE_NAMES[key]} #${id}`,
      project: projectId,
      captureSet: set ? set.id : null,
      pipeline: key === 'ml' ? rng.pick(PIPELINES) : null,
      status,
      jobType: { name: JOB_TYPE_NAMES[key]!, key },
      createdAt: created,
      updatedAt: updated,
      ...times(status, created, updated),
      dispatchMode: key === 'ml' ? rng.pick(['sync_api', 'async_api']) : 'internal',
      total: set ? set.sourceImagesCount : rng.int(10, 5000),
    });
  }
  const bySet = new Map<number, JobRecord[]>();
  for (const job of jobs.values()) {
    if (job.captureSet === null || ctx.seedIds.has(job.captureSet)) continue;
    bySet.set(job.captureSet, [...(bySet.get(job.captureSet) ?? []), job]);
  }
  for (const [setId, list] of bySet) {
    const set = ctx.sets.get(setId)!;
    list.sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id,
    );
    set.jobIds = list.map((j) => j.id);
    const latest = list[0]!.updatedAt;
    if (latest > set.updatedAt) set.updatedAt = latest;
  }
  return jobs;
}
