/**
 * The one family of upstream failures. Clients throw these; the graph maps `code` to
 * `extensions.code` with a constant client message. `message` is for logs only: it names the
 * upstream, method, path and status, and never carries a body, a header value or a key.
 */

export type UpstreamName = 'beluga' | 'wickson';

/** The closed set of error codes a client can ever see (README "Errors"). */
export const ERROR_CODES = [
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'UPSTREAM_AUTH_FAILED',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'COST_LIMIT_EXCEEDED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface UpstreamCall {
  upstream: UpstreamName;
  method: string;
  /** Path without query string, e.g. `/api/v2/jobs/1146/`. */
  path: string;
  status?: number;
  /** Request id the upstream reported in its error body (Wickson), safe to log and expose. */
  upstreamRequestId?: string;
  /** False when the request never left the gateway; unset means it may have (see `sent`). */
  sent?: boolean;
  /** The upstream's well-formed answer says it refused the request before acting. */
  refused?: boolean;
}

export abstract class UpstreamError extends Error {
  abstract readonly code: ErrorCode;
  readonly upstream: UpstreamName;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly upstreamRequestId: string | undefined;
  /**
   * Whether the request may have reached the upstream. False only when it certainly did not:
   * quota or breaker refused it, the connection was refused, or it was aborted before it left.
   * For a write, false means "not applied" (see `failedWriteOutcome`).
   */
  readonly sent: boolean;
  /**
   * The upstream answered with its own well-formed refusal (400 field errors, 401, 403, 404, 405)
   * that says nothing was done. Only then is a sent write known not to have been applied.
   */
  readonly refused: boolean;

  constructor(call: UpstreamCall, what: string, options?: { cause?: unknown }) {
    super(`${call.upstream} ${call.method} ${call.path} ${what}`, options);
    this.name = new.target.name;
    this.upstream = call.upstream;
    this.method = call.method;
    this.path = call.path;
    this.status = call.status;
    this.upstreamRequestId = call.upstreamRequestId;
    this.sent = call.sent ?? true;
    this.refused = call.refused ?? false;
  }
}

/** The per-call or request-wide deadline passed (connect, headers or body). */
export class UpstreamTimeoutError extends UpstreamError {
  readonly code = 'UPSTREAM_TIMEOUT';
}

/**
 * A call cut short because the client went away: nobody reads the answer, so it is logged at
 * debug, not as an upstream failure (one abandoned fan-out query would write a warning per call).
 */
export class CallAbandonedError extends UpstreamTimeoutError {}

/** Refused, reset, DNS failure, 5xx after the retry, or the breaker is open. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

/** Issue paths and codes from a failed schema parse: never values. */
export interface SchemaIssue {
  path: string;
  code: string;
}

/** Non-JSON, truncated, oversized, or a payload that does not match its wire schema. */
export class UpstreamBadResponseError extends UpstreamError {
  readonly code = 'UPSTREAM_BAD_RESPONSE';
  readonly issues: SchemaIssue[];
  constructor(
    call: UpstreamCall,
    what: string,
    options?: { cause?: unknown; issues?: SchemaIssue[] },
  ) {
    super(call, what, options);
    this.issues = options?.issues ?? [];
  }
}

/** Wickson 401/403, or Beluga 401/403 on BELUGA_TOKEN: the gateway's own credential is at fault. */
export class UpstreamAuthFailedError extends UpstreamError {
  readonly code = 'UPSTREAM_AUTH_FAILED';
}

/** Beluga 401 on the caller's own token (or with no credential at all). */
export class UnauthenticatedError extends UpstreamError {
  readonly code = 'UNAUTHENTICATED';
}

/** Beluga 403: the caller may not see this. */
export class ForbiddenError extends UpstreamError {
  readonly code = 'FORBIDDEN';
}

/** 404 from a route where absence is an error (details become `null` instead). */
export class NotFoundError extends UpstreamError {
  readonly code = 'NOT_FOUND';
}

/** 429, or the gateway's own quota guard for Wickson refused to spend the budget. */
export class RateLimitedError extends UpstreamError {
  readonly code = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;
  constructor(
    call: UpstreamCall,
    what: string,
    retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(call, what, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One field of a rejected body: the upstream's field path (`[]` = the whole body). */
export interface FieldIssue {
  path: string[];
  /** The upstream's sentence when it is a plain one, else undefined (never echoed raw). */
  message: string | undefined;
}

/** A request the upstream rejected with 400 (a bad filter value, a write's invalid field). */
export class UpstreamBadRequestError extends UpstreamError {
  readonly code = 'BAD_USER_INPUT';
  /** What the error body said per field, when this upstream's reader understood it. */
  readonly fieldErrors: FieldIssue[] | undefined;
  constructor(
    call: UpstreamCall,
    what: string,
    options?: { cause?: unknown; fieldErrors?: FieldIssue[] },
  ) {
    super(call, what, options);
    this.fieldErrors = options?.fieldErrors;
  }
}

/** Not called: the request already started MAX_UPSTREAM_CALLS upstream calls. */
export class CallLimitError extends UpstreamError {
  readonly code = 'COST_LIMIT_EXCEEDED';
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/**
 * What a write did upstream: `APPLIED` (a well-formed 2xx), `REFUSED` (a well-formed refusal),
 * `NOT_SENT` (it never left the gateway) or `UNKNOWN` (anything else: it may have been applied).
 */
export type WriteOutcome = 'APPLIED' | 'REFUSED' | 'NOT_SENT' | 'UNKNOWN';

/**
 * The one rule for a failed write, used for the client's `extensions.outcome`, the cache eviction
 * and the request's loaders: a write that was sent and did not come back as the upstream's
 * well-formed refusal may have been applied, whatever the status, body or transport failure.
 */
export function failedWriteOutcome(error: unknown): Exclude<WriteOutcome, 'APPLIED'> {
  if (!isUpstreamError(error)) return 'UNKNOWN';
  if (!error.sent) return 'NOT_SENT';
  return error.refused ? 'REFUSED' : 'UNKNOWN';
}
