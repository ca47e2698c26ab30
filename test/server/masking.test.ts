import { afterEach, describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  RateLimitedError,
  UpstreamAuthFailedError,
  UpstreamBadResponseError,
  UpstreamTimeoutError,
} from '../../src/upstreams/errors.ts';
import type { UpstreamScope } from '../../src/upstreams/types.ts';
import { closeTestGateways, testGateway, useTestGateway } from './helpers.ts';

const CANARY = `wk_CANARY_${Math.random().toString(36).slice(2)}`;
const TOKEN = 'abcdef0123456789abcdef0123456789abcdef01';
const call = {
  upstream: 'wickson' as const,
  method: 'GET',
  path: '/v1/media/collections',
  status: 401,
  upstreamRequestId: 'req_123',
};

for (const NODE_ENV of ['production', 'development']) {
  describe(`masking with NODE_ENV=${NODE_ENV}`, () => {
    const t = useTestGateway(
      { NODE_ENV, WICKSON_API_KEY: CANARY, BELUGA_TOKEN: TOKEN },
      {
        wickson: {
          listCollections: async () => {
            throw new UpstreamAuthFailedError(
              call,
              `returned 401 body {"message":"bad key ${CANARY}"}`,
              {
                cause: new Error(`x-api-key: ${CANARY}`),
              },
            );
          },
        },
        beluga: {
          getCaptureSet: async () => {
            throw new RateLimitedError(
              { ...call, upstream: 'beluga', status: 429 },
              `Token ${TOKEN}`,
              30,
            );
          },
        },
      },
    );
    const allowed = new Set(['code', 'requestId', 'upstreamRequestId', 'retryAfterSeconds']);
    const everything = async () => {
      const responses = [
        await t.post({ query: '{ wickson beluga fast }' }),
        await t.post({ query: '{ boom fast }' }),
        await t.post({ query: '{ badInput rawGraphQLError }' }),
      ];
      return responses;
    };

    it('maps upstream errors to constant messages with the allowlisted extensions', async () => {
      const { status, body } = await t.post({ query: '{ wickson beluga fast }' });
      expect(status).toBe(200);
      expect(body.data).toEqual({ wickson: null, beluga: null, fast: 'fast' });
      const byPath = Object.fromEntries(body.errors.map((e: { path: string[] }) => [e.path[0], e]));
      expect(byPath.wickson).toEqual({
        message: 'The gateway could not authenticate with an upstream service.',
        locations: [{ line: 1, column: 3 }],
        path: ['wickson'],
        extensions: {
          code: 'UPSTREAM_AUTH_FAILED',
          requestId: expect.any(String),
          upstreamRequestId: 'req_123',
        },
      });
      expect(byPath.beluga.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: 30,
      });
    });

    it('turns anything else into INTERNAL_SERVER_ERROR "Unexpected error." and logs the stack', async () => {
      const { body } = await t.post({ query: '{ boom fast }' });
      expect(body.errors).toEqual([
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['boom'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
        },
      ]);
      expect(
        t.logs.some(
          (l) => l.includes('"level":50') && l.includes('hunter2') && l.includes('stack'),
        ),
      ).toBe(true);
    });

    it('passes schema errors with a closed-set code, masks those without', async () => {
      const { body } = await t.post({ query: '{ badInput rawGraphQLError }' });
      const byPath = Object.fromEntries(body.errors.map((e: { path: string[] }) => [e.path[0], e]));
      expect(byPath.badInput.message).toBe('The page size must be between 1 and 100.');
      expect(byPath.badInput.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        requestId: expect.any(String),
      });
      expect(byPath.rawGraphQLError.message).toBe('Unexpected error.');
    });

    it('never lets the canary or a token into any response or log line; only allowlisted codes', async () => {
      for (const { body, headers } of await everything()) {
        const text = JSON.stringify(body) + JSON.stringify([...headers]);
        expect(text).not.toContain(CANARY);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain('stack');
        expect(text).not.toContain('hunter2');
        expect(text).not.toContain('originalError');
        for (const error of body.errors) {
          expect([...ERROR_CODES, 'INTERNAL_SERVER_ERROR']).toContain(error.extensions.code);
          for (const key of Object.keys(error.extensions)) expect(allowed.has(key)).toBe(true);
        }
      }
      expect(t.logs.length).toBeGreaterThan(3);
      for (const line of t.logs) {
        expect(line).not.toContain(CANARY);
        expect(line).not.toContain(TOKEN);
      }
    });
  });
}

describe('deadline', () => {
  afterEach(closeTestGateways);
  it('answers at REQUEST_TIMEOUT_MS with what is ready and UPSTREAM_TIMEOUT for the rest', async () => {
    let seenSignal: AbortSignal | undefined;
    const t = await testGateway(
      { REQUEST_TIMEOUT_MS: '300' },
      {
        wickson: {
          listCollections: (scope: { signal: AbortSignal }) =>
            new Promise((_resolve, reject) => {
              seenSignal = scope.signal;
              scope.signal.addEventListener('abort', () =>
                reject(
                  new UpstreamTimeoutError(
                    { ...call, status: undefined },
                    'aborted at the request deadline',
                  ),
                ),
              );
            }),
        },
      },
    );
    const started = performance.now();
    const { status, body } = await t.post({ query: '{ fast wickson }' });
    const elapsed = performance.now() - started;
    expect(status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(body.data).toEqual({ fast: 'fast', wickson: null });
    expect(body.errors[0].extensions.code).toBe('UPSTREAM_TIMEOUT');
    expect(body.errors[0].message).toBe('An upstream service did not answer in time.');
    expect(seenSignal?.aborted).toBe(true);
  });

  it('hands upstream clients the request id and the caller authorization in the scope', async () => {
    let scope: UpstreamScope | undefined;
    const t = await testGateway(
      {},
      {
        beluga: {
          getCaptureSet: async (_id: number, s: unknown) => {
            scope = s as UpstreamScope;
            return null;
          },
        },
      },
    );
    await t.post(
      { query: '{ beluga }' },
      { 'x-request-id': 'abc.DEF-1_2', authorization: `Token ${TOKEN}` },
    );
    expect(scope?.requestId).toBe('abc.DEF-1_2');
    expect(scope?.authorization).toBe(`Token ${TOKEN}`);
    expect(scope?.signal?.aborted).toBe(false);
  });

  it('reports a bad response from the upstream without echoing it', async () => {
    const t = await testGateway(
      {},
      {
        wickson: {
          listCollections: async () => {
            throw new UpstreamBadResponseError(
              { ...call, status: 200 },
              'sent <html>secret page</html>',
            );
          },
        },
      },
    );
    const { body } = await t.post({ query: '{ wickson }' });
    expect(body.errors[0].extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(JSON.stringify(body)).not.toContain('secret page');
  });
});
