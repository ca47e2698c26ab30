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

export function createRequestState(
  request: Request,
  timeoutMs: number,
  now: () => number,
  pathname = '',
): RequestState {
  const controller = new AbortController();
  const clientSignal = request.signal;
  let releasedCalls = 0;
  // One closure object per request instead of a named function per listener.
  const state: RequestState & { handleEvent(): void } = {
    requestId: requestIdFrom(request.headers.get('x-request-id')),
    startedAt: now(),
    pathname,
    operation: undefined,
    executed: false,
    trusted: false,
    errorCodes: [],
    context: undefined,
    upstreamCalls() {
      return state.context?.calls.length ?? releasedCalls;
    },
    release() {
      releasedCalls = state.upstreamCalls();
      state.context = undefined;
    },
    signal: controller.signal,
    delivered: undefined,
    handleEvent() {
      controller.abort(clientSignal.reason);
    },
    dispose() {
      clearTimeout(timer);
      clientSignal?.removeEventListener('abort', state);
    },
  };
  const timer = setTimeout(abortAtDeadline, timeoutMs, controller);
  if (clientSignal?.aborted) state.handleEvent();
  else clientSignal?.addEventListener('abort', state, { once: true });
  return state;
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
