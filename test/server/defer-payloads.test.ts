/**
 * Cleaning one payload of an incremental result (src/server/incremental-payloads.ts) on shapes the
 * integration tests reach only by chance: an absorbed failure under a streamed item, under a
 * nulled parent, or under a part not delivered yet; an error carrying an HTTP status in a later
 * payload; the cost on the final payload only.
 */
import { describe, expect, it } from 'vitest';
import type { PartialError } from '../../src/context.ts';
import { GraphQLError } from '../../src/server/graphql.ts';
import {
  type Cleaning,
  cleanPayload,
  type Payload,
} from '../../src/server/incremental-payloads.ts';
import { UpstreamUnavailableError } from '../../src/upstreams/errors.ts';

const failure = () =>
  new UpstreamUnavailableError(
    { upstream: 'wickson', method: 'GET', path: '/v1/media/collections', status: 503 },
    'status 503',
  );

function cleaning(paths: (string | number)[][]) {
  const sent: string[] = [];
  const logged: string[] = [];
  const partials: PartialError[] = paths.map((path) => ({ error: failure(), path }));
  const state: Cleaning = {
    requestId: 'req-1',
    partials,
    located: (taken) =>
      taken.map((p) => new GraphQLError(p.error.message, { path: p.path, originalError: p.error })),
    cost: () => ({ predicted: 3 }),
    sent: (error) => void sent.push(String(error.extensions.code)),
    log: (raw) => void logged.push(raw.message),
  };
  return { state, partials, sent, logged };
}

const paths = (payload: Payload) => [
  ...(payload.errors ?? []).map((e) => e.path),
  ...(payload.incremental ?? []).flatMap((e) => (e.errors ?? []).map((x) => x.path)),
];

describe('absorbed failures', () => {
  it('join the payload that delivers their field, and wait for it', () => {
    const { state, partials } = cleaning([
      ['all'],
      ['sets', 'edges', 2, 'node', 'jobs'],
      ['gone', 'list'],
    ]);
    const first = cleanPayload({ data: { sets: { edges: [] }, gone: null }, hasNext: true }, state);
    // `gone` is null here: its field's failure is delivered with that null.
    expect(paths(first)).toEqual([['gone', 'list']]);
    expect(first.errors?.[0]?.message).toBe('An upstream service is unavailable.');
    expect(partials.map((p) => p.path)).toEqual([['all'], ['sets', 'edges', 2, 'node', 'jobs']]);

    const streamed = cleanPayload(
      {
        incremental: [{ items: [{ node: { jobs: null } }], path: ['sets', 'edges', 2] }],
        hasNext: true,
      },
      state,
    );
    expect(paths(streamed)).toEqual([['sets', 'edges', 2, 'node', 'jobs']]);
    expect(partials.map((p) => p.path)).toEqual([['all']]);

    const deferred = cleanPayload(
      { incremental: [{ data: { all: { edges: [] } }, path: [] }], hasNext: false },
      state,
    );
    expect(paths(deferred)).toEqual([['all']]);
    expect(partials).toEqual([]);
  });

  it('that no payload delivered go to the log with the final one', () => {
    const { state, partials, logged, sent } = cleaning([['dropped', 'list']]);
    const last = cleanPayload(
      { incremental: [{ data: { kept: 1 }, path: [] }], hasNext: false },
      state,
    );
    expect(paths(last)).toEqual([]);
    expect(partials).toEqual([]);
    expect(logged).toEqual([failure().message]);
    expect(sent).toEqual([]);
  });

  it('under another streamed item or another path stay for a later payload', () => {
    const { state, partials } = cleaning([['sets', 'edges', 3, 'node', 'jobs'], ['x']]);
    cleanPayload(
      { incremental: [{ items: [{ node: {} }], path: ['sets', 'edges', 2] }], hasNext: true },
      state,
    );
    expect(partials).toHaveLength(2);
  });
});

describe('errors of later payloads', () => {
  it('are sanitized, logged raw, counted, and carry no HTTP status', () => {
    const { state, sent, logged } = cleaning([]);
    const internal = new GraphQLError('wickson GET /v1/media/collections/x status 500', {
      path: ['media'],
      originalError: new Error('socket hang up at 10.0.0.7'),
    });
    const limited = new GraphQLError('Wickson budget spent.', {
      path: ['other'],
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds: 5,
        http: { status: 429, headers: { 'retry-after': '5' } },
      },
    });
    const out = cleanPayload(
      { incremental: [{ data: null, path: [], errors: [internal, limited] }], hasNext: true },
      state,
    );
    expect(JSON.parse(JSON.stringify(out))).toEqual({
      incremental: [
        {
          data: null,
          path: [],
          errors: [
            {
              message: 'Unexpected error.',
              path: ['media'],
              extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1' },
            },
            {
              message: 'Wickson budget spent.',
              path: ['other'],
              extensions: { code: 'RATE_LIMITED', requestId: 'req-1', retryAfterSeconds: 5 },
            },
          ],
        },
      ],
      hasNext: true,
    });
    expect(sent).toEqual(['INTERNAL_SERVER_ERROR', 'RATE_LIMITED']);
    expect(logged).toEqual([internal.message, limited.message]);
  });

  it('the cost goes on the final payload only', () => {
    const { state } = cleaning([]);
    expect(cleanPayload({ data: {}, hasNext: true }, state).extensions).toBeUndefined();
    expect(cleanPayload({ incremental: [], hasNext: true }, state).extensions).toBeUndefined();
    expect(cleanPayload({ hasNext: false }, state).extensions).toEqual({ cost: { predicted: 3 } });
  });
});
