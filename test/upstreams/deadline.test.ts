/** The per-call deadline (src/upstreams/deadline.ts) on vitest's fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../src/upstreams/deadline.ts';

describe('call deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out after timeoutMs: a TimeoutError reaches every listener once, and the signal', () => {
    const deadline = createDeadline(100, undefined);
    const seen: unknown[] = [];
    deadline.onAbort((reason) => seen.push(reason));
    const signal = deadline.signal;
    vi.advanceTimersByTime(99);
    expect([deadline.aborted(), deadline.timedOut(), seen.length]).toEqual([false, false, 0]);
    vi.advanceTimersByTime(1);
    expect([deadline.aborted(), deadline.timedOut()]).toEqual([true, true]);
    expect(seen).toHaveLength(1);
    expect((seen[0] as DOMException).name).toBe('TimeoutError');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(seen[0]);
    // Late subscribers hear it at once; a signal read after the abort is already aborted.
    let late: unknown;
    deadline.onAbort((reason) => {
      late = reason;
    });
    expect(late).toBe(seen[0]);
    expect(deadline.callerAborted()).toBe(false);
  });

  it('follows the caller: an abort reaches each call in flight, not one disposed before it', () => {
    const caller = new AbortController();
    const first = createDeadline(1_000, caller.signal);
    const second = createDeadline(1_000, caller.signal);
    const gone = createDeadline(1_000, caller.signal);
    gone.dispose();
    const heard: string[] = [];
    first.onAbort(() => heard.push('first'));
    const unsubscribe = second.onAbort(() => heard.push('second'));
    second.onAbort(() => heard.push('second again'));
    unsubscribe();
    gone.onAbort(() => heard.push('gone'));
    caller.abort(new Error('client went away'));
    expect(heard).toEqual(['first', 'second again']);
    expect([first.aborted(), first.timedOut(), first.callerAborted(), first.callerGone()]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect((first.reason() as Error).message).toBe('client went away');
    expect(gone.aborted()).toBe(false);
  });

  it('a caller already aborted ends the call at once; a request timeout is not "gone"', () => {
    const caller = new AbortController();
    caller.abort(new DOMException('request deadline', 'TimeoutError'));
    const deadline = createDeadline(1_000, caller.signal);
    expect([deadline.aborted(), deadline.callerAborted(), deadline.callerGone()]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('dispose clears the timer: nothing fires later', () => {
    const deadline = createDeadline(50, undefined);
    const heard: unknown[] = [];
    deadline.onAbort((reason) => heard.push(reason));
    expect(deadline.remainingMs()).toBeGreaterThan(0);
    deadline.dispose();
    vi.advanceTimersByTime(1_000);
    expect([deadline.aborted(), heard.length, vi.getTimerCount()]).toEqual([false, 0, 0]);
  });
});
