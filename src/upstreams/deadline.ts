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
  return new CallDeadline(timeoutMs, parent);
}

/** One object per call, its methods on the prototype (a closure each was most of a call's garbage). */
class CallDeadline implements Deadline {
  readonly timeoutMs: number;
  private readonly endsAt: number;
  private readonly parent: AbortSignal | undefined;
  private readonly timer: ReturnType<typeof setTimeout>;
  /** The caller signal's set of deadlines this one joined (left on dispose). */
  private siblings: Set<CallDeadline> | undefined;
  private isTimedOut = false;
  private isAborted = false;
  private why: unknown;
  private controller: AbortController | undefined;
  private listeners: ((reason: unknown) => void)[] | undefined;

  constructor(timeoutMs: number, parent: AbortSignal | undefined) {
    this.timeoutMs = timeoutMs;
    this.endsAt = performance.now() + timeoutMs;
    this.parent = parent;
    this.timer = setTimeout(onDeadline, timeoutMs, this);
    if (parent?.aborted) this.abort(parent.reason);
    else if (parent) this.siblings = subscribe(parent, this);
  }

  abort(why: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.why = why;
    this.controller?.abort(why);
    const fns = this.listeners;
    this.listeners = undefined;
    if (fns) for (const fn of fns) fn(why);
  }

  expire(): void {
    this.isTimedOut = true;
    this.abort(new DOMException(`deadline of ${this.timeoutMs} ms passed`, 'TimeoutError'));
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  timedOut(): boolean {
    return this.isTimedOut;
  }

  callerAborted(): boolean {
    return this.parent?.aborted === true;
  }

  callerGone(): boolean {
    return this.parent?.aborted === true && !isTimeout(this.parent.reason);
  }

  remainingMs(): number {
    return this.endsAt - performance.now();
  }

  aborted(): boolean {
    return this.isAborted;
  }

  reason(): unknown {
    return this.why;
  }

  onAbort(fn: (reason: unknown) => void): () => void {
    if (this.isAborted) {
      fn(this.why);
      return () => {};
    }
    if (!this.listeners) this.listeners = [];
    const listeners = this.listeners;
    listeners.push(fn);
    return () => {
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.siblings?.delete(this);
  }
}

function onDeadline(deadline: CallDeadline): void {
  deadline.expire();
}

function isTimeout(reason: unknown): boolean {
  return (reason as { name?: unknown } | null)?.name === 'TimeoutError';
}

/**
 * One 'abort' listener per caller signal, fanning out to that request's calls in flight (a
 * request makes dozens of calls; one listener each would trip Node's max-listeners warning).
 */
const subscribers = new WeakMap<AbortSignal, Set<CallDeadline>>();

function subscribe(parent: AbortSignal, deadline: CallDeadline): Set<CallDeadline> {
  let set = subscribers.get(parent);
  if (!set) {
    const created = new Set<CallDeadline>();
    parent.addEventListener(
      'abort',
      () => {
        for (const d of [...created]) d.abort(parent.reason);
      },
      { once: true },
    );
    subscribers.set(parent, created);
    set = created;
  }
  set.add(deadline);
  return set;
}
