/**
 * Errors in later payloads of @defer/@stream keep the rules of a single result: the closed codes
 * with constant messages and the request id, nothing of the upstream's answer, the same nulls and
 * errors as the undeferred query, and a failure a resolver absorbed (one source of the merged
 * `collections` list) in the payload that delivers its field.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { CODE_MESSAGES } from '../../src/server/errors.ts';
import type { ErrorCode } from '../../src/upstreams/errors.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import {
  BFF,
  BFF_DEFERRED,
  errorsOf,
  type IncrementalError,
  merge,
  readText,
  send,
} from './defer-helpers.ts';

const CANARY = `leak_${Math.random().toString(36).slice(2)}`;

let fakes: Fakes;
let stack: Stack;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
// A fresh gateway per test: one test's failures must not leave a circuit breaker open.
beforeEach(async () => {
  stack = await startStack({ sharedFakes: fakes, config: { REQUEST_TIMEOUT_MS: '10000' } });
  stack.resetFakes();
});
afterEach(() => stack.close());

/** An error as a client may see it: a closed code, its constant message, our request id. */
function expectClosed(error: IncrementalError, requestId: string | null) {
  const code = error.extensions?.code as ErrorCode;
  expect(CODE_MESSAGES[code]).toBeDefined();
  expect(error.message).toBe(CODE_MESSAGES[code]);
  const allowed = ['code', 'requestId', 'upstreamRequestId', 'retryAfterSeconds', 'outcome'];
  for (const key of Object.keys(error.extensions ?? {})) expect(allowed).toContain(key);
  expect(error.extensions?.requestId).toBe(requestId);
}

/** What must match between two texts of a query: locations and request ids differ. */
const placed = (errors: IncrementalError[]) =>
  errors.map((e) => ({ path: e.path, message: e.message, code: e.extensions?.code }));

for (const accept of ['multipart/mixed', 'text/event-stream']) {
  describe(`errors in later payloads (${accept})`, () => {
    it('an upstream failure in the deferred part: closed code, no leak, same partial data', async () => {
      stack.fakes.wickson.control.addFault({
        kind: 'status',
        route: 'collections.detail',
        status: 500,
        body: { success: false, message: CANARY, error: { code: 'PROCESSING_ERROR' } },
      });
      const plain = await stack.query(BFF);
      expect(plain.body.errors?.length).toBeGreaterThan(0);

      const response = await send(stack.gateway, BFF_DEFERRED, accept);
      const { text, all } = await readText(response);
      expect(all[0]?.errors).toBeUndefined();
      const later = errorsOf(all.slice(1));
      expect(later.length).toBe(plain.body.errors?.length);
      for (const error of later) expectClosed(error, response.headers.get('x-request-id'));
      expect(placed(later)).toEqual(placed(errorsOf([plain.body as never])));
      expect(merge(all)).toEqual(plain.body.data);
      for (const secret of [
        CANARY,
        'wickson GET',
        '/v1/',
        'PROCESSING_ERROR',
        stack.fakes.wickson.url,
      ])
        expect(text).not.toContain(secret);
    });

    it('a source of a merged list failing inside the deferred part: its error in that payload', async () => {
      stack.fakes.wickson.control.addFault({
        kind: 'status',
        route: 'collections.list',
        status: 503,
      });
      const query = (defer: string) => `{
        sets: collections(first: 2, filter: { sources: [BELUGA] }) { edges { node { name } } }
        ${defer} { all: collections(first: 3) { edges { node { name } } } } }`;
      const plain = await stack.query(query('...'));
      expect(plain.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
        [['all'], 'UPSTREAM_UNAVAILABLE'],
      ]);

      const response = await send(stack.gateway, query('... @defer'), accept);
      const { all } = await readText(response);
      expect(all[0]?.errors).toBeUndefined();
      const entry = all.slice(1).flatMap((p) => p.incremental ?? [])[0];
      expect(entry?.errors?.map((e) => e.path)).toEqual([['all']]);
      for (const error of entry?.errors ?? [])
        expectClosed(error, response.headers.get('x-request-id'));
      expect(merge(all)).toEqual(plain.body.data);
    });

    it('a source failing in the first part: its error in the first payload only', async () => {
      stack.fakes.wickson.control.addFault({
        kind: 'status',
        route: 'collections.list',
        status: 503,
      });
      const query = `{
        all: collections(first: 3) { edges { node { name } } }
        ... @defer { sets: collections(first: 2, filter: { sources: [BELUGA] }) { edges { node { name } } } } }`;
      const response = await send(stack.gateway, query, accept);
      const { all } = await readText(response);
      expect(all[0]?.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
        [['all'], 'UPSTREAM_UNAVAILABLE'],
      ]);
      expect(errorsOf(all.slice(1))).toEqual([]);
      expect(Object.keys(merge(all)).sort()).toEqual(['all', 'sets']);
    });
  });
}
