/**
 * Antenna's own expectations of what each project role may do, ported from its
 * `ami/main/tests.py` `TestRolePermissions` (RolnickLab/antenna) for the resources a Beluga
 * fake serves (capture sets, jobs, projects), and the same steps: list-level `create`, create,
 * the object's `user_permissions` in the list, update, the custom actions, delete. Run against
 * the fake (test/fakes/beluga-roles.test.ts) and against a real Antenna (test/antenna/). Each
 * step's mismatch is returned as a line, so a test asserts an empty list and sees every one.
 */

export type RoleKey =
  | 'project_manager'
  | 'ml_data_manager'
  | 'researcher'
  | 'identifier'
  | 'basic_member'
  | 'regular_user';

type Actions = Record<string, boolean>;

export interface RoleMap {
  project: Actions;
  collection: Actions;
  job: Actions;
}

/**
 * `PERMISSIONS_MAPS` of TestRolePermissions for these resources. `ml_data_manager` and
 * `researcher` are not in that map: they follow `ami/users/roles.py` (MLDataManager manages
 * capture sets and runs jobs, as TestMLDataManagerCanRunBatchMLJob asserts; Researcher adds only
 * data exports to BasicMember).
 */
/** What a member without management rights may do: create jobs and run single images. */
const MEMBER: RoleMap = {
  project: { create: false, update: false, delete: false },
  collection: { create: false, update: false, delete: false, populate: false },
  job: {
    create: true,
    update: false,
    delete: false,
    run_single_image: true,
    run: false,
    retry: false,
    cancel: false,
  },
};

export const ROLE_MAPS: Record<RoleKey, RoleMap> = {
  project_manager: {
    project: { create: false, update: true, delete: true },
    collection: { create: true, update: true, delete: true, populate: true },
    job: { create: true, update: true, delete: false, run_single_image: true, run: true },
  },
  ml_data_manager: {
    project: { create: false, update: false, delete: false },
    collection: { create: true, update: true, delete: true, populate: true },
    job: { create: true, update: true, delete: false, run_single_image: true, run: true },
  },
  researcher: MEMBER,
  identifier: MEMBER,
  basic_member: MEMBER,
  regular_user: {
    project: { create: false, update: false, delete: false },
    collection: { create: false, update: false, delete: false, populate: false },
    job: {
      create: false,
      update: false,
      delete: false,
      run_single_image: false,
      run: false,
      retry: false,
      cancel: false,
    },
  },
};

/** Antenna's role class name for each key (`regular_user` holds none). */
export const ROLE_CLASS: Record<RoleKey, string | null> = {
  project_manager: 'ProjectManager',
  ml_data_manager: 'MLDataManager',
  researcher: 'Researcher',
  identifier: 'Identifier',
  basic_member: 'BasicMember',
  regular_user: null,
};

export interface RoleTarget {
  /** Origin of the Beluga API (fake or Antenna). */
  origin: string;
  /** The project the role applies to (not a draft: the regular user must see it). */
  project: number;
  /** A token holding `role` there; a superuser token removes the jobs the run created. */
  token: string;
  superuserToken: string;
  /** A name no earlier run used, for the objects this run creates. */
  name: (what: string) => string;
  /** Told of every object created, for the caller's cleanup. */
  created?: (entity: 'collection' | 'job', id: number) => void;
}

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the steps read the parsed JSON loosely
  json: any;
}

