/**
 * What the suite leaves behind on the Antenna under test, and how it tolerates what an earlier
 * run left: every object it creates is named with NAME_PREFIX; `sweep` deletes such jobs, such
 * capture sets with their jobs (populate jobs are named after the set), the jobs as the superuser
 * (only superusers may delete jobs), the sets as the project manager.
 */
import type { AntennaEnv } from './env.ts';
import { rest } from './harness.ts';

export const NAME_PREFIX = 'contract-suite';

/** A name no earlier run used: the prefix, the time and a random tail. */
export function uniqueName(what: string): string {
  return `${NAME_PREFIX} ${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

interface Named {
  id: number;
  name: string | null;
  /** A capture set's jobs (a populate names its job after the set, not with the prefix). */
  jobs?: { id: number }[];
}

async function ours(env: AntennaEnv, path: string, token: string): Promise<Named[]> {
  const page = await rest(env.url, 'GET', `${path}?project_id=${env.projectId}&limit=1000`, {
    token,
  });
  if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
  return (page.json.results as Named[]).filter((o) => o.name?.startsWith(NAME_PREFIX));
}

/** Capture sets this test file created: their populate jobs outlive them, named after them. */
const createdSets = new Set<number>();

export function createdSet(id: number): void {
  createdSets.add(id);
}

/** A populate job of a set this file created (Antenna names it "Populate captures for …"). */
function populateOfOurs(job: Named): boolean {
  const match = /^Populate captures for capture set (\d+)$/.exec(job.name ?? '');
  return match !== null && createdSets.has(Number(match[1]));
}

/** Deletes the capture sets and jobs this suite made in the project. */
export async function sweep(env: AntennaEnv): Promise<void> {
  const jobs = await rest(env.url, 'GET', `/api/v2/jobs/?project_id=${env.projectId}&limit=1000`, {
    token: env.superuserToken,
  });
  for (const job of (jobs.json?.results ?? []) as Named[]) {
    if (!job.name?.startsWith(NAME_PREFIX) && !populateOfOurs(job)) continue;
    await rest(env.url, 'DELETE', `/api/v2/jobs/${job.id}/`, { token: env.superuserToken });
  }
  const sets = await ours(env, '/api/v2/captures/collections/', env.managerToken);
  for (const set of sets) {
    for (const job of set.jobs ?? []) {
      await rest(env.url, 'DELETE', `/api/v2/jobs/${job.id}/`, { token: env.superuserToken });
    }
    const gone = await rest(env.url, 'DELETE', `/api/v2/captures/collections/${set.id}/`, {
      token: env.managerToken,
    });
    if (gone.status !== 204 && gone.status !== 404) {
      throw new Error(`DELETE capture set ${set.id}: ${gone.status}`);
    }
  }
}
