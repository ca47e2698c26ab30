/**
 * Beluga (Antenna) fake: route table (Antenna's `config/api_router.py`), auth, DRF error bodies.
 */
import { createFakeClock, type FakeClock } from '../clock.ts';
import type { Dataset } from '../dataset.ts';
import { djangoHtml, html, json } from '../http-utils.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { authenticate, type Viewer } from './access.ts';
import { HttpError } from './drf.ts';
import { createJobRunner, type JobRunner } from './job-runner.ts';
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
  /** The fake's clock: the timestamps writes set and the pace of running jobs. */
  clock?: FakeClock;
  /** FAKE_JOB_SECONDS: how long a started job takes from enqueue to SUCCESS (default 60). */
  jobSeconds?: number;
}

export const DEFAULT_JOB_SECONDS = 60;

/** Order matters: `captures/collections/` before `captures/{id}/`. */
function routeTable(
  store: ReturnType<typeof createWriteStore>,
  runner: JobRunner,
): [RegExp, string, Methods][] {
  const sets = collectionWrites(store, runner);
  const jobs = jobWrites(store, runner);
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
): FakeService & { runner: JobRunner } {
  const clock = options.clock ?? createFakeClock();
  const store = createWriteStore(dataset, clock.now);
  const runner = createJobRunner({
    dataset,
    store,
    clock,
    seconds: options.jobSeconds ?? DEFAULT_JOB_SECONDS,
  });
  clock.onAdvance(() => runner.catchUp());
  const routes = routeTable(store, runner);
  return {
    name: 'beluga',
    runner,
    routes: routes.map(([, route]) => route),
    match(req) {
      runner.catchUp();
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
    /** Also restores the seeded dataset if a write changed it, and stops every run. */
    reset: () => {
      store.reset();
      runner.reset();
    },
    control: (method, path, body) => clockRoute(clock, runner, method, path, body),
  };
}

/**
 * `GET /__fake/clock` tells the fake's time; `POST /__fake/clock {"advanceMs": N}` moves it on
 * (running jobs catch up at once). Not counted in the ledger.
 */
function clockRoute(
  clock: FakeClock,
  runner: JobRunner,
  method: string,
  path: string,
  body: unknown,
): FakeResponse | undefined {
  if (path !== '/__fake/clock') return undefined;
  if (method === 'POST') {
    const advance = (body as { advanceMs?: unknown } | null)?.advanceMs;
    if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0 || advance > 1e10) {
      return json(400, { error: 'advanceMs must be a number of milliseconds (0 to 1e10)' });
    }
    clock.advance(advance);
  } else if (method !== 'GET') {
    return json(405, { error: `no control route ${method} ${path}` });
  }
  return json(200, {
    now: new Date(clock.now()).toISOString(),
    manual: clock.manual,
    runningJobs: runner.running(),
  });
}
