/**
 * The one HTTP layer under both clients. One logical call runs these steps under one deadline
 * (which also follows the caller's signal), then is reported once through `scope.onCall` and
 * logged without bodies or headers:
 *
 * 1. `takeQuota`: spend one unit of the upstream's quota (Wickson), or refuse before sending.
 * 2. `attemptThroughBreaker`: one HTTP attempt inside the breaker; the body is parsed with the
 *    request's zod schema, a failure is classified by `classify.ts` with this upstream's own
 *    error-body reader.
 * 3. `nextDelay`: decide whether another attempt follows and after how long (at most one retry,
 *    budgeted and jittered; at most one short 429 wait), or give up with the call's error.
 *
 * `scope.onCallStart`, when set, sees each logical call start and end (one trace span per call)
 * and adds its headers (`traceparent`) to every attempt.
 *
 * Only idempotent requests are retried or wait out a 429: `get`/`getOrNull` always are, `send`
 * says so per request. A failed call rejects with an `UpstreamError` whose `sent` tells whether
 * it may have reached the upstream (a write that failed with `sent: false` was not applied).
 *
 * Seam for a shared cache: the clients depend only on the `HttpClient` interface, so a cache is
 * a decorator implementing it (reads served or stored per `path`+`query`+credential, `send`
 * passed through), wired in `upstreams/index.ts`; neither the loaders nor this file know.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { type Breaker, BreakerFailure, BreakerOpenError } from './breaker.ts';
import {
  AttemptFailure,
  classifyStatus,
  classifyTransport,
  type ErrorBodyReader,
  noErrorBody,
} from './classify.ts';
import { createDeadline, type Deadline } from './deadline.ts';
import {
  CallLimitError,
  isUpstreamError,
  NotFoundError,
  RateLimitedError,
  type UpstreamCall,
  type UpstreamError,
  type UpstreamName,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './errors.ts';
import { parseBody } from './parse.ts';
import { type Exchange, ExchangeError, exchange } from './pool.ts';
import type { QuotaGate } from './quota.ts';
import { DEFAULT_RETRY_AFTER_MS, RATE_LIMIT_WINDOW_MS, toRetryAfterSeconds } from './rate-limit.ts';
import { reportCall } from './report.ts';
import { isRequestId } from './request-id.ts';
import { type RetryBudget, retryBackoffMs, sleep } from './retry.ts';
import type { CallRecord, CredentialSource, UpstreamHealth, UpstreamScope } from './types.ts';

export interface HttpDeps {
  upstream: UpstreamName;
  /** The upstream's origin, e.g. `http://127.0.0.1:4010` (config.ts accepts origins only). */
  baseUrl: string;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => number;
  timeoutMs: number;
  breaker: Breaker;
  budget: RetryBudget;
  quota?: QuotaGate;
  /** Reads this upstream's error bodies (code, request id, reset time, transient). */
  readErrorBody?: ErrorBodyReader;
  random?: () => number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest<T> {
  method: HttpMethod;
  /** Path on the origin with its segments already encoded, e.g. `/api/v2/jobs/7/`. */
  path: string;
  /** Route template for metrics, e.g. `/api/v2/jobs/{id}/`. */
  route: string;
  query?: Record<string, string | number | undefined>;
  /** Credentials and other upstream-specific headers. */
  headers?: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Repeating it is harmless: only then is it retried or does it wait out a 429. */
  idempotent: boolean;
  /** Whose credential `headers` carry; defaults to `scope.credentialSource`. */
  credential?: CredentialSource;
  /** Parses the 2xx body; a 204 is parsed as `null`. */
  schema: z.ZodType<T>;
  scope: UpstreamScope;
}

/** A read: always GET, idempotent, without a body. */
export type GetRequest<T> = Omit<HttpRequest<T>, 'method' | 'body' | 'idempotent'>;

export interface HttpClient {
  get<T>(req: GetRequest<T>): Promise<T>;
  /** Like `get`, but a JSON 404 resolves `null` (and is not reported as an error). */
  getOrNull<T>(req: GetRequest<T>): Promise<T | null>;
  /** Any method, with the same deadline, breaker and reporting; retried only when idempotent. */
  send<T>(req: HttpRequest<T>): Promise<T>;
  health(): UpstreamHealth;
}

const MAX_RATE_LIMIT_WAIT_MS = 1_000;

/** What one logical call has done so far; read by the report and by the error's `sent`. */
interface CallState {
  attempts: number;
  status: number | undefined;
  /** Some attempt may have reached the upstream. */
  sent: boolean;
  retried: boolean;
  waited: boolean;
  /** Headers from the scope's call observer (trace context), sent with every attempt. */
  traceHeaders: Record<string, string> | undefined;
}

