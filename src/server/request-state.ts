/**
 * Per-HTTP-request bookkeeping shared by the gateway's plugins: request id, start time, the
 * request-wide deadline and what the access log line needs. Keyed by the Request object.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayContext } from '../context.ts';
import { isRequestId } from '../upstreams/request-id.ts';

export interface RequestState {
  requestId: string;
  startedAt: number;
  /** The request URL's path, as yoga parsed it. */
  pathname: string;
  operation: string | undefined;
  /** The operation ran through execute (a query or mutation), not subscribe. */
  executed: boolean;
  /**
   * Its operation name may become a metrics label: a persisted operation, or a client Beluga
   * vouched for. A stranger's names count as `other` once unknown (metrics.ts).
   */
  trusted: boolean;
  errorCodes: string[];
  /**
   * The GraphQL context once yoga built it (undefined for a request refused before): its call
   * ledger, budget and absorbed failures are read from there, never copied.
   */
  context: GatewayContext | undefined;
  /** Upstream calls the request made (kept when the context is released). */
  upstreamCalls(): number;
  /**
   * The request is over: drop its context (loaders, cached payloads, closures). The Request
   * object, which keys this state, can outlive the response (a keep-alive socket holds it), and
   * with it everything the state still references.
   */
  release(): void;
  /** Aborts at the deadline or when the client goes away; handed to the upstream scope. */
  signal: AbortSignal;
  /**
   * For an incremental result (@defer/@stream): settles once its last payload has gone or the
   * client left. The request ends then, not when its response starts.
   */
  delivered: Promise<void> | undefined;
  dispose(): void;
}

export function requestIdFrom(header: string | null): string {
  return isRequestId(header) ? header : randomUUID();
}

export const DEADLINE_REASON = 'request deadline passed';

/**
 * Made by the first hook that sees the request. The signal (an AbortController, the deadline's
 * timer and a listener on the client's signal) is made on first read: a request answered from
 * the cache never reads it, and those three were a measurable share of such a request's CPU.
 * Read later, it is the same signal: aborted at once if the client already left or the deadline
 * (counted from `startedAt`) passed, else armed for the time left.
 */
export function createRequestState(
  request: Request,
  timeoutMs: number,
  now: () => number,
  pathname = '',
): RequestState {
  return new HttpRequestState(request, timeoutMs, now, pathname);
}

class HttpRequestState implements RequestState {
  readonly requestId: string;
  readonly startedAt: number;
  readonly pathname: string;
  operation: string | undefined = undefined;
  executed = false;
  trusted = false;
  errorCodes: string[] = [];
  context: GatewayContext | undefined = undefined;
  delivered: Promise<void> | undefined = undefined;
  #releasedCalls = 0;
  readonly #request: Request;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #controller: AbortController | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #listening = false;
  #disposed = false;

  constructor(request: Request, timeoutMs: number, now: () => number, pathname: string) {
    this.#request = request;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
    this.requestId = requestIdFrom(request.headers.get('x-request-id'));
    this.startedAt = now();
    this.pathname = pathname;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (!this.#disposed) this.#arm(this.#controller);
    }
    return this.#controller.signal;
  }

  #arm(controller: AbortController): void {
    const client = this.#request.signal;
    if (client?.aborted) {
      controller.abort(client.reason);
      return;
    }
    // Whole milliseconds: node keeps a timer list per distinct duration, so a fractional one
    // would make (and drop) a list per request.
    const left = Math.ceil(this.startedAt + this.#timeoutMs - this.#now());
    if (left <= 0) {
      abortAtDeadline(controller);
      return;
    }
    this.#timer = setTimeout(abortAtDeadline, left, controller);
    if (client) {
      client.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
  }

  /** The client's signal aborted (this object is its listener: no closure per request). */
  handleEvent(): void {
    this.#controller?.abort(this.#request.signal.reason);
  }

  upstreamCalls(): number {
    return this.context?.calls.length ?? this.#releasedCalls;
  }

  release(): void {
    this.#releasedCalls = this.upstreamCalls();
    this.context = undefined;
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#listening) this.#request.signal.removeEventListener('abort', this);
    this.#listening = false;
  }
}

function abortAtDeadline(controller: AbortController): void {
  controller.abort(new DOMException(DEADLINE_REASON, 'TimeoutError'));
}

export function createStateStore() {
  const states = new WeakMap<Request, RequestState>();
  return {
    set: (request: Request, state: RequestState) => states.set(request, state),
    get: (request: Request) => states.get(request),
  };
}
