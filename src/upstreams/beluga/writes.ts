/**
 * Beluga writes (Antenna's `SourceImageCollectionViewSet` and `JobViewSet` and their actions): one
 * non-idempotent `send` each, so the HTTP layer never retries them. The caller's token only:
 * the schema refuses a write before it gets here when the caller sent none.
 *
 * Afterwards the shared cache drops every answer the write may have changed, for every caller
 * and on every replica: after a success, and after any failure `failedWriteOutcome` calls
 * `UNKNOWN`. Only a write that never left, or that Beluga refused in its own well-formed words,
 * evicts nothing. A refusal status without those words (Django's HTML 404, an HTML 403 from a
 * proxy) is rethrown as `UpstreamBadResponseError`: its outcome is unknown, not a refusal.
 */
import { z } from 'zod';
import {
  failedWriteOutcome,
  isUpstreamError,
  UpstreamBadResponseError,
  type UpstreamError,
} from '../errors.ts';
import type { HttpClient, HttpMethod, HttpRequest } from '../http.ts';
import type { BelugaClient, UpstreamScope } from '../types.ts';
import { CaptureSetDto, JobDetailDto, PopulateResultDto } from './schemas.ts';

/** The shared cache's invalidation hooks (src/upstreams/cache/), when a cache is configured. */
export interface WriteEviction {
  evictPath(path: string): Promise<number>;
  evictPrefix(prefix: string): Promise<number>;
}

type Writes = Pick<
  BelugaClient,
  | 'createCaptureSet'
  | 'updateCaptureSet'
  | 'deleteCaptureSet'
  | 'populateCaptureSet'
  | 'createJob'
  | 'jobAction'
>;

const SETS = '/api/v2/captures/collections/';
const JOBS = '/api/v2/jobs/';
const setPath = (id: number) => `${SETS}${id}/`;
const jobPath = (id: number) => `${JOBS}${id}/`;

/** What a write changed, as cached paths: `paths` exactly (any query), `prefixes` and below. */
interface Stale {
  paths: string[];
  prefixes?: string[];
}

/** Codes that claim a refusal: without the upstream's own words for it, they are unknown. */
const REFUSAL_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

/** A failed write's error as the client will see it: never a refusal it cannot vouch for. */
function honest(error: unknown): unknown {
  if (!isUpstreamError(error) || failedWriteOutcome(error) !== 'UNKNOWN') return error;
  if (!REFUSAL_CODES.has(error.code)) return error;
  const call = { ...callOf(error), sent: true };
  return new UpstreamBadResponseError(call, `returned ${error.status} without a refusal body`, {
    cause: error,
  });
}

const callOf = (error: UpstreamError) => ({
  upstream: error.upstream,
  method: error.method,
  path: error.path,
  status: error.status,
});

async function evict(eviction: WriteEviction | undefined, stale: Stale): Promise<void> {
  if (!eviction) return;
  await Promise.all([
    ...stale.paths.map((path) => eviction.evictPath(path)),
    ...(stale.prefixes ?? []).map((prefix) => eviction.evictPrefix(prefix)),
    // The cache logs its own store failures; a write's answer does not wait on them.
  ]).catch(() => undefined);
}

/** Antenna pks are positive integers; the schema checks ids before it calls. */
function pk(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError('not a Beluga id');
  return id;
}

interface WriteCall<T> {
  method: HttpMethod;
  route: string;
  path: string;
  schema: HttpRequest<T>['schema'];
  body?: unknown;
  query?: HttpRequest<T>['query'];
  /** What the write may have changed; called without the answer when it may have applied. */
  stale: (value?: T) => Stale;
}

/** One write: sent once, then evicted after its answer or whenever it may have applied. */
async function write<T>(
  http: HttpClient,
  eviction: WriteEviction | undefined,
  scope: UpstreamScope,
  call: WriteCall<T>,
): Promise<T> {
  const headers: Record<string, string> = scope.authorization
    ? { authorization: scope.authorization }
    : {};
  const { method, path, route, schema } = call;
  try {
    const value = await http.send({
      method,
      path,
      route,
      headers,
      schema,
      scope,
      idempotent: false,
      ...(call.body !== undefined ? { body: call.body } : {}),
      ...(call.query ? { query: call.query } : {}),
    });
    await evict(eviction, call.stale(value));
    return value;
  } catch (error) {
    if (failedWriteOutcome(error) === 'UNKNOWN') await evict(eviction, call.stale());
    throw honest(error);
  }
}

/** The write routes: each names its method, route, answer and what it makes stale. */
export function createBelugaWrites(http: HttpClient, eviction?: WriteEviction): Writes {
  const send = <T>(scope: UpstreamScope, call: WriteCall<T>) => write(http, eviction, scope, call);
  const setChanged = (id: number): Stale => ({
    paths: [SETS, setPath(id)],
    // Jobs embed their set's name and method.
    prefixes: [JOBS],
  });

  return {
    createCaptureSet: (body, scope) =>
      send(scope, {
        method: 'POST',
        route: SETS,
        path: SETS,
        schema: CaptureSetDto,
        body,
        stale: () => ({ paths: [SETS] }),
      }),

    updateCaptureSet: (id, body, scope) =>
      send(scope, {
        method: 'PATCH',
        route: `${SETS}{id}/`,
        path: setPath(pk(id)),
        schema: CaptureSetDto,
        body,
        stale: () => setChanged(id),
      }),

    deleteCaptureSet: async (id, scope) => {
      await send(scope, {
        method: 'DELETE',
        route: `${SETS}{id}/`,
        path: setPath(pk(id)),
        schema: z.null(),
        stale: () => setChanged(id),
      });
    },

    populateCaptureSet: (id, scope) =>
      send(scope, {
        method: 'POST',
        route: `${SETS}{id}/populate/`,
        path: `${setPath(pk(id))}populate/`,
        schema: PopulateResultDto,
        stale: () => ({ paths: [SETS, setPath(id), JOBS] }),
      }),

    createJob: (body, startNow, scope) =>
      send(scope, {
        method: 'POST',
        route: JOBS,
        path: JOBS,
        schema: JobDetailDto,
        body: { delay: 0, ...body },
        ...(startNow ? { query: { start_now: 1 } } : {}),
        stale: () => {
          const set = body.source_image_collection_id;
          return { paths: set === undefined ? [JOBS] : [JOBS, SETS, setPath(set)] };
        },
      }),

    jobAction: (id, action, scope) =>
      send(scope, {
        method: 'POST',
        route: `${JOBS}{id}/${action}/`,
        path: `${jobPath(pk(id))}${action}/`,
        schema: JobDetailDto,
        // Sets embed their jobs' status: the job's own set when the answer names it, else all.
        stale: (job) => {
          const paths = [JOBS, jobPath(id)];
          if (!job) return { paths, prefixes: [SETS] };
          const set = job.source_image_collection;
          return { paths: set ? [...paths, SETS, setPath(set.id)] : paths };
        },
      }),
  };
}
