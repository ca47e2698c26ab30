/**
 * The one HTTP layer under both clients. One logical call runs these steps under one deadline
 * (which also follows the caller's signal), then is reported once through `scope.onCall` and
 * logged without bodies or headers:
 *
 * 1. `takeQuota`: spend one unit of the upstream's quota (Wickson), or refuse before sending.
 * 2. `attemptThroughBreaker`: one HTTP attempt (http-attempt.ts) inside the breaker; the body is
 *    parsed with the request's zod schema, a failure is classified by `classify.ts` with this
 *    upstream's own error-body reader, and returned as the attempt's outcome.
 * 3. `nextStep`: decide whether another attempt follows and after how long (at most one retry,
 *    budgeted and jittered; at most one short 429 wait), or give up with the call's error.

 * The steps return what they did; only the loop in `run` records it (`CallTrace`), for the report
 * and the error's `sent`.
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
import { type Breaker, BreakerOpenError } from './breaker.ts';
import {
  type AttemptFailure,
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
import { type AttemptDeps, abortState, attempt, type Outcome } from './http-attempt.ts';
import type { HttpRequest } from './http-request.ts';
import type { QuotaGate } from './quota.ts';
import { DEFAULT_RETRY_AFTER_MS, toRetryAfterSeconds } from './rate-limit.ts';
import { reportCall } from './report.ts';
import { type RetryBudget, retryBackoffMs, sleep } from './retry.ts';
import type { CallRecord, UpstreamHealth } from './types.ts';

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

export type { HttpMethod, HttpRequest } from './http-request.ts';

/** A read: always GET, idempotent, without a body. */
export type GetRequest<T> = Omit<HttpRequest<T>, 'method' | 'body' | 'idempotent'> & {
  /**
   * Records the fetch time in the answer's records (./fetched-at.ts): called by the shared cache
   * once per upstream answer (not for a 404's null), before the answer is stored or shared.
   */
  onFetched?(value: T, fetchedAt: number): void;
};

export interface HttpClient {
  get<T>(req: GetRequest<T>): Promise<T>;
  /** Like `get`, but a JSON 404 resolves `null` (and is not reported as an error). */
  getOrNull<T>(req: GetRequest<T>): Promise<T | null>;
  /** Any method, with the same deadline, breaker and reporting; retried only when idempotent. */
  send<T>(req: HttpRequest<T>): Promise<T>;
  health(): UpstreamHealth;
}

const MAX_RATE_LIMIT_WAIT_MS = 1_000;
/** Headroom a wait must leave before the deadline. */
const WAIT_MARGIN_MS = 50;

/** One upstream's HTTP dependencies, resolved once by `createHttp`. */
type Upstream = HttpDeps & AttemptDeps;

/** What one logical call has done so far; written by `run`'s loop, read by the report. */
interface CallTrace {
  attempts: number;
  status: number | undefined;
  /** Some attempt may have reached the upstream. */
  sent: boolean;
}

/** Which of the at-most-once waits a call has used. */
interface Used {
  retry: boolean;
  rateLimitWait: boolean;
}

type NextStep = { waitMs: number; uses: keyof Used } | { giveUp: UpstreamError };

export function createHttp(deps: HttpDeps): HttpClient {
  const up: Upstream = {
    ...deps,
    origin: new URL(deps.baseUrl).origin,
    readErrorBody: deps.readErrorBody ?? noErrorBody,
  };
  return {
    get: <T>(req: GetRequest<T>) => call(up, asRead(req), false) as Promise<T>,
    getOrNull: (req) => call(up, asRead(req), true),
    send: <T>(req: HttpRequest<T>) => call(up, req, false) as Promise<T>,
    health: () => ({
      upstream: up.upstream,
      breaker: up.breaker.state(),
      ...(up.quota?.blockedUntil() ? { quotaBlockedUntil: up.quota.blockedUntil() } : {}),
    }),
  };
}

function asRead<T>(req: GetRequest<T>): HttpRequest<T> {
  return { ...req, method: 'GET', idempotent: true };
}

/** One logical call: run it, report it once, and map a JSON 404 to null when asked. */
async function call<T>(up: Upstream, req: HttpRequest<T>, nullOn404: boolean): Promise<T | null> {
  const started = performance.now();
  const info: UpstreamCall = { upstream: up.upstream, method: req.method, path: req.path };
  const observer = req.scope.onCallStart?.({
    upstream: up.upstream,
    method: req.method,
    route: req.route,
  });
  const trace: CallTrace = { attempts: 0, status: undefined, sent: false };
  let error: UpstreamError | undefined;
  try {
    return await run(up, req, info, trace, observer?.headers);
  } catch (thrown) {
    error = isUpstreamError(thrown)
      ? thrown
      : new UpstreamUnavailableError({ ...info, sent: trace.sent }, 'failed unexpectedly', {
          cause: thrown,
        });
    if (!(nullOn404 && error instanceof NotFoundError)) throw error;
    error = undefined;
    return null;
  } finally {
    const record: CallRecord = {
      upstream: up.upstream,
      method: req.method,
      route: req.route,
      status: trace.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      errorCode: error?.code,
      attempts: trace.attempts,
    };
    observer?.end(record);
    reportCall(up.logger, record, error, info.path, req.scope);
  }
}

