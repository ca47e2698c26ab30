/**
 * The per-call deadline: aborts after `timeoutMs` or when the caller's signal aborts, whichever
 * comes first. Same as `AbortSignal.any([scope.signal, AbortSignal.timeout(ms)])`, but the timer
 * is cleared and the listener removed when the call ends, so nothing outlives it, and no
 * AbortController is made unless something asks for `signal` (AbortSignal.any, and an
 * EventTarget per call, were a measurable CPU cost).
 */
/** What an exchange needs to be cancelled: no AbortSignal (an EventTarget) per call. */
export interface Cancellation {
  aborted(): boolean;
  reason(): unknown;
  /** Runs `fn` once on abort (at once if already aborted); returns the unsubscribe. */
  onAbort(fn: (reason: unknown) => void): () => void;
}

export interface Deadline extends Cancellation {
  /** An AbortSignal for APIs that need one (the retry sleep); created on first read. */
  readonly signal: AbortSignal;
  timeoutMs: number;
  timedOut(): boolean;
  callerAborted(): boolean;
  /**
   * The caller aborted for another reason than a timeout: the client went away. (The request
   * deadline aborts with a `TimeoutError`.)
   */
  callerGone(): boolean;
  remainingMs(): number;
  dispose(): void;
}

export function createDeadline(timeoutMs: number, parent: AbortSignal | undefined): Deadline {
  const endsAt = performance.now() + timeoutMs;
  let timedOut = false;
  let aborted = false;
  let reason: unknown;
  let controller: AbortController | undefined;
  let listeners: ((reason: unknown) => void)[] = [];
  const abort = (why: unknown) => {
    if (aborted) return;
    aborted = true;
    reason = why;
    controller?.abort(why);
    const fns = listeners;
    listeners = [];
    for (const fn of fns) fn(why);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    abort(new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError'));
  }, timeoutMs);
  const onParentAbort = () => abort(parent?.reason);
  let unsubscribe: (() => void) | undefined;
  if (parent?.aborted) onParentAbort();
  else if (parent) unsubscribe = subscribe(parent, onParentAbort);
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (aborted) controller.abort(reason);
      }
      return controller.signal;
    },
    timeoutMs,
    timedOut: () => timedOut,
    callerAborted: () => parent?.aborted === true,
    callerGone: () => parent?.aborted === true && !isTimeout(parent.reason),
    remainingMs: () => endsAt - performance.now(),
    aborted: () => aborted,
    reason: () => reason,
    onAbort(fn) {
      if (aborted) {
        fn(reason);
        return () => {};
      }
      listeners.push(fn);
      return () => {
        const i = listeners.indexOf(fn);
        if (i >= 0) listeners.splice(i, 1);
      };
    },
    dispose: () => {
      clearTimeout(timer);
      unsubscribe?.();
    },
  };
}

function isTimeout(reason: unknown): boolean {
  return (reason as { name?: unknown } | null)?.name === 'TimeoutError';
}

/**
 * One 'abort' listener per caller signal, fanning out to that request's calls in flight (a
 * request makes dozens of calls; one listener each would trip Node's max-listeners warning).
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

function subscribe(parent: AbortSignal, onAbort: () => void): () => void {
  let set = subscribers.get(parent);
  if (!set) {
    const created = new Set<() => void>();
    parent.addEventListener(
      'abort',
      () => {
        for (const fn of [...created]) fn();
      },
      { once: true },
    );
    subscribers.set(parent, created);
    set = created;
  }
  set.add(onAbort);
  const own = set;
  return () => own.delete(onAbort);
}
