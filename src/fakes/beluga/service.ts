/** Beluga (Antenna) fake: route table, auth, DRF error bodies (contract §2–§4). */
import type { Dataset } from '../dataset.ts';
import { djangoHtml, html, json } from '../http-utils.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { authenticate, type Viewer } from './access.ts';
import { HttpError } from './drf.ts';
import { getCapture, listCaptures } from './routes-captures.ts';
import { getCollection, listCollections } from './routes-collections.ts';
import { getJob, listJobs } from './routes-jobs.ts';
import { getProject, listProjects } from './routes-projects.ts';

type Handler = (req: FakeRequest, viewer: Viewer, id: string) => FakeResponse;

/** Order matters: `captures/collections/` before `captures/{id}/`. */
const ROUTES: [RegExp, string, Handler][] = [
  [/^\/api\/v2\/captures\/collections\/$/, 'collections.list', listCollections],
  [/^\/api\/v2\/captures\/collections\/([^/]+)\/$/, 'collections.detail', getCollection],
  [/^\/api\/v2\/projects\/$/, 'projects.list', listProjects],
  [/^\/api\/v2\/projects\/([^/]+)\/$/, 'projects.detail', getProject],
  [/^\/api\/v2\/jobs\/$/, 'jobs.list', listJobs],
  [/^\/api\/v2\/jobs\/([^/]+)\/$/, 'jobs.detail', getJob],
  [/^\/api\/v2\/captures\/$/, 'captures.list', listCaptures],
  [/^\/api\/v2\/captures\/([^/]+)\/$/, 'captures.detail', getCapture],
];

function run(req: FakeRequest, dataset: Dataset, handler: Handler, id: string): FakeResponse {
  try {
    const viewer = authenticate(req, dataset);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(405, { detail: `Method "${req.method}" not allowed.` });
    }
    return handler(req, viewer, id);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const headers: Record<string, string> | undefined =
      error.status === 401 ? { 'WWW-Authenticate': 'Token' } : undefined;
    return json(error.status, error.body, headers);
  }
}

export function createBelugaService(dataset: Dataset): FakeService {
  return {
    name: 'beluga',
    match(req) {
      for (const [pattern, route, handler] of ROUTES) {
        const m = pattern.exec(req.path);
        if (m) return { route, handle: () => run(req, dataset, handler, m[1] ?? '') };
        // Django APPEND_SLASH: a GET without the trailing slash is redirected.
        if (!req.path.endsWith('/') && pattern.test(`${req.path}/`)) {
          const search = req.query.toString();
          return {
            route,
            handle: () => ({
              status: 301,
              headers: { Location: `${req.path}/${search ? `?${search}` : ''}` },
              raw: '',
            }),
          };
        }
      }
      return null;
    },
    notFound: () => html(404, djangoHtml(404)),
    reset() {},
  };
}
