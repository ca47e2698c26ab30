/**
 * Beluga records around the seeds. seeds/001 (anonymous `?ordering=-method`, first page) must be
 * reproduced exactly, so anonymous-visible sets obey: the only `starred` and `random` sets are the
 * seed ones, nothing visible sorts between them (`stratified_random`, `random_from_each_event`,
 * `manual` live in draft projects only), and visible `last_and_random_from_each_event` sets other
 * than the seeds have ids above 15. The default scale has exactly 72 visible sets.
 */

import { generateJobs } from './dataset-jobs.ts';
import type { Rng } from './prng.ts';
import type { CaptureSetRecord, DatasetScale, JobRecord, ProjectRecord } from './records.ts';
import { loadSeeds, type SeedCaptureSet } from './seeds.ts';
import { DAY_MS, formatNaive, naiveMs } from './time.ts';

export const SEED_PROJECT_IDS = [1, 16, 18, 20, 23, 24, 39, 45, 46, 67, 84, 85];
export const DRAFT_PROJECT_IDS = [90, 91];
const VISIBLE_GENERATED = 51;
const DRAFT_METHODS = [
  'stratified_random',
  'random_from_each_event',
  'manual',
  'starred',
  'full',
  'interval',
  'random',
  'last_and_random_from_each_event',
  'detections_only',
];
const LOW_METHODS = [
  'interval',
  'greatest_file_size_from_each_event',
  'full',
  'detections_only',
  'common_combined',
  'last_and_random_from_each_event',
];
export const METHODS = [...new Set([...DRAFT_METHODS, ...LOW_METHODS, 'starred', 'random'])].sort();

const PLACES = [
  'Panama',
  'Vermont',
  'Quebec',
  'Denmark',
  'Costa Rica',
  'Kenya',
  'Borneo',
  'Insectarium',
  'Newfoundland',
  'Ecuador',
  'Madagascar',
  'Scotland',
  'Oregon',
  'Japan',
  'Peru',
  'Finland',
];

function kwargsFor(method: string, rng: Rng): Record<string, unknown> {
  switch (method) {
    case 'interval':
      return { minute_interval: rng.pick([5, 10, 15, 30, 60]) };
    case 'random':
      return { size: rng.pick([50, 100, 500]) };
    case 'common_combined':
      return { minute_interval: 30, max_num: rng.pick([100, 500]), shuffle: true };
    case 'last_and_random_from_each_event':
    case 'random_from_each_event':
      return { num_each: rng.int(1, 10) };
    case 'greatest_file_size_from_each_event':
      return { num_each: 1 };
    case 'full':
      return rng.next() < 0.5 ? {} : { hour_start: 20, hour_end: 6 };
    default:
      return {};
  }
}

function nameFor(method: string, id: number, rng: Rng): string {
  const place = rng.pick(PLACES);
  if (method === 'starred') return 'Starred Images';
  if (method === 'random') return `Random ${id}`;
  return `${place} ${method.replaceAll('_', ' ')} #${id}`;
}

function fromSeed(seed: SeedCaptureSet, rng: Rng): CaptureSetRecord {
  const occurrences =
    seed.occurrences_count ?? seed.source_images_with_detections_count * rng.int(1, 4);
  return {
    id: seed.id,
    name: seed.name,
    project: seed.project,
    method: seed.method,
    kwargs: seed.kwargs,
    description: seed.description,
    sourceImagesCount: seed.source_images_count,
    withDetectionsCount: seed.source_images_with_detections_count,
    processedCount: seed.source_images_processed_count,
    occurrencesCount: occurrences,
    taxaCount: seed.taxa_count ?? Math.min(occurrences, rng.int(0, 200)),
    createdAt: seed.created_at,
    updatedAt: seed.updated_at,
    jobIds: seed.jobs.map((job) => job.id),
    ...captureWindow(seed.created_at, seed.source_images_count, rng),
  };
}

function captureWindow(createdAt: string, count: number, rng: Rng) {
  const span = rng.int(10, 120) * DAY_MS;
  const step = count > 0 ? Math.max(1000, Math.floor(span / count / 1000) * 1000) : 60_000;
  const start = Math.floor((naiveMs(createdAt) - DAY_MS - step * count) / 1000) * 1000;
  return { captureStartMs: start, captureStepMs: step };
}

