/**
 * What the rest of the gateway may know about the upstream clients. Loaders depend on these
 * interfaces only; `beluga/client.ts` and `wickson/client.ts` implement them.
 */
import type {
  CaptureDetailDto,
  CaptureDto,
  CaptureSetDto,
  JobDetailDto,
  JobDto,
  PageDto,
  PopulateResultDto,
  ProjectDetailDto,
  ProjectDto,
} from './beluga/schemas.ts';
import type { UpstreamName } from './errors.ts';
import type {
  CollectionDetailDataDto,
  CollectionsListDataDto,
  MediaItemDto,
  MediaListDataDto,
} from './wickson/schemas.ts';

/** One upstream call as it finished, reported to the request's ledger, logs and metrics. */
export interface CallRecord {
  upstream: UpstreamName;
  method: string;
  /** Route template, e.g. `/api/v2/jobs/{id}/`: low-cardinality, safe for metrics. */
  route: string;
  /** Final HTTP status, or undefined when no response arrived. */
  status: number | undefined;
  durationMs: number;
  /** Error code when the call failed (closed set), else undefined. */
  errorCode: string | undefined;
  /** How many HTTP attempts went out for this call (0 when short-circuited). */
  attempts: number;
}

/**
 * Everything a client needs from the GraphQL request it serves. One scope per GraphQL request.
 * `signal` aborts when the client disconnects or the request-wide deadline passes.
 */
export interface UpstreamScope {
  /** The caller's `Authorization` header value (`Token …`), if any; Beluga only. */
  authorization: string | undefined;
  /**
   * Whose Beluga credential `authorization` is: the caller's (`client`), the gateway's
   * BELUGA_TOKEN (`server`, so a 401/403 is an operator problem) or none. Unset = `client`.
   */
  credentialSource?: CredentialSource;
  signal: AbortSignal | undefined;
  /** The gateway's request id, sent upstream as `X-Request-Id`. */
  requestId: string | undefined;
  /** Called once per finished upstream call. */
  onCall?: (record: CallRecord) => void;
  /** Called when a logical call starts (tracing); its observer sees the call end. */
  onCallStart?: (call: CallStart) => CallObserver;
  /** The request's runtime cap: false refuses the call before it starts. */
  admit?: (upstream: UpstreamName) => boolean;
  /** A per-client limit on this upstream: seconds to wait when it refuses the call, else undefined. */
  refuse?: (upstream: UpstreamName) => number | undefined;
  /**
   * A cached answer older than this is not fresh for this read (a subscription's poll wants the
   * state of its interval): the shared cache fetches anew, and stores the answer for everyone.
   */
  maxAgeMs?: number;
}

export interface CallStart {
  upstream: UpstreamName;
  method: string;
  /** Route template, never the raw path. */
  route: string;
  /** How the shared cache answered (absent without a cache): `miss` went upstream. */
  cache?: 'hit' | 'stale' | 'miss' | 'coalesced';
}

export interface CallObserver {
  /** Added to every attempt's request headers (W3C `traceparent`); never credentials. */
  headers: Record<string, string>;
  end(record: CallRecord): void;
}

export type CredentialSource = 'client' | 'server' | 'none';

export type CaptureSetPage = PageDto<CaptureSetDto>;
export type ProjectPage = PageDto<ProjectDto>;
export type JobPage = PageDto<JobDto>;
export type CapturePage = PageDto<CaptureDto>;

export interface ListCaptureSetsParams {
  projectId?: number;
  method?: string;
  /** DRF ordering, e.g. `name`, `-updated_at`, `id`. */
  ordering?: string;
  withCounts?: boolean;
  limit: number;
  offset: number;
}

export interface ListJobsParams {
  projectId?: number;
  captureSetId?: number;
  /** Exact-match filters; the upstream accepts one value each. */
  status?: string;
  jobTypeKey?: string;
  ordering?: string;
  limit: number;
  offset: number;
}

export interface ListCapturesParams {
  projectId: number;
  captureSetId?: number;
  /** `timestamp` or `-timestamp`. */
  ordering: string;
  limit: number;
  offset?: number;
}

/**
 * Beluga (Antenna) reads. Detail methods resolve `null` on 404 (missing, hidden draft).
 * Every method rejects with an `UpstreamError` subclass on failure.
 */
export interface ListMediaParams {
  page: number;
  pageSize: number;
  collection?: string;
  mediaType?: string;
}

export interface BelugaClient {
  listCaptureSets(params: ListCaptureSetsParams, scope: UpstreamScope): Promise<CaptureSetPage>;
  getCaptureSet(id: number, scope: UpstreamScope): Promise<CaptureSetDto | null>;
  listProjects(
    params: { limit: number; offset: number; ordering?: string },
    scope: UpstreamScope,
  ): Promise<ProjectPage>;
  getProject(id: number, scope: UpstreamScope): Promise<ProjectDetailDto | null>;
  listJobs(params: ListJobsParams, scope: UpstreamScope): Promise<JobPage>;
  getJob(id: number, scope: UpstreamScope): Promise<JobDetailDto | null>;
  listCaptures(params: ListCapturesParams, scope: UpstreamScope): Promise<CapturePage>;
  /** Antenna requires the capture's `project_id` on its detail (400 without; 404 in another). */
  getCapture(id: number, projectId: number, scope: UpstreamScope): Promise<CaptureDetailDto | null>;
  /**
   * Writes: never retried; `scope` must carry the caller's own token. A DRF
   * 400 rejects with `UpstreamBadRequestError` carrying `fieldErrors`; a 404 with `NotFoundError`.
   */
  createCaptureSet(body: CaptureSetWrite, scope: UpstreamScope): Promise<CaptureSetDto>;
  /** PATCH: only the fields present change. */
  updateCaptureSet(id: number, body: CaptureSetWrite, scope: UpstreamScope): Promise<CaptureSetDto>;
  deleteCaptureSet(id: number, scope: UpstreamScope): Promise<void>;
  populateCaptureSet(id: number, scope: UpstreamScope): Promise<PopulateResultDto>;
  createJob(body: JobWrite, startNow: boolean, scope: UpstreamScope): Promise<JobDetailDto>;
  jobAction(id: number, action: JobAction, scope: UpstreamScope): Promise<JobDetailDto>;
}

/** A capture-set body in Beluga's field names; absent keys are not sent. */
export interface CaptureSetWrite {
  name?: string | null;
  project?: number;
  method?: string | null;
  kwargs?: unknown;
  description?: string | null;
}

/** A job body in Beluga's field names (`delay` is required upstream; the gateway sends 0). */
export interface JobWrite {
  name: string;
  project_id: number;
  pipeline_id?: number;
  source_image_collection_id?: number;
  job_type_key?: string;
}

export type JobAction = 'run' | 'retry' | 'cancel';

/** Wickson reads, always with the server's key. `getCollection` resolves `null` on 404. */
export interface WicksonClient {
  listCollections(scope: UpstreamScope): Promise<CollectionsListDataDto>;
  getCollection(id: string, scope: UpstreamScope): Promise<CollectionDetailDataDto | null>;
  listMedia(params: ListMediaParams, scope: UpstreamScope): Promise<MediaListDataDto>;
  getMedia(id: string, scope: UpstreamScope): Promise<MediaItemDto | null>;
}

/** Breaker and quota state for metrics and logs. */
export interface UpstreamHealth {
  upstream: UpstreamName;
  breaker: 'closed' | 'open' | 'half-open' | 'isolated';
  /** Unix ms until which calls are refused by the quota guard, if any (Wickson). */
  quotaBlockedUntil?: number;
}
