import { describe, expect, it } from 'vitest';
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
  it('aborts at the deadline with a TimeoutError, and not after dispose', async () => {
    const state = createRequestState(request(), 10, now);
    await new Promise((r) => setTimeout(r, 30));
    expect(state.signal.aborted).toBe(true);
    expect((state.signal.reason as DOMException).name).toBe('TimeoutError');
    expect((state.signal.reason as DOMException).message).toBe(DEADLINE_REASON);

    const client = new AbortController();
    const disposed = createRequestState(request(client.signal), 10, now);
    disposed.dispose();
    client.abort();
    await new Promise((r) => setTimeout(r, 30));
    expect(disposed.signal.aborted).toBe(false);
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