function project(id: number, draft: boolean, createdMs: number, rng: Rng): ProjectRecord {
  const place = rng.pick(PLACES);
  const created = formatNaive(createdMs, rng.int(1, 999));
  return {
    id,
    name: draft ? `Draft: ${place} pilot ${id}` : `${place} ${2022 + (id % 4)}`,
    description: draft ? '' : `Light traps in ${place}`,
    draft,
    active: true,
    priority: id === 23 ? 2 : 1,
    createdAt: created,
    updatedAt: created,
    image: rng.next() < 0.3 ? `/media/projects/project-${id}.jpg` : null,
    deployments: Array.from({ length: rng.int(1, 5) }, (_, k) => ({
      id: id * 10 + k,
      name: `${place} station ${k + 1}`,
      latitude: Math.round(rng.next() * 9000) / 100,
      longitude: Math.round(-rng.next() * 18000) / 100,
      events: rng.int(5, 200),
    })),
    owner: { id: 100 + (id % 7), name: `Researcher ${100 + (id % 7)}` },
  };
}

export function generateBeluga(rng: Rng, scale: DatasetScale) {
  const seeds = loadSeeds();
  const seedSets = [...seeds.captureSetsPage.results, seeds.captureSet21];
  const sets = new Map<number, CaptureSetRecord>();
  for (const seed of seedSets) sets.set(seed.id, fromSeed(seed, rng));

  const projects = new Map<number, ProjectRecord>();
  for (const id of SEED_PROJECT_IDS) {
    const earliest = Math.min(
      ...seedSets.filter((s) => s.project === id).map((s) => naiveMs(s.created_at)),
    );
    projects.set(id, project(id, false, earliest - rng.int(1, 60) * DAY_MS, rng));
  }
  const base = naiveMs('2023-06-01T09:00:00');
  for (const id of DRAFT_PROJECT_IDS)
    projects.set(id, project(id, true, base + rng.int(0, 600) * DAY_MS, rng));
  for (let k = 0; projects.size < scale.projects; k++) {
    projects.set(101 + k, project(101 + k, k % 10 === 9, base + rng.int(0, 700) * DAY_MS, rng));
  }

  const seedIds = new Set(sets.keys());
  const draftSets: number[] = [];
  const allProjects = [...projects.values()];
  let nextId = 1;
  const total = Math.max(
    scale.captureSets,
    seedSets.length + VISIBLE_GENERATED + DRAFT_METHODS.length,
  );
  for (let k = 0; sets.size < total; k++) {
    while (seedIds.has(nextId)) nextId++;
    const id = nextId++;
    let owner: ProjectRecord;
    let method: string;
    if (k < VISIBLE_GENERATED) {
      owner = projects.get(rng.pick(SEED_PROJECT_IDS))!;
    } else if (k < VISIBLE_GENERATED + DRAFT_METHODS.length) {
      owner = projects.get(DRAFT_PROJECT_IDS[k % 2]!)!;
    } else {
      owner = rng.pick(allProjects);
    }
    if (owner.draft) {
      const j = k - VISIBLE_GENERATED;
      method = j >= 0 && j < DRAFT_METHODS.length ? DRAFT_METHODS[j]! : rng.pick(METHODS);
    } else {
      const pool = id > 15 ? LOW_METHODS : LOW_METHODS.slice(0, -1);
      method = rng.pick(pool);
    }
    if (owner.draft) draftSets.push(id);
    const kwargs = kwargsFor(method, rng);
    const count =
      method === 'random' ? Number(kwargs.size) : rng.next() < 0.05 ? 0 : rng.int(1, 3000);
    const processed = rng.int(0, count);
    const withDetections = rng.int(0, processed);
    const occurrences = withDetections * rng.int(0, 4);
    const created = formatNaive(
      naiveMs(owner.createdAt) + rng.int(1, 400) * DAY_MS + rng.int(0, 86_399_999),
      rng.int(0, 999),
    );
    sets.set(id, {
      id,
      name: nameFor(method, id, rng),
      project: owner.id,
      method,
      kwargs,
      description: rng.next() < 0.3 ? `Sampled with ${method}` : '',
      sourceImagesCount: count,
      withDetectionsCount: withDetections,
      processedCount: processed,
      occurrencesCount: occurrences,
      taxaCount: Math.min(occurrences, rng.int(0, 300)),
      createdAt: created,
      updatedAt: created,
      jobIds: [],
      ...captureWindow(created, count, rng),
    });
  }

  const jobs: Map<number, JobRecord> = generateJobs(rng, scale.jobs, {
    seedSets,
    sets,
    projects,
    seedIds,
  });
  for (const p of projects.values()) {
    const latest = [...sets.values()].filter((s) => s.project === p.id).map((s) => s.updatedAt);
    p.updatedAt = [p.createdAt, ...latest].sort().at(-1)!;
  }
  const draftProjects = allProjects.filter((p) => p.draft).map((p) => p.id);
  return {
    projects,
    captureSets: sets,
    jobs,
    ids: {
      draftProjects,
      draftCaptureSets: draftSets,
      draftJobs: [...jobs.values()]
        .filter((j) => draftProjects.includes(j.project))
        .map((j) => j.id),
      seedCaptureSets: seedSets.map((s) => s.id),
    },
  };
}
