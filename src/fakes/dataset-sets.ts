/**
 * Capture sets of the fake Beluga: the seed ones as recorded, then generated ones that keep the
 * seeds' first page reproducible (the rules in dataset-beluga.ts's header).
 */
import { DRAFT_PROJECT_IDS, PLACES, SEED_PROJECT_IDS } from './dataset-projects.ts';
import type { Rng } from './prng.ts';
import type { CaptureSetRecord, DatasetScale, ProjectRecord } from './records.ts';
import type { SeedCaptureSet } from './seeds.ts';
import { DAY_MS, formatNaive, naiveMs } from './time.ts';

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

export function fromSeed(seed: SeedCaptureSet, rng: Rng): CaptureSetRecord {
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

/**
 * Adds generated sets to `sets` (ids the seeds leave free) up to `scale.captureSets`: first
 * VISIBLE_GENERATED in seed projects, then one per DRAFT_METHODS in the draft projects, then
 * anywhere. Returns the ids of those in draft projects.
 */
export function generateSets(
  rng: Rng,
  scale: DatasetScale,
  given: {
    seedSets: SeedCaptureSet[];
    seedIds: Set<number>;
    sets: Map<number, CaptureSetRecord>;
    projects: Map<number, ProjectRecord>;
    allProjects: ProjectRecord[];
  },
): number[] {
  const { seedIds, sets } = given;
  const draftSets: number[] = [];
  let nextId = 1;
  const total = Math.max(
    scale.captureSets,
    given.seedSets.length + VISIBLE_GENERATED + DRAFT_METHODS.length,
  );
  for (let k = 0; sets.size < total; k++) {
    while (seedIds.has(nextId)) nextId++;
    const id = nextId++;
    const owner = ownerFor(k, given, rng);
    const method = methodFor(k, id, owner, rng);
    if (owner.draft) draftSets.push(id);
    sets.set(id, generatedSet(id, owner, method, rng));
  }
  return draftSets;
}

/** The k-th generated set's project: a seed project, a draft one, then any. */
function ownerFor(
  k: number,
  { projects, allProjects }: { projects: Map<number, ProjectRecord>; allProjects: ProjectRecord[] },
  rng: Rng,
): ProjectRecord {
  if (k < VISIBLE_GENERATED) return projects.get(rng.pick(SEED_PROJECT_IDS))!;
  if (k < VISIBLE_GENERATED + DRAFT_METHODS.length) {
    return projects.get(DRAFT_PROJECT_IDS[k % 2]!)!;
  }
  return rng.pick(allProjects);
}

/** Draft projects get each DRAFT_METHODS once, then any; visible ones the low-sorting methods. */
function methodFor(k: number, id: number, owner: ProjectRecord, rng: Rng): string {
  if (owner.draft) {
    const j = k - VISIBLE_GENERATED;
    return j >= 0 && j < DRAFT_METHODS.length ? DRAFT_METHODS[j]! : rng.pick(METHODS);
  }
  return rng.pick(id > 15 ? LOW_METHODS : LOW_METHODS.slice(0, -1));
}

function generatedSet(
  id: number,
  owner: ProjectRecord,
  method: string,
  rng: Rng,
): CaptureSetRecord {
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
  return {
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
  };
}
