/** `projects/` list (default limit 40) and detail (Antenna's `ProjectViewSet`). */
import type { ProjectRecord } from '../dataset.ts';
import { parseIntStrict } from '../http-utils.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { canSee, isMember, type Viewer } from './access.ts';
import { HttpError, notFound, paginate, parseOrdering, pkParam, queryFlag, sortBy } from './drf.ts';
import { projectDetail, projectItem } from './serialize.ts';

const ORDERING = [
  'name',
  'created_at',
  'updated_at',
  'last_capture_timestamp',
  'last_occurrence_updated_at',
  'last_job_updated_at',
];

function sortValue(viewer: Viewer, project: ProjectRecord, field: string): string | number | null {
  switch (field) {
    case 'priority':
      return project.priority;
    case 'name':
      return project.name.toLowerCase();
    case 'created_at':
      return project.createdAt;
    case 'updated_at':
    case 'last_occurrence_updated_at':
      return project.updatedAt;
    case 'last_job_updated_at': {
      const times = [...viewer.dataset.jobs.values()]
        .filter((j) => j.project === project.id)
        .map((j) => j.updatedAt);
      return times.length ? times.sort().at(-1)! : null;
    }
    case 'last_capture_timestamp': {
      const ends = [...viewer.dataset.captureSets.values()]
        .filter((s) => s.project === project.id && s.sourceImagesCount > 0)
        .map((s) => s.captureStartMs + (s.sourceImagesCount - 1) * s.captureStepMs);
      return ends.length ? Math.max(...ends) : null;
    }
    default:
      return project.id;
  }
}

export function listProjects(req: FakeRequest, viewer: Viewer): FakeResponse {
  let projects = [...viewer.dataset.projects.values()].filter((p) => canSee(viewer, p));
  const userId = req.query.get('user_id');
  if (userId !== null) {
    if (!viewer.user || parseIntStrict(userId) !== viewer.user.id) {
      throw new HttpError(403, { detail: 'You can only view your projects' });
    }
    projects = projects.filter((p) => isMember(viewer, p.id));
  }
  const ordering = parseOrdering(req, ORDERING);
  const terms = ordering.length
    ? ordering
    : [
        { field: 'priority', desc: true },
        { field: 'created_at', desc: false },
      ];
  const page = paginate(
    req,
    sortBy(projects, terms, (p, f) => sortValue(viewer, p, f)),
    40,
  );
  return {
    status: 200,
    body: {
      ...page,
      results: page.results.map((p) => projectItem(req, viewer, p)),
      user_permissions: viewer.user?.superuser ? ['create'] : [],
    },
  };
}

export function getProject(req: FakeRequest, viewer: Viewer, rawId: string): FakeResponse {
  const project = viewer.dataset.projects.get(pkParam(rawId));
  if (!canSee(viewer, project)) throw notFound();
  // forms.BooleanField: `no`, `off` and `f` are true; only "", false and 0 turn the charts off.
  const withCharts = queryFlag(req, 'with_charts', true);
  return { status: 200, body: projectDetail(req, viewer, project, withCharts) };
}