async function call(t: RoleTarget, method: string, path: string, token: string, body?: unknown) {
  const headers: Record<string, string> = {
    authorization: `Token ${token}`,
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${t.origin}/api/v2/${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json } as Reply;
}

const sorted = (values: unknown) => [...((values as string[]) ?? [])].sort();
/** The object-level actions the map grants: every allowed action but create. */
const objectActions = (actions: Actions) =>
  Object.entries(actions)
    .filter(([action, allowed]) => allowed && action !== 'create')
    .map(([action]) => action)
    .sort();

interface Resource {
  entity: 'collection' | 'job';
  path: string;
  body: (t: RoleTarget) => Record<string, unknown>;
  /** Custom POST actions the map may list, and their URL segment. */
  actions: string[];
}

const RESOURCES: Resource[] = [
  {
    entity: 'collection',
    path: 'captures/collections/',
    body: (t) => ({
      name: t.name('role set'),
      description: 'New Collection',
      project: t.project,
      method: 'common_combined',
    }),
    actions: ['populate'],
  },
  {
    entity: 'job',
    path: 'jobs/',
    body: (t) => ({ delay: '1', name: t.name('role job'), project_id: t.project }),
    actions: ['run', 'retry', 'cancel'],
  },
];

/**
 * One resource for one role: returns the mismatches. The object the role acts on is the one it
 * created, else one the superuser creates for it (as Antenna's test uses the project's first).
 */
async function resourceSteps(t: RoleTarget, r: Resource, actions: Actions): Promise<string[]> {
  const out: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      out.push(`${r.entity} ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  };
  const list = await call(t, 'GET', `${r.path}?project_id=${t.project}`, t.token);
  expect('list status', list.status, 200);
  expect(
    'list user_permissions',
    sorted(list.json?.user_permissions),
    actions.create ? ['create'] : [],
  );

  const created = await call(t, 'POST', r.path, t.token, r.body(t));
  expect('create', created.status, actions.create ? 201 : 403);
  let id: number = created.json?.id;
  if (created.status !== 201) {
    id = (await call(t, 'POST', r.path, t.superuserToken, r.body(t))).json.id;
  }
  t.created?.(r.entity, id);
  const listed = await call(t, 'GET', `${r.path}?project_id=${t.project}&limit=1000`, t.token);
  const own = (listed.json?.results ?? []).find((o: { id: number }) => o.id === id);
  expect('object user_permissions', sorted(own?.user_permissions), objectActions(actions));

  const patched = await call(t, 'PATCH', `${r.path}${id}/`, t.token, { name: t.name('updated') });
  expect('update', patched.status, actions.update ? 200 : 403);
  for (const action of r.actions.filter((a) => a in actions)) {
    const done = await call(t, 'POST', `${r.path}${id}/${action}/`, t.token);
    expect(action, done.status, actions[action] ? 200 : 403);
  }
  const deleted = await call(t, 'DELETE', `${r.path}${id}/`, t.token);
  expect('delete', deleted.status, actions.delete ? 204 : 403);
  if (deleted.status !== 204) await call(t, 'DELETE', `${r.path}${id}/`, t.superuserToken);
  return out;
}

/** The project's list-level and object-level permissions (its writes are not the fake's). */
async function projectSteps(t: RoleTarget, actions: Actions): Promise<string[]> {
  const list = await call(t, 'GET', 'projects/?limit=1000', t.token);
  const out: string[] = [];
  const want = actions.create ? ['create'] : [];
  if (JSON.stringify(sorted(list.json?.user_permissions)) !== JSON.stringify(want)) {
    out.push(`project list user_permissions: ${JSON.stringify(list.json?.user_permissions)}`);
  }
  const own = (list.json?.results ?? []).find((p: { id: number }) => p.id === t.project);
  const perms = sorted(own?.user_permissions);
  if (JSON.stringify(perms) !== JSON.stringify(objectActions(actions))) {
    out.push(`project object user_permissions: ${JSON.stringify(perms)}`);
  }
  return out;
}

/** Every step of TestRolePermissions this fake can serve, for one role: the mismatches. */
export async function roleMismatches(t: RoleTarget, role: RoleKey): Promise<string[]> {
  const map = ROLE_MAPS[role];
  return [
    ...(await projectSteps(t, map.project)),
    ...(await resourceSteps(t, RESOURCES[0]!, map.collection)),
    ...(await resourceSteps(t, RESOURCES[1]!, map.job)),
  ];
}
