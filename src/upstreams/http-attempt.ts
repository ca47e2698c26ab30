/**
 * One HTTP attempt of a logical call (step 2 of http.ts): send it, read the whole body, and turn
 * the answer into an outcome — the parsed 2xx value, or an `AttemptFailure` that says what the
 * caller may do next (classify.ts). Failures are returned, not thrown; only the breaker sees
 * them as throws (attemptThroughBreaker in http.ts).
 */
import type { Dispatcher } from 'undici';
import {
  AttemptFailure,
  classifyStatus,
  classifyTransport,
  type ErrorBodyReader,
} from './classify.ts';
import type { Deadline } from './deadline.ts';
import type { UpstreamCall, UpstreamName } from './errors.ts';
import type { HttpRequest } from './http-request.ts';
import { parseBody } from './parse.ts';
import { type Exchange, ExchangeError, exchange } from './pool.ts';
import type { QuotaGate } from './quota.ts';
import { RATE_LIMIT_WINDOW_MS } from './rate-limit.ts';
import { isRequestId } from './request-id.ts';

/** What an attempt needs of its upstream. */
export interface AttemptDeps {
  upstream: UpstreamName;
  origin: string;
  dispatcher: Dispatcher;
  now: () => number;
  quota?: QuotaGate | undefined;
  readErrorBody: ErrorBodyReader;
}

export type Outcome<T> =
  | { ok: true; value: T; status: number }
  | { ok: false; failure: AttemptFailure };

export async function attempt<T>(
  deps: AttemptDeps,
  req: HttpRequest<T>,
  info: UpstreamCall,
  deadline: Deadline,
  traceHeaders: Record<string, string> | undefined,
): Promise<Outcome<T>> {
  let res: Exchange;
  try {
    res = await exchange(
      deps.dispatcher,
      dispatchOptions(deps.origin, req, traceHeaders),
      deadline,
    );
  } catch (error) {
    return { ok: false, failure: transportFailure(error, info, deadline) };
  }
  return readAnswer(deps, req, { ...info, status: res.statusCode }, res);
}

/** The request as undici dispatches it: undici encodes `query` (querystring) onto the path. */
function dispatchOptions(
  origin: string,
  req: HttpRequest<unknown>,
  traceHeaders: Record<string, string> | undefined,
): Dispatcher.DispatchOptions {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...req.headers,
    ...traceHeaders,
  };
  if (isRequestId(req.scope.requestId)) headers['x-request-id'] = req.scope.requestId;
  const hasBody = req.body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  const query = requestQuery(req.query);
  return {
    origin,
    path: requestTarget(req.path, origin),
    method: req.method,
    headers,
    body: hasBody ? JSON.stringify(req.body) : undefined,
    ...(query ? { query } : {}),
  };
}

/** A failed exchange: before the answer (phase `headers`) or while its body was read. */
function transportFailure(error: unknown, info: UpstreamCall, deadline: Deadline): AttemptFailure {
  const failed = error instanceof ExchangeError ? error : new ExchangeError(undefined, error);
  const call = failed.status === undefined ? info : { ...info, status: failed.status };
  return classifyTransport(failed.cause, call, failed.phase, abortState(deadline));
}

/** A whole answer: a redirect (never followed), an error status, or a 2xx body to parse. */
function readAnswer<T>(
  deps: AttemptDeps,
  req: HttpRequest<T>,
  call: UpstreamCall & { status: number },
  res: Exchange,
): Outcome<T> {
  const { status } = call;
  if (status !== 429) deps.quota?.observe(res.headers, status);
  if (status < 200 || status >= 300) {
    const options = {
      nowMs: deps.now(),
      credentialSource: req.credential ?? req.scope.credentialSource ?? 'client',
      readErrorBody: deps.readErrorBody,
      maxRateLimitWaitMs: RATE_LIMIT_WINDOW_MS[deps.upstream],
    };
    // A redirect's Location may be another origin, which would receive our credentials.
    const text = status >= 300 && status < 400 ? '' : res.text;
    return {
      ok: false,
      failure: classifyStatus(call, { status, headers: res.headers, text }, options),
    };
  }
  const parsed =
    status === 204
      ? parseBody('null', undefined, req.schema, call)
      : parseBody(res.text, res.headers['content-type'], req.schema, call);
  if (parsed.ok) return { ok: true, value: parsed.value, status };
  return { ok: false, failure: new AttemptFailure(parsed.error, false, false) };
}

export function abortState(deadline: Deadline) {
  return {
    timedOut: deadline.timedOut(),
    callerAborted: deadline.callerAborted(),
    callerGone: deadline.callerGone(),
    timeoutMs: deadline.timeoutMs,
  };
}

/** A dot segment (`.` or `..`) that URL resolution would remove. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** `path` as `new URL(path, origin)` resolves it; parsed only when it holds a dot segment. */
export function requestTarget(path: string, origin: string): string {
  return DOT_SEGMENT.test(path) ? new URL(path, origin).pathname : path;
}

/**
 * The query undici serializes: entries without a value left out, and strings made well-formed
 * (a lone surrogate becomes U+FFFD, as URLSearchParams writes it; querystring would throw).
 */
export function requestQuery(
  query: HttpRequest<unknown>['query'],
): Record<string, string | number> | undefined {
  let out: Record<string, string | number> | undefined;
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out ??= {};
    out[key.toWellFormed()] = typeof value === 'string' ? value.toWellFormed() : value;
  }
  return out;
}
