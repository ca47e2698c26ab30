/**
 * Turns one failed HTTP attempt into an `UpstreamError` plus what the caller may do about it:
 * retry once (refused/reset before any body byte, 502/503/504, Wickson 500 PROCESSING_ERROR),
 * count it against the breaker (transport errors, timeouts, 5xx), or wait out a 429. A 401/403
 * is the caller's (UNAUTHENTICATED/FORBIDDEN) only when the caller's own credential was sent.
 */
import {
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
import { ErrorBodyDto, readErrorBody } from './wickson/schemas.ts';

export class AttemptFailure extends Error {
  constructor(
    readonly error: UpstreamError,
    readonly retryable: boolean,
    readonly countsForBreaker: boolean,
    /** Set on 429: how long the upstream asked us to wait (undefined = it did not say). */
    readonly rateLimit?: { waitMs: number | undefined },
  ) {
    super(error.message);
  }
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
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
  timeoutMs: number;
}

/** A thrown error from `request()` (phase `headers`) or from reading the body (phase `body`). */
export function classifyTransport(
  error: unknown,
  call: UpstreamCall,
  phase: 'headers' | 'body',
  abort: AbortState,
): AttemptFailure {
  const options = { cause: error };
  const code = errorCode(error);
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
      new UpstreamTimeoutError(call, 'was aborted by the caller', options),
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

/** Code, request id and reset time from a Wickson error body, whichever shape it came in. */
function wicksonError(text: string): { code?: string; requestId?: string; resetTime?: unknown } {
  const parsed = ErrorBodyDto.safeParse(parseJson(text));
  if (!parsed.success) return {};
  const { code, requestId } = readErrorBody(parsed.data);
  const details = 'error' in parsed.data ? parsed.data.error.details : parsed.data.details;
  const resetTime = details?.reset_time;
  return { code, requestId, resetTime };
}

/** A non-2xx response whose body (`text`, possibly empty) has been read. */
export function classifyStatus(
  base: UpstreamCall,
  status: number,
  headers: Headers,
  text: string,
  nowMs: number,
  credentialSource: CredentialSource = 'client',
): AttemptFailure {
  const wickson = base.upstream === 'wickson' ? wicksonError(text) : {};
  const call: UpstreamCall = { ...base, status, upstreamRequestId: wickson.requestId };
  const what = `returned ${status}${wickson.code ? ` ${wickson.code}` : ''}`;
  const isJson = parseJson(text) !== undefined;
  const fail = (error: UpstreamError, retryable = false, breaker = false) =>
    new AttemptFailure(error, retryable, breaker);

  if (status === 429) {
    const waitMs = rateLimitWaitMs(headers, wickson.resetTime, nowMs);
    const seconds = toRetryAfterSeconds(waitMs ?? DEFAULT_RETRY_AFTER_MS);
    return new AttemptFailure(new RateLimitedError(call, what, seconds), false, false, { waitMs });
  }
  if (status >= 300 && status < 400) {
    return fail(new UpstreamBadResponseError(call, `${what}, a redirect that is not followed`));
  }
  if (status === 400) return fail(new UpstreamBadRequestError(call, what));
  if (status === 401 || status === 403) {
    // Wickson always gets our key; Beluga rejecting BELUGA_TOKEN is ours to fix, not the caller's.
    if (base.upstream === 'wickson' || credentialSource === 'server') {
      return fail(new UpstreamAuthFailedError(call, what));
    }
    return fail(
      status === 401 ? new UnauthenticatedError(call, what) : new ForbiddenError(call, what),
    );
  }
  if (status === 404) {
    // Django answers unknown routes with an HTML page: that is drift, not absence.
    return isJson
      ? fail(new NotFoundError(call, what))
      : fail(new UpstreamBadResponseError(call, `${what} with a non-JSON body`));
  }
  if (status === 502 || status === 503 || status === 504) {
    return fail(new UpstreamUnavailableError(call, what), true, true);
  }
  if (status === 500 && isJson) {
    const processing = base.upstream === 'wickson' && wickson.code === 'PROCESSING_ERROR';
    return fail(new UpstreamUnavailableError(call, what), processing, true);
  }
  if (status === 500) {
    // Antenna's 500 is Django's HTML page for a bug on this request: retrying will not help.
    return fail(new UpstreamBadResponseError(call, `${what} with a non-JSON body`), false, true);
  }
  if (status > 500) return fail(new UpstreamUnavailableError(call, what), false, true);
  return fail(new UpstreamBadResponseError(call, `${what}, an unexpected status`));
}
