/**
 * DRF's TokenAuthentication, draft-project visibility and per-project role permissions,
 * as Antenna decides them (RolnickLab/antenna): `BaseModel.check_permission` and
 * `get_user_object_permissions` in `ami/base/models.py`, the job and capture overrides in
 * `ami/jobs/models.py` and `ami/main/models.py`, the capture-set serializer's own
 * `get_permissions` in `ami/main/api/serializers.py`, list-level `create` in
 * `ami/base/permissions.py`. Roles and their permissions: `roles.ts`.
 */
import type { Dataset, ProjectRecord, UserRecord } from '../dataset.ts';
import type { FakeRequest } from '../types.ts';
import { HttpError } from './drf.ts';
import { ALL_PERMISSIONS, ROLE_PERMISSIONS } from './roles.ts';

export interface Viewer {
  user: UserRecord | null;
  dataset: Dataset;
}

function unauthorized(detail: string): HttpError {
  return new HttpError(401, { detail });
}

/** DRF: no header or another scheme → anonymous; `Token` with a bad key → 401. */
export function authenticate(req: FakeRequest, dataset: Dataset): Viewer {
  const header = req.headers.authorization;
  const parts = header?.trim().split(/\s+/) ?? [];
  if (parts.length === 0 || parts[0]!.toLowerCase() !== 'token') return { user: null, dataset };
  if (parts.length === 1) throw unauthorized('Invalid token header. No credentials provided.');
  if (parts.length > 2)
    throw unauthorized('Invalid token header. Token string should not contain spaces.');
  const user = dataset.users.get(parts[1]!);
  if (!user) throw unauthorized('Invalid token.');
  return { user, dataset };
}

const NONE: ReadonlySet<string> = new Set();

/** The permission codenames the viewer holds on a project: its role's, plus any granted alone. */
export function projectPermissions(viewer: Viewer, projectId: number): ReadonlySet<string> {
  const { user } = viewer;
  if (!user) return NONE;
  if (user.superuser) return ALL_PERMISSIONS;
  const role = user.roles.get(projectId);
  const granted = user.grants?.get(projectId);
  if (!granted) return role ? ROLE_PERMISSIONS[role] : NONE;
  return new Set([...(role ? ROLE_PERMISSIONS[role] : []), ...granted]);
}

/** A member holds a role there (every role includes BasicMember): draft projects show to them. */
export function isMember(viewer: Viewer, projectId: number): boolean {
  return viewer.user !== null && (viewer.user.superuser || viewer.user.roles.has(projectId));
}

export function canSee(
  viewer: Viewer,
  project: ProjectRecord | undefined,
): project is ProjectRecord {
  if (!project?.active) return false;
  return !project.draft || isMember(viewer, project.id);
}

export function visibleProject(viewer: Viewer, id: number): ProjectRecord | null {
  const project = viewer.dataset.projects.get(id);
  return canSee(viewer, project) ? project : null;
}

/** `update`, `delete` first, then the other actions in alphabetical order. */
function ordered(actions: Iterable<string>): string[] {
  const set = new Set(actions);
  const first = ['update', 'delete'].filter((a) => set.has(a));
  const rest = [...set].filter((a) => a !== 'update' && a !== 'delete').sort();
  return [...first, ...rest];
}

const CRUD = new Set(['view', 'create', 'update', 'delete']);

/**
 * `user_permissions` of an object of `model` (a Django model name: `project`, `deployment`,
 * `sourceimage`, `detection`, …) in a project: `update`/`delete` from `<action>_<model>`, plus its
 * custom actions (`sync` from `sync_deployment`); a superuser always has update and delete.
 */
export function objectPermissions(viewer: Viewer, projectId: number, model: string): string[] {
  const perms = projectPermissions(viewer, projectId);
  const actions = new Set<string>(viewer.user?.superuser ? ['update', 'delete'] : []);
  for (const perm of perms) {
    if (!perm.endsWith(`_${model}`)) continue;
    const action = perm.split('_')[0]!;
    if (action === 'update' || action === 'delete' || !CRUD.has(action)) actions.add(action);
  }
  // SourceImage.get_custom_user_permissions adds the single-capture job permission as it is.
  if (model === 'sourceimage' && perms.has('run_single_image_ml_job')) {
    actions.add('run_single_image_ml_job');
  }
  return ordered(actions);
}

/** A capture set's: its serializer's own rule (curated "starred" sets: `star`, no `populate`). */
export function setPermissions(viewer: Viewer, projectId: number, name: string): string[] {
  const perms = projectPermissions(viewer, projectId);
  const actions = new Set(
    [...perms].filter((p) => p.endsWith('_sourceimagecollection')).map((p) => p.split('_')[0]!),
  );
  actions.delete('create');
  if (name.toLowerCase().includes('starred')) {
    actions.delete('populate');
    if (perms.has('star_sourceimage')) actions.add('star');
  }
  return ordered(actions);
}

/** A job's: `update`/`delete` from `*_job`, custom actions from `<action>_<job type>_job`. */
export function jobPermissions(viewer: Viewer, projectId: number, jobType: string): string[] {
  const perms = projectPermissions(viewer, projectId);
  const actions = new Set<string>(viewer.user?.superuser ? ['update', 'delete'] : []);
  const suffix = `_${jobType}_job`;
  for (const perm of perms) {
    const action = perm.split('_')[0]!;
    if (perm.endsWith('_job') && (action === 'update' || action === 'delete')) actions.add(action);
    if (perm.endsWith(suffix)) {
      const custom = perm.slice(0, -suffix.length);
      if (!CRUD.has(custom)) actions.add(custom);
    }
  }
  return ordered(actions);
}

/** Pipelines belong to projects many-to-many: only a superuser gets anything. */
export function pipelinePermissions(viewer: Viewer): string[] {
  return viewer.user?.superuser ? ['update', 'delete'] : [];
}

/** List-level `create`: superusers, or `create_<model>` on the `project_id` given. */
export function listPermissions(viewer: Viewer, projectId: number | null, model: string): string[] {
  if (viewer.user?.superuser) return ['create'];
  if (projectId === null || !viewer.dataset.projects.has(projectId)) return [];
  return projectPermissions(viewer, projectId).has(`create_${model}`) ? ['create'] : [];
}

/**
 * A write needs `codename` on the project: anonymous → 401, anyone else without it → 403, with
 * DRF's texts.
 */
export function requirePermission(
  viewer: Viewer,
  projectId: number,
  codename: string,
  detail = 'You do not have permission to perform this action.',
): void {
  if (!viewer.user) {
    throw new HttpError(401, { detail: 'Authentication credentials were not provided.' });
  }
  if (!projectPermissions(viewer, projectId).has(codename)) throw new HttpError(403, { detail });
}
