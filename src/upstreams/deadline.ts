/**
 * The per-call deadline: aborts after `timeoutMs` or when the caller's signal aborts, whichever
 * comes first. Same as `AbortSignal.any([scope.signal, AbortSignal.timeout(ms)])`, but the timer
 * is cleared when the call ends so no timer outlives it.
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
  const timer = setTimeout(
    () => controller.abort(new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError')),
    timeoutMs,
  );
  const signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal;
  return {
    signal,
    timeoutMs,
    timedOut: () => controller.signal.aborted,
    callerAborted: () => parent?.aborted === true,
    remainingMs: () => endsAt - performance.now(),
    dispose: () => clearTimeout(timer),
  };
}
