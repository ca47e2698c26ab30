/**
 * Projects of the fake Beluga: the seed projects, two drafts, then generated ones, each with its
 * deployments. The order of the draws from the Rng is part of the dataset (dataset-beluga.ts).
 */
import type { Rng } from './prng.ts';
import type { CaptureSetRecord, DatasetScale, ProjectRecord } from './records.ts';
import type { SeedCaptureSet } from './seeds.ts';
import { DAY_MS, formatNaive, naiveMs } from './time.ts';

export const SEED_PROJECT_IDS = [1, 16, 18, 20, 23, 24, 39, 45, 46, 67, 84, 85];
export const DRAFT_PROJECT_IDS = [90, 91];

export const PLACES = [
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

/**
 * The seed projects (created before their earliest seed set), the two draft ones, then generated
 * ones (every tenth a draft) up to `scale.projects`.
 */
export function generateProjects(
  rng: Rng,
  scale: DatasetScale,
  seedSets: SeedCaptureSet[],
): Map<number, ProjectRecord> {
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
  return projects;
}

/** A project was last updated when it or its newest set was. */
export function touchProjects(
  projects: ProjectRecord[],
  sets: Map<number, CaptureSetRecord>,
): void {
  for (const p of projects) {
    const latest = [...sets.values()].filter((s) => s.project === p.id).map((s) => s.updatedAt);
    p.updatedAt = [p.createdAt, ...latest].sort().at(-1)!;
  }
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
