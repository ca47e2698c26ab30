/**
 * Turns one failed HTTP attempt into an `UpstreamError` plus what the caller may do about it:
 * retry once (refused/reset before any body byte, 502/503/504, a JSON 500 whose body says it is
 * transient), count it against the breaker (transport errors, timeouts, 5xx), or wait out a 429.
 * A 401/403 is the caller's (UNAUTHENTICATED/FORBIDDEN) only when the caller's own credential
 * was sent. Upstream-specific knowledge arrives as an `ErrorBodyReader`; nothing here names one.
 */
import {
  CallAbandonedError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamAuthFailedError,
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  type UpstreamCall,
  type UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './errors.ts';
import {
  DEFAULT_RETRY_AFTER_MS,
  type Headers,
  rateLimitWaitMs,
  toRetryAfterSeconds,
} from './rate-limit.ts';
import type { CredentialSource } from './types.ts';

/** What an upstream's error body says, read by that upstream's own reader. */
export interface ErrorBody {
  /** Per-field validation errors of a 400 (DRF bodies), for a mutation's `userErrors`. */
  fieldErrors?: FieldIssue[];
  /** Upper-case error code, safe to log. */
  code?: string;
  requestId?: string;
  /** Reset time from a 429 body (Unix seconds), if the upstream sends one there. */
  resetTime?: unknown;
  /** The body says the failure is transient, so one retry may succeed. */
  transient?: boolean;
  /** False when a JSON 404 names no missing resource (an unknown route): drift, not absence. */
  absence?: boolean;
  /**
   * The body is this upstream's own well-formed error for `status`, so a refusal status
   * (`REFUSAL_STATUSES`) means the request was refused before anything was done.
   */
  refusal?: boolean;
}

/** Reads a non-2xx body (possibly empty or not JSON) of `status`; must never throw. */
export type ErrorBodyReader = (text: string, status: number) => ErrorBody;

/**
 * Statuses that say "refused, nothing done" when the upstream's own reader vouches for the body:
 * validation (400), credentials (401, 403), absence (404), method (405). A 429 or 503 is not
 * among them: neither says whether the request was acted on, and a proxy in front of the
 * upstream may send either after forwarding it.
 */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 405]);

export const noErrorBody: ErrorBodyReader = () => ({});

export class AttemptFailure extends Error {
  readonly error: UpstreamError;
  readonly retryable: boolean;
  readonly countsForBreaker: boolean;
  /** Set on 429: how long the upstream asked us to wait (undefined = it did not say). */
  readonly rateLimit: { waitMs: number | undefined } | undefined;
  constructor(
    error: UpstreamError,
    retryable: boolean,
    countsForBreaker: boolean,
    rateLimit?: { waitMs: number | undefined },
  ) {
    super(error.message);
    this.error = error;
    this.retryable = retryable;
    this.countsForBreaker = countsForBreaker;
    this.rateLimit = rateLimit;
  }
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Failures that prove the request never reached the upstream. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown }; errors?: { code?: unknown }[] };
  const code = e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

export interface AbortState {
  /** The per-call deadline fired. */
  timedOut: boolean;
  /** The caller's signal fired (client gone or request-wide deadline). */
  callerAborted: boolean;
  /** ...and not for a timeout: the client went away. */
  callerGone: boolean;
  timeoutMs: number;
}

