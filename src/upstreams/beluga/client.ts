/**
 * Beluga (Antenna) reads over `${BELUGA_URL}/api/v2/...`, plus the writes of `writes.ts`. Every
 * route ends in a slash (Django's APPEND_SLASH would otherwise redirect). `Authorization` is
 * the caller's (the context already falls back to BELUGA_TOKEN), else none. `next`/`previous`
 * URLs are never fetched: callers pass offsets. Detail getters resolve null on a JSON 404
 * (missing, or a draft hidden from this user).
 */
import { UpstreamBadRequestError } from '../errors.ts';
import { markFetched } from '../fetched-at.ts';
import type { GetRequest, HttpClient } from '../http.ts';
import type { BelugaClient, UpstreamScope } from '../types.ts';
import {
  CaptureDetailDto,
  CapturePageDto,
  CaptureSetDto,
  CaptureSetPageDto,
  JobDetailDto,
  JobPageDto,
  ProjectDetailDto,
  ProjectPageDto,
} from './schemas.ts';
import { createBelugaWrites, type WriteEviction } from './writes.ts';

type Query = GetRequest<unknown>['query'];

const headers = (scope: UpstreamScope): Record<string, string> =>
  scope.authorization ? { authorization: scope.authorization } : {};

/** Antenna pks are positive integers; anything else never reaches a path. */
function pk(id: number, route: string): string {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new UpstreamBadRequestError(
      { upstream: 'beluga', method: 'GET', path: route, sent: false },
      'was not called: the id is not a positive integer',
    );
  }
  return encodeURIComponent(String(id));
}

const list = <T>(
  http: HttpClient,
  route: string,
  schema: GetRequest<T>['schema'],
  query: Query,
  scope: UpstreamScope,
  onFetched?: (value: T, fetchedAt: number) => void,
) => http.get({ path: route, route, query, headers: headers(scope), schema, scope, onFetched });

/** A detail GET by pk; `route` is the template with `{id}`. Null on a JSON 404. */
function detail<T>(
  http: HttpClient,
  route: string,
  id: number,
  schema: GetRequest<T>['schema'],
  scope: UpstreamScope,
  query?: Query,
  onFetched?: (value: T, fetchedAt: number) => void,
) {
  const path = route.replace('{id}', pk(id, route));
  return http.getOrNull({ path, route, query, headers: headers(scope), schema, scope, onFetched });
}

/** Dates a page's items (a capture set's fetch time: `MediaCollectionStats.fetchedAt`). */
const datePage = (page: { results: object[] }, at: number) => markFetched(page.results, at);
/** Dates a detail (capture sets and jobs: the subscriptions' snapshots, collection stats). */
const dateDetail = (detail: object, at: number) => markFetched([detail], at);

/** The route table: each read is a list GET or a detail GET of one route template. */
export function createBelugaClient(
  http: HttpClient,
  options: { eviction?: WriteEviction } = {},
): BelugaClient {
  return {
    ...createBelugaWrites(http, options.eviction),

    listCaptureSets: (params, scope) =>
      list(
        http,
        '/api/v2/captures/collections/',
        CaptureSetPageDto,
        {
          project_id: params.projectId,
          method: params.method,
          ordering: params.ordering,
          with_counts: params.withCounts ? 'true' : undefined,
          limit: params.limit,
          offset: params.offset,
        },
        scope,
        datePage,
      ),

    getCaptureSet: async (id, scope) =>
      detail(http, '/api/v2/captures/collections/{id}/', id, CaptureSetDto, scope, {}, dateDetail),

    listProjects: (params, scope) =>
      list(
        http,
        '/api/v2/projects/',
        ProjectPageDto,
        { limit: params.limit, offset: params.offset, ordering: params.ordering },
        scope,
      ),

    getProject: async (id, scope) =>
      detail(http, '/api/v2/projects/{id}/', id, ProjectDetailDto, scope, { with_charts: 'false' }),

    listJobs: (params, scope) =>
      list(
        http,
        '/api/v2/jobs/',
        JobPageDto,
        {
          project_id: params.projectId,
          source_image_collection: params.captureSetId,
          status: params.status,
          job_type_key: params.jobTypeKey,
          ordering: params.ordering,
          limit: params.limit,
          offset: params.offset,
        },
        scope,
      ),

    getJob: async (id, scope) =>
      detail(http, '/api/v2/jobs/{id}/', id, JobDetailDto, scope, {}, dateDetail),

    listCaptures: (params, scope) =>
      list(
        http,
        '/api/v2/captures/',
        CapturePageDto,
        {
          project_id: params.projectId,
          collections: params.captureSetId,
          ordering: params.ordering,
          limit: params.limit,
          offset: params.offset,
        },
        scope,
      ),

    getCapture: async (id, projectId, scope) =>
      detail(http, '/api/v2/captures/{id}/', id, CaptureDetailDto, scope, {
        project_id: projectId,
      }),
  };
}
