/**
 * Beluga records around the seeds. seeds/001 (anonymous `?ordering=-method`, first page) must be
 * reproduced exactly, so anonymous-visible sets obey: the only `starred` and `random` sets are the
 * seed ones, nothing visible sorts between them (`stratified_random`, `random_from_each_event`,
 * `manual` live in draft projects only), and visible `last_and_random_from_each_event` sets other
 * than the seeds have ids above 15. The default scale has exactly 72 visible sets.
 */

import { generateJobs } from './dataset-jobs.ts';
import { generateProjects, touchProjects } from './dataset-projects.ts';
import { fromSeed, generateSets } from './dataset-sets.ts';
import type { Rng } from './prng.ts';
import type { CaptureSetRecord, DatasetScale, JobRecord } from './records.ts';
import { loadSeeds } from './seeds.ts';

export function generateBeluga(rng: Rng, scale: DatasetScale) {
  const seeds = loadSeeds();
  const seedSets = [...seeds.captureSetsPage.results, seeds.captureSet21];
  const sets = new Map<number, CaptureSetRecord>();
  for (const seed of seedSets) sets.set(seed.id, fromSeed(seed, rng));
  const projects = generateProjects(rng, scale, seedSets);
  const seedIds = new Set(sets.keys());
  const allProjects = [...projects.values()];
  const draftSets = generateSets(rng, scale, { seedSets, seedIds, sets, projects, allProjects });
  const jobs: Map<number, JobRecord> = generateJobs(rng, scale.jobs, {
    seedSets,
    sets,
    projects,
    seedIds,
  });
  touchProjects(allProjects, sets);
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