/** A thrown error from `request()` (phase `headers`) or from reading the body (phase `body`). */
export function classifyTransport(
  error: unknown,
  attempted: UpstreamCall,
  phase: 'headers' | 'body',
  abort: AbortState,
): AttemptFailure {
  const options = { cause: error };
  const code = errorCode(error);
  const notSent = phase === 'headers' && code !== undefined && NOT_SENT_CODES.has(code);
  const call = notSent ? { ...attempted, sent: false } : attempted;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new AttemptFailure(
      new UpstreamBadResponseError(call, 'sent a body over the size limit', options),
      false,
      false,
    );
  }
  if (abort.timedOut || (code && TIMEOUT_CODES.has(code))) {
    return new AttemptFailure(
      new UpstreamTimeoutError(
        call,
        `timed out (${code ?? `deadline ${abort.timeoutMs} ms`})`,
        options,
      ),
      false,
      true,
    );
  }
  if (abort.callerAborted) {
    return new AttemptFailure(
      abort.callerGone
        ? new CallAbandonedError(call, 'was abandoned: the client went away', options)
        : new UpstreamTimeoutError(call, 'was aborted by the caller', options),
      false,
      false,
    );
  }
  if (phase === 'body') {
    return new AttemptFailure(
      new UpstreamBadResponseError(call, `body was cut short (${code ?? 'error'})`, options),
      false,
      true,
    );
  }
  return new AttemptFailure(
    new UpstreamUnavailableError(call, `could not be reached (${code ?? 'error'})`, options),
    code !== undefined && RETRYABLE_CODES.has(code),
    true,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A non-2xx response whose body (`text`, possibly empty) has been read. */
export function classifyStatus(
  base: UpstreamCall,
  response: { status: number; headers: Headers; text: string },
  options: {
    nowMs: number;
    credentialSource: CredentialSource;
    readErrorBody: ErrorBodyReader;
    /** Cap on the wait a 429 may ask for (the upstream's window). */
    maxRateLimitWaitMs?: number;
  },
): AttemptFailure {
  const { status, headers, text } = response;
  const { nowMs, credentialSource } = options;
  const body = options.readErrorBody(text, status);
  const call: UpstreamCall = {
    ...base,
    status,
    upstreamRequestId: body.requestId,
    refused: REFUSAL_STATUSES.has(status) && body.refusal === true,
  };
  const what = `returned ${status}${body.code ? ` ${body.code}` : ''}`;
  const isJson = parseJson(text) !== undefined;
  const fail = (error: UpstreamError, retryable = false, breaker = false) =>
    new AttemptFailure(error, retryable, breaker);

  if (status === 429) {
    const waitMs = rateLimitWaitMs(headers, body.resetTime, nowMs, options.maxRateLimitWaitMs);
    const seconds = toRetryAfterSeconds(waitMs ?? DEFAULT_RETRY_AFTER_MS);
    return new AttemptFailure(new RateLimitedError(call, what, seconds), false, false, { waitMs });
  }
  if (status >= 300 && status < 400) {
    return fail(new UpstreamBadResponseError(call, `${what}, a redirect that is not followed`));
  }
  if (status === 400) {
    return fail(new UpstreamBadRequestError(call, what, { fieldErrors: body.fieldErrors }));
  }
  if (status === 401 || status === 403) {
    // Rejecting the gateway's own credential (an API key, BELUGA_TOKEN) is ours to fix.
    if (credentialSource === 'server') {
      return fail(new UpstreamAuthFailedError(call, what));
    }
    return fail(
      status === 401 ? new UnauthenticatedError(call, what) : new ForbiddenError(call, what),
    );
  }
  if (status === 404) {
    // Django answers unknown routes with an HTML page: that is drift, not absence.
    if (!isJson) return fail(new UpstreamBadResponseError(call, `${what} with a non-JSON body`));
    return body.absence === false
      ? fail(new UpstreamBadResponseError(call, `${what}, a 404 that names no missing resource`))
      : fail(new NotFoundError(call, what));
  }
  if (status === 502 || status === 503 || status === 504) {
    return fail(new UpstreamUnavailableError(call, what), true, true);
  }
  if (status === 500 && isJson) {
    return fail(new UpstreamUnavailableError(call, what), body.transient === true, true);
  }
  if (status === 500) {
    // Antenna's 500 is Django's HTML page for a bug on this request: retrying will not help.
    return fail(new UpstreamBadResponseError(call, `${what} with a non-JSON body`), false, true);
  }
  if (status > 500) return fail(new UpstreamUnavailableError(call, what), false, true);
  return fail(new UpstreamBadResponseError(call, `${what}, an unexpected status`));
}
