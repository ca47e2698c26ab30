/**
 * Beluga (Antenna) fake: route table (Antenna's `config/api_router.py`), auth, DRF error bodies.
 */
import type { Dataset } from '../dataset.ts';
import { djangoHtml, html, json } from '../http-utils.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { authenticate, type Viewer } from './access.ts';
import { HttpError } from './drf.ts';
import { getCapture, listCaptures } from './routes-captures.ts';
import { getCollection, listCollections } from './routes-collections.ts';
import { getJob, listJobs } from './routes-jobs.ts';
import { getProject, listProjects } from './routes-projects.ts';
import { createWriteStore } from './store.ts';
import { collectionWrites } from './writes-collections.ts';
import { jobWrites } from './writes-jobs.ts';

type Handler = (req: FakeRequest, viewer: Viewer, id: string) => FakeResponse;
type Methods = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

/** DRF's `http_method_names` order, which its `Allow` header follows. */
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export interface BelugaServiceOptions {
  /** Wall clock (Unix ms) for the timestamps writes set. */
  now?: () => number;
}

/** Order matters: `captures/collections/` before `captures/{id}/`. */
function routeTable(store: ReturnType<typeof createWriteStore>): [RegExp, string, Methods][] {
  const sets = collectionWrites(store);
  const jobs = jobWrites(store);
  return [
    [
      /^\/api\/v2\/captures\/collections\/$/,
      'collections.list',
      { GET: listCollections, POST: sets.create },
    ],
    [
      /^\/api\/v2\/captures\/collections\/([^/]+)\/$/,
      'collections.detail',
      { GET: getCollection, PUT: sets.update, PATCH: sets.update, DELETE: sets.remove },
    ],
    [
      /^\/api\/v2\/captures\/collections\/([^/]+)\/populate\/$/,
      'collections.populate',
      { POST: sets.populate },
    ],
    [/^\/api\/v2\/projects\/$/, 'projects.list', { GET: listProjects }],
    [/^\/api\/v2\/projects\/([^/]+)\/$/, 'projects.detail', { GET: getProject }],
    [/^\/api\/v2\/jobs\/$/, 'jobs.list', { GET: listJobs, POST: jobs.create }],
    [
      /^\/api\/v2\/jobs\/([^/]+)\/$/,
      'jobs.detail',
      { GET: getJob, PUT: jobs.update, PATCH: jobs.update, DELETE: jobs.remove },
    ],
    [/^\/api\/v2\/jobs\/([^/]+)\/run\/$/, 'jobs.run', { POST: jobs.run }],
    [/^\/api\/v2\/jobs\/([^/]+)\/retry\/$/, 'jobs.retry', { POST: jobs.retry }],
    [/^\/api\/v2\/jobs\/([^/]+)\/cancel\/$/, 'jobs.cancel', { POST: jobs.cancel }],
    [/^\/api\/v2\/captures\/$/, 'captures.list', { GET: listCaptures }],
    [/^\/api\/v2\/captures\/([^/]+)\/$/, 'captures.detail', { GET: getCapture }],
  ];
}

function allowed(methods: Methods): string {
  const names = new Set<string>(Object.keys(methods));
  if (names.has('GET')) names.add('HEAD');
  names.add('OPTIONS');
  return METHOD_ORDER.filter((m) => names.has(m)).join(', ');
}

function run(
  req: FakeRequest,
  dataset: Dataset,
  route: string,
  methods: Methods,
  id: string,
): FakeResponse {
  const allow = allowed(methods);
  const withAllow = (response: FakeResponse): FakeResponse => ({
    ...response,
    headers: { Allow: allow, ...response.headers },
  });
  try {
    const viewer = authenticate(req, dataset);
    if (req.method === 'OPTIONS') {
      return withAllow(json(200, { name: route, description: '', renders: ['application/json'] }));
    }
    const handler = methods[(req.method === 'HEAD' ? 'GET' : req.method) as keyof Methods];
    if (!handler) return withAllow(json(405, { detail: `Method "${req.method}" not allowed.` }));
    return withAllow(handler(req, viewer, id));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const headers: Record<string, string> | undefined =
      error.status === 401 ? { 'WWW-Authenticate': 'Token' } : undefined;
    return withAllow(json(error.status, error.body, headers));
  }
}

export function createBelugaService(
  dataset: Dataset,
  options: BelugaServiceOptions = {},
): FakeService {
  const store = createWriteStore(dataset, options.now);
  const routes = routeTable(store);
  return {
    name: 'beluga',
    routes: routes.map(([, route]) => route),
    match(req) {
      for (const [pattern, route, methods] of routes) {
        const m = pattern.exec(req.path);
        if (m) return { route, handle: () => run(req, dataset, route, methods, m[1] ?? '') };
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
    /** Also restores the seeded dataset if a write changed it. */
    reset: () => store.reset(),
  };
}
