/**
 * The per-call deadline: aborts after `timeoutMs` or when the caller's signal aborts, whichever
 * comes first. Same as `AbortSignal.any([scope.signal, AbortSignal.timeout(ms)])`, but the timer
 * is cleared and the listener removed when the call ends, so nothing outlives it (and no
 * `AbortSignal.any` per call: its dependent-signal bookkeeping was a measurable CPU cost).
 */
export interface Deadline {
  signal: AbortSignal;
  timeoutMs: number;
  timedOut(): boolean;
  callerAborted(): boolean;
  remainingMs(): number;
  dispose(): void;
}

export function createDeadline(timeoutMs: number, parent: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  const endsAt = performance.now() + timeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError'));
  }, timeoutMs);
  const onParentAbort = () => controller.abort(parent?.reason);
  let unsubscribe: (() => void) | undefined;
  if (parent?.aborted) onParentAbort();
  else if (parent) unsubscribe = subscribe(parent, onParentAbort);
  return {
    signal: controller.signal,
    timeoutMs,
    timedOut: () => timedOut,
    callerAborted: () => parent?.aborted === true,
    remainingMs: () => endsAt - performance.now(),
    dispose: () => {
      clearTimeout(timer);
      unsubscribe?.();
    },
  };
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