export function createHttp(deps: HttpDeps): HttpClient {
  const { upstream, breaker, budget, quota, logger, now } = deps;
  const readErrorBody = deps.readErrorBody ?? noErrorBody;
  const origin = new URL(deps.baseUrl).origin;

  /** One logical call: run it, report it once, and map a JSON 404 to null when asked. */
  async function call<T>(req: HttpRequest<T>, nullOn404: boolean): Promise<T | null> {
    const started = performance.now();
    const info: UpstreamCall = { upstream, method: req.method, path: req.path };
    const observer = req.scope.onCallStart?.({ upstream, method: req.method, route: req.route });
    const state: CallState = {
      attempts: 0,
      status: undefined,
      sent: false,
      retried: false,
      waited: false,
      traceHeaders: observer?.headers,
    };
    const finish = (error: UpstreamError | undefined) => {
      const record: CallRecord = {
        upstream,
        method: req.method,
        route: req.route,
        status: state.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        errorCode: error?.code,
        attempts: state.attempts,
      };
      observer?.end(record);
      reportCall(logger, record, error, info.path, req.scope);
    };
    try {
      const value = await run(req, info, state);
      finish(undefined);
      return value;
    } catch (thrown) {
      const error = isUpstreamError(thrown)
        ? thrown
        : new UpstreamUnavailableError({ ...info, sent: state.sent }, 'failed unexpectedly', {
            cause: thrown,
          });
      if (nullOn404 && error instanceof NotFoundError) {
        finish(undefined);
        return null;
      }
      finish(error);
      throw error;
    }
  }

  async function run<T>(req: HttpRequest<T>, info: UpstreamCall, state: CallState): Promise<T> {
    if (req.scope.signal?.aborted)
      throw new UpstreamTimeoutError({ ...info, sent: false }, 'was aborted before it started');
    const waitSeconds = req.scope.refuse?.(upstream);
    if (waitSeconds !== undefined)
      throw new RateLimitedError({ ...info, sent: false }, 'not called: client limit', waitSeconds);
    if (req.scope.admit?.(upstream) === false)
      throw new CallLimitError(
        { ...info, sent: false },
        'not called: the request reached MAX_UPSTREAM_CALLS',
      );
    const deadline = createDeadline(deps.timeoutMs, req.scope.signal);
    budget.recordRequest();
    try {
      for (;;) {
        await takeQuota(info, state);
        try {
          return await attemptThroughBreaker(req, info, deadline, state);
        } catch (error) {
          const waitMs = nextDelay(error, req, deadline, state);
          try {
            await sleep(waitMs, deadline.signal);
          } catch (aborted) {
            throw classifyTransport(aborted, info, 'headers', abortState(deadline)).error;
          }
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  /** Step 1. After a 429 wait the upstream's block is ours to ignore once; the budget is not. */
  async function takeQuota(info: UpstreamCall, state: CallState): Promise<void> {
    const blockedMs = (await quota?.take({ ignoreBlock: state.waited })) ?? 0;
    if (blockedMs > 0) {
      throw new RateLimitedError(
        { ...info, sent: state.sent },
        'not called: quota guard',
        toRetryAfterSeconds(blockedMs),
      );
    }
  }

  /** Step 2. Only transport errors, timeouts and 5xx count against the breaker. */
  async function attemptThroughBreaker<T>(
    req: HttpRequest<T>,
    info: UpstreamCall,
    deadline: Deadline,
    state: CallState,
  ): Promise<T> {
    try {
      return await breaker.run(async () => {
        state.attempts += 1;
        try {
          return await attempt(req, info, deadline, state);
        } catch (error) {
          if (error instanceof AttemptFailure && error.countsForBreaker) {
            throw new BreakerFailure(error);
          }
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof BreakerOpenError) {
        quota?.refund();
        throw new UpstreamUnavailableError(
          { ...info, sent: state.sent },
          `not called: ${error.message}`,
        );
      }
      throw error;
    }
  }

  /** Step 3. Milliseconds until the next attempt, or throws the call's final error. */
  function nextDelay(
    error: unknown,
    req: HttpRequest<unknown>,
    deadline: Deadline,
    state: CallState,
  ): number {
    if (!(error instanceof AttemptFailure)) throw error;
    if (error.rateLimit) {
      const waitMs = error.rateLimit.waitMs;
      const fits = waitMs !== undefined && waitMs + 50 < deadline.remainingMs();
      quota?.blockFor(waitMs ?? DEFAULT_RETRY_AFTER_MS);
      if (req.idempotent && !state.waited && fits && waitMs <= MAX_RATE_LIMIT_WAIT_MS) {
        state.waited = true;
        return waitMs;
      }
      throw error.error;
    }
    if (req.idempotent && error.retryable && !state.retried) {
      const backoff = retryBackoffMs(deps.random);
      if (backoff + 50 < deadline.remainingMs() && budget.tryRetry()) {
        state.retried = true;
        return backoff;
      }
    }
    throw error.error;
  }

  /** One HTTP exchange: send, read the whole body, classify a failure, parse a success. */
  async function attempt<T>(
    req: HttpRequest<T>,
    info: UpstreamCall,
    deadline: Deadline,
    state: CallState,
  ): Promise<T> {
    const path = requestPath(info.path, req.query, origin);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...req.headers,
      ...state.traceHeaders,
    };
    const requestId = req.scope.requestId;
    if (isRequestId(requestId)) headers['x-request-id'] = requestId;
    const hasBody = req.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';

    let res: Exchange;
    try {
      res = await exchange(
        deps.dispatcher,
        {
          origin,
          path,
          method: req.method,
          headers,
          body: hasBody ? JSON.stringify(req.body) : undefined,
        },
        deadline,
      );
    } catch (error) {
      const failed = error instanceof ExchangeError ? error : new ExchangeError(undefined, error);
      if (failed.status !== undefined) state.status = failed.status;
      const failure = classifyTransport(
        failed.cause,
        failed.status === undefined ? info : { ...info, status: failed.status },
        failed.phase,
        abortState(deadline),
      );
      if (failed.phase === 'body' || failure.error.sent) state.sent = true;
      throw failure;
    }
    state.sent = true;
    const status = res.statusCode;
    state.status = status;
    const withStatus = { ...info, status };
    const classifyOptions = {
      nowMs: now(),
      credentialSource: req.credential ?? req.scope.credentialSource ?? 'client',
      readErrorBody,
      maxRateLimitWaitMs: RATE_LIMIT_WINDOW_MS[upstream],
    };
    if (status !== 429) quota?.observe(res.headers, status);
    if (status >= 300 && status < 400) {
      // Never followed: the Location may be another origin and would receive our credentials.
      throw classifyStatus(info, { status, headers: res.headers, text: '' }, classifyOptions);
    }
    const text = res.text;
    if (status < 200 || status >= 300)
      throw classifyStatus(info, { status, headers: res.headers, text }, classifyOptions);
    const parsed =
      status === 204
        ? parseBody('null', undefined, req.schema, withStatus)
        : parseBody(text, res.headers['content-type'], req.schema, withStatus);
    if (parsed.ok) return parsed.value;
    throw new AttemptFailure(parsed.error, false, false);
  }

  const read = <T>(req: GetRequest<T>): HttpRequest<T> => ({
    ...req,
    method: 'GET',
    idempotent: true,
  });

  return {
    get: <T>(req: GetRequest<T>) => call(read(req), false) as Promise<T>,
    getOrNull: (req) => call(read(req), true),
    send: <T>(req: HttpRequest<T>) => call(req, false) as Promise<T>,
    health: () => ({
      upstream,
      breaker: breaker.state(),
      ...(quota?.blockedUntil() ? { quotaBlockedUntil: quota.blockedUntil() } : {}),
    }),
  };
}

function abortState(deadline: Deadline) {
  return {
    timedOut: deadline.timedOut(),
    callerAborted: deadline.callerAborted(),
    callerGone: deadline.callerGone(),
    timeoutMs: deadline.timeoutMs,
  };
}

/** A dot segment (`.` or `..`) that URL resolution would remove. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * `path` with `query` appended, as `new URL(path, origin)` with `searchParams.set` would give it
 * (form encoding: space as `+`), without parsing a URL per call; a path with dot segments is
 * still resolved by URL.
 */
export function requestPath(
  path: string,
  query: Record<string, string | number | undefined> | undefined,
  origin: string,
): string {
  const base = DOT_SEGMENT.test(path) ? new URL(path, origin).pathname : path;
  let search = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    search += `${search ? '&' : '?'}${formEncode(key)}=${formEncode(String(value))}`;
  }
  return base + search;
}

function formEncode(text: string): string {
  try {
    return encodeURIComponent(text)
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  } catch {
    // A lone surrogate: URLSearchParams writes U+FFFD for it.
    return new URLSearchParams([['', text]]).toString().slice(1);
  }
}
