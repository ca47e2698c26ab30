/**
 * The role table the fake passes (Antenna's TestRolePermissions, test/helpers/
 * antenna-role-table.ts), run against the real Antenna: the outsider user is given each role on
 * the project in turn through Antenna's members API (as the project manager), then none. Its
 * membership is removed before (a leftover of an interrupted run) and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_CLASS, type RoleKey, roleMismatches } from '../helpers/antenna-role-table.ts';
import { createdSet, sweep, uniqueName } from './cleanup.ts';
import { type AntennaEnv, antennaEnv } from './env.ts';
import { rest } from './harness.ts';

let env: AntennaEnv;
let email = '';
const members = () => `/api/v2/projects/${env.projectId}/members/`;

/** The outsider's membership of the project, if it has one. */
async function membership(): Promise<number | undefined> {
  const page = await rest(env.url, 'GET', `${members()}?limit=1000`, { token: env.managerToken });
  if (page.status !== 200) throw new Error(`GET ${members()}: ${page.status}`);
  const own = (page.json.results as { id: number; user: { email: string } }[]).find(
    (m) => m.user.email === email,
  );
  return own?.id;
}

async function leave(): Promise<void> {
  const id = await membership();
  if (id === undefined) return;
  const gone = await rest(env.url, 'DELETE', `${members()}${id}/`, { token: env.managerToken });
  if (gone.status !== 204) throw new Error(`DELETE membership: ${gone.status}`);
}

async function assign(role: string): Promise<void> {
  const id = await membership();
  const body = { email, role_id: role };
  const answer =
    id === undefined
      ? await rest(env.url, 'POST', members(), { token: env.managerToken, body })
      : await rest(env.url, 'PATCH', `${members()}${id}/`, { token: env.managerToken, body });
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`assign ${role}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
}

beforeAll(async () => {
  env = antennaEnv();
  const me = await rest(env.url, 'GET', '/api/v2/users/me/', { token: env.outsiderToken });
  email = me.json?.email;
  if (!email) throw new Error('GET users/me/ with ANTENNA_OUTSIDER_TOKEN gave no email');
  await leave();
  await sweep(env);
});
afterAll(async () => {
  await leave();
  await sweep(env);
});

describe("Antenna's TestRolePermissions on the real Antenna", () => {
  const ROLES: RoleKey[] = [
    'project_manager',
    'ml_data_manager',
    'researcher',
    'identifier',
    'basic_member',
    'regular_user',
  ];

  it.each(ROLES)('%s', async (role) => {
    const roleClass = ROLE_CLASS[role];
    if (roleClass) await assign(roleClass);
    else await leave();
    const mismatches = await roleMismatches(
      {
        origin: env.url,
        project: env.projectId,
        token: env.outsiderToken,
        superuserToken: env.superuserToken,
        name: uniqueName,
        created: (entity, id) => entity === 'collection' && createdSet(id),
      },
      role,
    );
    expect(mismatches).toEqual([]);
  });
});
