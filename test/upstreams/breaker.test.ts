/** The circuit breaker's states (src/upstreams/breaker.ts) on a fake clock. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerOpenError, createBreaker } from '../../src/upstreams/breaker.ts';

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);

describe('circuit breaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const openBreaker = () => {
    const breaker = createBreaker({ failureRatio: 0.5, halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 20 && breaker.state() === 'closed'; i++) {
      expect(breaker.admit()).toBe(false);
      breaker.settle(false, 'failed');
    }
    expect(breaker.state()).toBe('open');
    return breaker;
  };

  it('opens after enough failures in the window, and refuses while open', () => {
    const breaker = openBreaker();
    expect(() => breaker.admit()).toThrow(BreakerOpenError);
    vi.advanceTimersByTime(999);
    expect(() => breaker.admit()).toThrow('circuit open');
  });

  it('answers (4xx included) keep it closed; too few samples never open it', () => {
    const breaker = createBreaker({ failureRatio: 0.5, halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 100; i++) {
      breaker.admit();
      breaker.settle(false, i % 3 === 0 ? 'failed' : 'answered');
    }
    expect(breaker.state()).toBe('closed');
    const few = createBreaker({ failureRatio: 0.5, halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 5; i++) few.settle(few.admit(), 'failed');
    expect(few.state()).toBe('closed');
  });

  it('after halfOpenAfterMs one probe goes out; callers behind it fail fast; its answer closes', () => {
    const breaker = openBreaker();
    vi.advanceTimersByTime(1_000);
    expect(breaker.admit()).toBe(true);
    expect(breaker.state()).toBe('half-open');
    expect(() => breaker.admit()).toThrow('probe in flight');
    breaker.settle(true, 'answered');
    expect(breaker.state()).toBe('closed');
    expect(breaker.admit()).toBe(false);
  });

  it('a failed probe opens it again for another period', () => {
    const breaker = openBreaker();
    vi.advanceTimersByTime(1_000);
    expect(breaker.admit()).toBe(true);
    breaker.settle(true, 'failed');
    expect(breaker.state()).toBe('open');
    vi.advanceTimersByTime(999);
    expect(() => breaker.admit()).toThrow('circuit open');
    vi.advanceTimersByTime(1);
    expect(breaker.admit()).toBe(true);
  });

  it('a probe abandoned for another reason than the upstream closes it, as cockatiel does', () => {
    const breaker = openBreaker();
    vi.advanceTimersByTime(1_000);
    breaker.settle(breaker.admit(), 'abandoned');
    expect(breaker.state()).toBe('closed');
  });
});
