/**
 * What the suite leaves behind on the Antenna under test, and how it tolerates what an earlier
 * run left: every object it creates is named with NAME_PREFIX; `sweep` deletes such capture sets
 * (as the project manager) and jobs (as the superuser: only superusers may delete jobs).
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
}

async function ours(env: AntennaEnv, path: string, token: string): Promise<Named[]> {
  const page = await rest(env.url, 'GET', `${path}?project_id=${env.projectId}&limit=1000`, {
    token,
  });
  if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
  return (page.json.results as Named[]).filter((o) => o.name?.startsWith(NAME_PREFIX));
}

/** Deletes the capture sets and jobs named with NAME_PREFIX in the project. */
export async function sweep(env: AntennaEnv): Promise<void> {
  for (const job of await ours(env, '/api/v2/jobs/', env.superuserToken)) {
    await rest(env.url, 'DELETE', `/api/v2/jobs/${job.id}/`, { token: env.superuserToken });
  }
  const sets = await ours(env, '/api/v2/captures/collections/', env.managerToken);
  for (const set of sets) {
    const gone = await rest(env.url, 'DELETE', `/api/v2/captures/collections/${set.id}/`, {
      token: env.managerToken,
    });
    if (gone.status !== 204 && gone.status !== 404) {
      throw new Error(`DELETE capture set ${set.id}: ${gone.status}`);
    }
  }
}
