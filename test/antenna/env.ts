/**
 * What the contract suite needs to reach an Antenna: its URL and tokens, as
 * `../shared/antenna/start.sh` prints them (or set by hand for any other Antenna). `missing()`
 * lists what is not set; `antennaEnv()` reads them once the runner has checked.
 */

export interface AntennaEnv {
  /** Origin of the Antenna API (the API is under /api/v2/). */
  url: string;
  /** A project manager of `projectId`. */
  managerToken: string;
  /** A user who belongs to no project. */
  outsiderToken: string;
  /** A superuser: removes the jobs the suite created (only superusers may delete jobs). */
  superuserToken: string;
  /** A project that is not a draft, with at least one capture set. */
  projectId: number;
  /** A capture set of `projectId` with captures. */
  captureSetId: number;
}

export const REQUIRED: Record<string, string> = {
  ANTENNA_URL: 'origin of the Antenna API, e.g. http://127.0.0.1:8765 (the API is under /api/v2/)',
  ANTENNA_TOKEN: 'API token of a project manager of ANTENNA_PROJECT_ID',
  ANTENNA_OUTSIDER_TOKEN: 'API token of a user who belongs to no project',
  ANTENNA_SUPERUSER_TOKEN: 'API token of a superuser (deletes the jobs the suite creates)',
  ANTENNA_PROJECT_ID: 'a public (not draft) project with capture sets',
  ANTENNA_CAPTURE_SET_ID: 'a capture set of that project with captures',
};

export function missing(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(REQUIRED).filter((name) => !env[name]?.trim());
}

const positive = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};

export function antennaEnv(env: NodeJS.ProcessEnv = process.env): AntennaEnv {
  const absent = missing(env);
  if (absent.length > 0) throw new Error(`not set: ${absent.join(', ')}`);
  const value = (name: string) => env[name]!.trim();
  return {
    url: value('ANTENNA_URL').replace(/\/+$/, ''),
    managerToken: value('ANTENNA_TOKEN'),
    outsiderToken: value('ANTENNA_OUTSIDER_TOKEN'),
    superuserToken: value('ANTENNA_SUPERUSER_TOKEN'),
    projectId: positive('ANTENNA_PROJECT_ID', value('ANTENNA_PROJECT_ID')),
    captureSetId: positive('ANTENNA_CAPTURE_SET_ID', value('ANTENNA_CAPTURE_SET_ID')),
  };
}
