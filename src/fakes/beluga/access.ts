/** TokenAuthentication (contract §3) and draft-project visibility. */
import type { Dataset, ProjectRecord, UserRecord } from '../dataset.ts';
import type { FakeRequest } from '../types.ts';
import { HttpError } from './drf.ts';

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

export function isMember(viewer: Viewer, projectId: number): boolean {
  return viewer.user !== null && (viewer.user.superuser || viewer.user.memberOf.has(projectId));
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

export function permissions(
  viewer: Viewer,
  projectId: number,
  kind: 'set' | 'starred' | 'job' | 'project',
): string[] {
  if (!isMember(viewer, projectId)) return [];
  switch (kind) {
    case 'set':
      return ['update', 'delete', 'populate'];
    case 'starred':
      return ['update', 'delete', 'star'];
    case 'job':
      return ['update', 'run', 'run_single_image'];
    case 'project':
      return ['update', 'delete'];
  }
}

export function listPermissions(viewer: Viewer, projectId: number | null): string[] {
  if (viewer.user?.superuser) return ['create'];
  return projectId !== null && viewer.dataset.projects.has(projectId) && isMember(viewer, projectId)
    ? ['create']
    : [];
}

/**
 * Write permission on a project's objects (members hold every role in this fake): anonymous →
 * 401, anyone else who is not a member → 403, with DRF's texts (contract §3, §4).
 */
export function requireWriter(viewer: Viewer, projectId: number, detail?: string): void {
  if (!viewer.user) {
    throw new HttpError(401, { detail: 'Authentication credentials were not provided.' });
  }
  if (!isMember(viewer, projectId)) {
    throw new HttpError(403, {
      detail: detail ?? 'You do not have permission to perform this action.',
    });
  }
}
