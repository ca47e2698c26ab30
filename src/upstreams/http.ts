/**
 * The one HTTP layer under both clients: GET only. Per call: quota guard (Wickson), a deadline
 * that also follows the caller's signal, the breaker around every attempt, at most one retry
 * (budgeted, jittered) and at most one short 429 wait, then zod parsing of the body. Every
 * finished call is reported once through `scope.onCall` and logged without bodies or headers.
 */
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { type Breaker, BreakerFailure, BreakerOpenError } from './breaker.ts';
import { AttemptFailure, classifyStatus, classifyTransport } from './classify.ts';
import { createDeadline, type Deadline } from './deadline.ts';
import {
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
import type { QuotaGuard } from './quota.ts';
import { DEFAULT_RETRY_AFTER_MS, toRetryAfterSeconds } from './rate-limit.ts';
import { reportCall } from './report.ts';
import { isRequestId } from './request-id.ts';
import { type RetryBudget, retryBackoffMs, sleep } from './retry.ts';
import type { CallRecord, UpstreamHealth, UpstreamScope } from './types.ts';

export interface HttpDeps {
  upstream: UpstreamName;
  /** Origin plus optional path prefix, no trailing slash. */
  baseUrl: string;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => number;
  timeoutMs: number;
  breaker: Breaker;
  budget: RetryBudget;
  quota?: QuotaGuard;
  random?: () => number;
}

export interface GetRequest<T> {
  /** Path below the base URL with its segments already encoded, e.g. `/api/v2/jobs/7/`. */
  path: string;
  /** Route template for metrics, e.g. `/api/v2/jobs/{id}/`. */
  route: string;
  query?: Record<string, string | number | undefined>;
  /** Credentials and other upstream-specific headers. */
  headers?: Record<string, string>;
  schema: z.ZodType<T>;
  scope: UpstreamScope;
}

export interface HttpClient {
  get<T>(req: GetRequest<T>): Promise<T>;
  /** Like `get`, but a JSON 404 resolves `null` (and is not reported as an error). */
  getOrNull<T>(req: GetRequest<T>): Promise<T | null>;
  health(): UpstreamHealth;
}

const MAX_RATE_LIMIT_WAIT_MS = 1_000;

export function createHttp(deps: HttpDeps): HttpClient {
  const { upstream, breaker, budget, quota, logger, now } = deps;
  const base = new URL(deps.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');

  async function call<T>(req: GetRequest<T>, nullOn404: boolean): Promise<T | null> {
    const started = performance.now();
    const info: UpstreamCall = { upstream, method: 'GET', path: prefix + req.path };
    const state = { attempts: 0, status: undefined as number | undefined };
    const finish = (error: UpstreamError | undefined) => {
      const record: CallRecord = {
        upstream,
        method: 'GET',
        route: req.route,
        status: state.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        errorCode: error?.code,
        attempts: state.attempts,
      };
      reportCall(logger, record, error, info.path, req.scope);
    };
    try {
      const value = await run(req, info, state);
      finish(undefined);
      return value;
    } catch (thrown) {
      const error = isUpstreamError(thrown)
        ? thrown
        : new UpstreamUnavailableError(info, 'failed unexpectedly', { cause: thrown });
      if (nullOn404 && error instanceof NotFoundError) {
        finish(undefined);
        return null;
      }
      finish(error);
      throw error;
    }
  }

  async function run<T>(
    req: GetRequest<T>,
    info: UpstreamCall,
    state: { attempts: number; status: number | undefined },
  ): Promise<T> {
    if (req.scope.signal?.aborted)
      throw new UpstreamTimeoutError(info, 'was aborted before it started');
    const deadline = createDeadline(deps.timeoutMs, req.scope.signal);
    const pause = async (ms: number) => {
      try {
        await sleep(ms, deadline.signal);
      } catch (error) {
        throw classifyTransport(error, info, 'headers', abortState(deadline)).error;
      }
    };
    budget.recordRequest();
    let retried = false;
    let waited = false;
    try {
      for (;;) {
        const blockedMs = quota?.take({ ignoreBlock: waited }) ?? 0;
        if (blockedMs > 0) {
          throw new RateLimitedError(
            info,
            'not called: quota guard',
            toRetryAfterSeconds(blockedMs),
          );
        }
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
            throw new UpstreamUnavailableError(info, `not called: ${error.message}`);
          }
          if (!(error instanceof AttemptFailure)) throw error;
          if (error.rateLimit) {
            const waitMs = error.rateLimit.waitMs;
            const fits = waitMs !== undefined && waitMs + 50 < deadline.remainingMs();
            quota?.blockFor(waitMs ?? DEFAULT_RETRY_AFTER_MS);
            if (!waited && fits && waitMs <= MAX_RATE_LIMIT_WAIT_MS) {
              waited = true;
              await pause(waitMs);
              continue;
            }
            throw error.error;
          }
          if (error.retryable && !retried) {
            const backoff = retryBackoffMs(deps.random);
            if (backoff + 50 < deadline.remainingMs() && budget.tryRetry()) {
              retried = true;
              await pause(backoff);
              continue;
            }
          }
          throw error.error;
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  async function attempt<T>(
    req: GetRequest<T>,
    info: UpstreamCall,
    deadline: Deadline,
    state: { status: number | undefined },
  ): Promise<T> {
    const url = new URL(info.path, base.origin);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    const requestId = req.scope.requestId;
    if (isRequestId(requestId)) headers['x-request-id'] = requestId;

    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        dispatcher: deps.dispatcher,
        method: 'GET',
        headers,
        signal: deadline.signal,
      });
    } catch (error) {
      throw classifyTransport(error, info, 'headers', abortState(deadline));
    }
    const status = res.statusCode;
    state.status = status;
    const withStatus = { ...info, status };
    if (status !== 429) quota?.observe(res.headers);
    if (status >= 300 && status < 400) {
      // Never followed: the Location may be another origin and would receive our credentials.
      await res.body.dump({ limit: 64 * 1024, signal: deadline.signal }).catch(() => undefined);
      throw classifyStatus(info, status, res.headers, '', now(), req.scope.credentialSource);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      throw classifyTransport(error, withStatus, 'body', abortState(deadline));
    }
    if (status < 200 || status >= 300)
      throw classifyStatus(info, status, res.headers, text, now(), req.scope.credentialSource);
    const parsed = parseBody(text, res.headers['content-type'], req.schema, withStatus);
    if (parsed.ok) return parsed.value;
    throw new AttemptFailure(parsed.error, false, false);
  }

  return {
    get: <T>(req: GetRequest<T>) => call(req, false) as Promise<T>,
    getOrNull: (req) => call(req, true),
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
    timeoutMs: deadline.timeoutMs,
  };
}
