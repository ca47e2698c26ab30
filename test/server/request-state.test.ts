import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createRequestState, DEADLINE_REASON } from '../../src/server/request-state.ts';

const now = () => 0;
function request(signal?: AbortSignal, requestId?: string) {
  return new Request('http://localhost/graphql', {
    signal,
    headers: requestId ? { 'x-request-id': requestId } : {},
  });
}

describe('createRequestState', () => {
  it('aborts its signal when the client goes away, with the client reason', () => {
    const client = new AbortController();
    const state = createRequestState(request(client.signal, 'abc-1'), 60_000, now, '/graphql');
    expect(state.requestId).toBe('abc-1');
    expect(state.pathname).toBe('/graphql');
    expect(state.signal.aborted).toBe(false);
    client.abort(new Error('gone'));
    expect(state.signal.aborted).toBe(true);
    expect((state.signal.reason as Error).message).toBe('gone');
    state.dispose();
  });
  it('starts aborted when the client already went away', () => {
    const client = new AbortController();
    client.abort(new Error('early'));
    const state = createRequestState(request(client.signal), 60_000, now);
    expect(state.signal.aborted).toBe(true);
    state.dispose();
  });
  it('aborts at the deadline with a TimeoutError, and not after dispose', () => {
    vi.useFakeTimers();
    try {
      const state = createRequestState(request(), 10, now);
      expect(state.signal.aborted).toBe(false);
      vi.advanceTimersByTime(10);
      expect(state.signal.aborted).toBe(true);
      expect((state.signal.reason as DOMException).name).toBe('TimeoutError');
      expect((state.signal.reason as DOMException).message).toBe(DEADLINE_REASON);

      const client = new AbortController();
      const disposed = createRequestState(request(client.signal), 10, now);
      expect(disposed.signal.aborted).toBe(false);
      disposed.dispose();
      client.abort();
      vi.advanceTimersByTime(30);
      expect(disposed.signal.aborted).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the signal, made on first read', () => {
  it('adds no listener and no timer for a request that never reads it', () => {
    vi.useFakeTimers();
    try {
      const client = new AbortController();
      const unread = request(client.signal);
      const state = createRequestState(unread, 60_000, now);
      expect(getEventListeners(unread.signal, 'abort')).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
      state.dispose();

      const inbound = request(client.signal);
      const read = createRequestState(inbound, 60_000, now);
      void read.signal;
      expect(getEventListeners(inbound.signal, 'abort')).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(1);
      read.dispose();
      expect(getEventListeners(inbound.signal, 'abort')).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
  it('counts the deadline from the start: first read after it passed is already aborted', () => {
    vi.useFakeTimers();
    try {
      let t = 1_000;
      const state = createRequestState(request(), 50, () => t);
      t += 50;
      expect(state.signal.aborted).toBe(true);
      expect((state.signal.reason as DOMException).message).toBe(DEADLINE_REASON);
      expect(vi.getTimerCount()).toBe(0);

      // Read with 20 ms left: armed for those 20 ms, not for the whole timeout.
      const later = createRequestState(request(), 50, () => t);
      t += 30;
      expect(later.signal.aborted).toBe(false);
      vi.advanceTimersByTime(19);
      expect(later.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(later.signal.aborted).toBe(true);
      later.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
  it('is one signal however often it is read', () => {
    const state = createRequestState(request(), 60_000, now);
    expect(state.signal).toBe(state.signal);
    state.dispose();
  });
});

describe('release', () => {
  it('drops the context once the request is over and keeps its upstream call count', () => {
    const state = createRequestState(request(), 60_000, () => 0);
    state.context = { calls: [{}, {}, {}] } as unknown as typeof state.context;
    expect(state.upstreamCalls()).toBe(3);
    state.release();
    expect(state.context).toBeUndefined();
    expect(state.upstreamCalls()).toBe(3);
    state.dispose();
  });
});
