/**
 * Deterministic fake dataset: the same seed and scale always give the same records. The default
 * scale holds the recorded seed payloads verbatim and just enough generated records around them
 * (see dataset-beluga.ts for the constraints that keep seeds/001 reproducible).
 */

import type { RoleName } from './beluga/roles.ts';
import { ROLE_NAMES } from './beluga/roles.ts';
import { generateBeluga } from './dataset-beluga.ts';
import { generateWickson } from './dataset-wickson.ts';
import { createRng } from './prng.ts';
import type { Dataset, DatasetScale, UserRecord } from './records.ts';

/** Project manager of every draft project (writes everything there), not a superuser. */
export const FAKE_MEMBER_TOKEN = '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e';
/** A valid token whose user belongs to no project. */
export const FAKE_OUTSIDER_TOKEN = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
/** A superuser: sees and may do everything (the only one who may delete jobs). */
export const FAKE_SUPERUSER_TOKEN = '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a01';

/** A public project where every role user below holds its role too (the others see it read-only). */
export const FAKE_ROLE_PROJECT = 16;

/**
 * One user per Antenna project role (ami/users/roles.py), each holding that role in every draft
 * project and in FAKE_ROLE_PROJECT; `FAKE_MEMBER_TOKEN` is the project manager.
 */
export const FAKE_ROLE_TOKENS: Readonly<Record<RoleName, string>> = {
  BasicMember: '1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b01',
  Researcher: '2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c01',
  Identifier: '3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d01',
  MLDataManager: '4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e01',
  ProjectManager: FAKE_MEMBER_TOKEN,
};
/** A valid Wickson key without the read capability (403 INSUFFICIENT_PERMISSIONS). */
export const WICKSON_NO_READ_KEY = 'no-read-key';

export type {
  CaptureSetRecord,
  Dataset,
  DatasetScale,
  JobRecord,
  JobType,
  MediaRecord,
  PipelineRecord,
  ProjectRecord,
  UserRecord,
  WicksonCollectionRecord,
} from './records.ts';

/** The seed records alone: smaller scales are refused (`generateDataset` throws). */
export const MIN_SCALE: DatasetScale = {
  projects: 14,
  captureSets: 81,
  jobs: 28,
  wicksonCollections: 4,
  wicksonLargeItems: 0,
};

export const DEFAULT_SCALE: DatasetScale = {
  projects: 14,
  captureSets: 81,
  jobs: 100,
  wicksonCollections: 4,
  wicksonLargeItems: 0,
};

export function generateDataset(
  options: { seed?: number; scale?: Partial<DatasetScale> } = {},
): Dataset {
  const seed = options.seed ?? 1;
  const scale = { ...DEFAULT_SCALE, ...options.scale };
  for (const key of Object.keys(MIN_SCALE) as (keyof DatasetScale)[]) {
    if (!(scale[key] >= MIN_SCALE[key])) {
      throw new RangeError(`scale.${key} must be at least ${MIN_SCALE[key]} (the seed records)`);
    }
  }
  const rng = createRng(seed);
  const beluga = generateBeluga(rng, scale);
  const wickson = generateWickson(
    createRng(seed ^ 0x5eed),
    scale.wicksonCollections,
    scale.wicksonLargeItems,
  );
  const users = createUsers(beluga.ids.draftProjects);
  return { seed, scale, ...beluga, users, wickson };
}

/** The outsider, the superuser and one user per role (ids 7–13), keyed by token. */
function createUsers(draftProjects: number[]): Map<string, UserRecord> {
  const projects = [FAKE_ROLE_PROJECT, ...draftProjects];
  const user = (id: number, name: string, token: string, role?: RoleName): UserRecord => ({
    id,
    name,
    token,
    roles: new Map(role ? projects.map((p) => [p, role]) : []),
    superuser: false,
  });
  const byRole = ROLE_NAMES.filter((role) => role !== 'ProjectManager').map((role, i) =>
    user(9 + i, `Fake ${role}`, FAKE_ROLE_TOKENS[role], role),
  );
  return new Map(
    [
      user(7, 'Fake Member', FAKE_MEMBER_TOKEN, 'ProjectManager'),
      user(8, 'Fake Outsider', FAKE_OUTSIDER_TOKEN),
      ...byRole,
      { ...user(13, 'Fake Superuser', FAKE_SUPERUSER_TOKEN), superuser: true },
    ].map((u) => [u.token, u]),
  );
}