/** The attempts of one call under one deadline; resolves the parsed value or throws the error. */
async function run<T>(
  up: Upstream,
  req: HttpRequest<T>,
  info: UpstreamCall,
  trace: CallTrace,
  traceHeaders: Record<string, string> | undefined,
): Promise<T> {
  const refused = refusedBeforeSending(up.upstream, req, info);
  if (refused) throw refused;
  const deadline = createDeadline(up.timeoutMs, req.scope.signal);
  up.budget.recordRequest();
  const used: Used = { retry: false, rateLimitWait: false };
  try {
    for (;;) {
      if (up.quota) await takeQuota(up.quota, info, trace.sent, used.rateLimitWait);
      const outcome = await attemptThroughBreaker(up, req, info, deadline, traceHeaders, trace);
      trace.attempts += 1;
      const answered = outcome.ok ? outcome : outcome.failure.error;
      if (answered.status !== undefined) trace.status = answered.status;
      if (outcome.ok || outcome.failure.error.sent) trace.sent = true;
      if (outcome.ok) return outcome.value;
      const next = nextStep(up, outcome.failure, req.idempotent, used, deadline.remainingMs());
      if ('giveUp' in next) throw next.giveUp;
      used[next.uses] = true;
      await pause(next.waitMs, deadline, info);
    }
  } finally {
    deadline.dispose();
  }
}

/** A call that must not start: the caller is gone, its client limit or the request's cap. */
function refusedBeforeSending(
  upstream: UpstreamName,
  req: HttpRequest<unknown>,
  info: UpstreamCall,
): UpstreamError | undefined {
  if (req.scope.signal?.aborted)
    return new UpstreamTimeoutError(notSent(info), 'was aborted before it started');
  const waitSeconds = req.scope.refuse?.(upstream);
  if (waitSeconds !== undefined)
    return new RateLimitedError(notSent(info), 'not called: client limit', waitSeconds);
  if (req.scope.admit?.(upstream) === false)
    return new CallLimitError(notSent(info), 'not called: the request reached MAX_UPSTREAM_CALLS');
  return undefined;
}

/** The call as its error names it when it never went out (made only on that path). */
function notSent(info: UpstreamCall): UpstreamCall & { sent: false } {
  return { ...info, sent: false };
}

/** Step 1. After a 429 wait the upstream's block is ours to ignore once; the budget is not. */
async function takeQuota(
  quota: QuotaGate,
  info: UpstreamCall,
  sent: boolean,
  ignoreBlock: boolean,
): Promise<void> {
  const blockedMs = await quota.take({ ignoreBlock });
  if (blockedMs > 0) {
    throw new RateLimitedError(
      { ...info, sent },
      'not called: quota guard',
      toRetryAfterSeconds(blockedMs),
    );
  }
}

/**
 * Step 2. Only transport errors, timeouts and 5xx count against the breaker; an open breaker
 * ends the call (nothing was attempted).
 */
function attemptThroughBreaker<T>(
  up: Upstream,
  req: HttpRequest<T>,
  info: UpstreamCall,
  deadline: Deadline,
  traceHeaders: Record<string, string> | undefined,
  trace: CallTrace,
): Promise<Outcome<T>> {
  let probe: boolean;
  try {
    probe = up.breaker.admit();
  } catch (error) {
    if (!(error instanceof BreakerOpenError)) throw error;
    up.quota?.refund();
    throw new UpstreamUnavailableError(
      { ...info, sent: trace.sent },
      `not called: ${error.message}`,
    );
  }
  // A promise chain, not a third async frame per call: Q3 makes 52 calls.
  return attempt(up, req, info, deadline, traceHeaders).then(
    (outcome) => {
      const failed = !outcome.ok && outcome.failure.countsForBreaker;
      up.breaker.settle(probe, failed ? 'failed' : 'answered');
      return outcome;
    },
    (error: unknown) => {
      up.breaker.settle(probe, 'abandoned');
      throw error;
    },
  );
}

/** Step 3. Whether another attempt follows, and after how long; or the call's final error. */
function nextStep(
  up: Upstream,
  failure: AttemptFailure,
  idempotent: boolean,
  used: Used,
  remainingMs: number,
): NextStep {
  if (failure.rateLimit) {
    const waitMs = failure.rateLimit.waitMs;
    up.quota?.blockFor(waitMs ?? DEFAULT_RETRY_AFTER_MS);
    const fits =
      waitMs !== undefined &&
      waitMs + WAIT_MARGIN_MS < remainingMs &&
      waitMs <= MAX_RATE_LIMIT_WAIT_MS;
    if (idempotent && !used.rateLimitWait && fits) return { waitMs, uses: 'rateLimitWait' };
    return { giveUp: failure.error };
  }
  if (idempotent && failure.retryable && !used.retry) {
    const backoff = retryBackoffMs(up.random);
    if (backoff + WAIT_MARGIN_MS < remainingMs && up.budget.tryRetry()) {
      return { waitMs: backoff, uses: 'retry' };
    }
  }
  return { giveUp: failure.error };
}

/** Waits before the next attempt; the deadline passing (or the caller leaving) ends the call. */
async function pause(ms: number, deadline: Deadline, info: UpstreamCall): Promise<void> {
  try {
    await sleep(ms, deadline.signal);
  } catch (aborted) {
    throw classifyTransport(aborted, info, 'headers', abortState(deadline)).error;
  }
}
