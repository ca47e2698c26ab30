/**
 * A Wickson 404 is never a silent null: only a code naming the resource (COLLECTION_NOT_FOUND,
 * MEDIA_NOT_FOUND) is an absent id. A bare NOT_FOUND, what a wrong origin or a proxy path answers
 * for an unknown route, and any 404 from the list route are UPSTREAM_BAD_RESPONSE.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';

const NO_ROUTE = {
  success: false,
  message: 'No route for GET /v1/media/collections',
  error: { code: 'NOT_FOUND', details: { request_id: 'req_12345' } },
};

const DOC = `{
  w: collection(source: WICKSON, sourceId: "research_papers") { name stats { itemCount } }
  b: collection(source: BELUGA, sourceId: "21") { name }
}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.fakes.wickson.control.clearFaults();
  stack.resetLedgers();
});

const codes = (body: Awaited<ReturnType<Stack['query']>>['body']) =>
  (body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);

describe('Wickson 404s', () => {
  it('an unknown-route 404 on the detail is UPSTREAM_BAD_RESPONSE, not a null', async () => {
    stack.fakes.wickson.control.addFault({
      route: 'collections.detail',
      kind: 'status',
      status: 404,
      body: NO_ROUTE,
    });
    const { body } = await stack.query(DOC);
    expect(body.data?.w).toBeNull();
    expect(codes(body)).toEqual([['w', 'UPSTREAM_BAD_RESPONSE']]);
    expect(body.data?.b).toEqual({ name: expect.any(String) });
    expect(stack.calls().routes['wickson:collections.detail']).toBe(1);
  });

  it('a 404 on the list route is UPSTREAM_BAD_RESPONSE on the merged list', async () => {
    stack.fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'status',
      status: 404,
      body: NO_ROUTE,
    });
    const { body } = await stack.query(
      '{ collections(first: 3, filter: { sources: [WICKSON] }) { edges { node { name } } } }',
    );
    expect(codes(body)).toEqual([['collections', 'UPSTREAM_BAD_RESPONSE']]);
    expect(stack.calls().routes['wickson:collections.list']).toBe(1);
  });

  it('COLLECTION_NOT_FOUND for an id stays a null with no error', async () => {
    const { body } = await stack.query(
      '{ collection(source: WICKSON, sourceId: "no_such_collection") { name } }',
    );
    expect(body).toMatchObject({ data: { collection: null } });
    expect(body.errors).toBeUndefined();
    expect(stack.calls().wickson).toBe(1);
  });

  it("a logged call names the route's status and code, so the operator sees the misroute", async () => {
    stack.fakes.wickson.control.addFault({
      route: 'collections.detail',
      kind: 'status',
      status: 404,
      body: NO_ROUTE,
    });
    const before = stack.logs.length;
    await stack.query(DOC);
    const lines = stack.logs.slice(before).join('\n');
    expect(lines).toContain('returned 404 NOT_FOUND, a 404 that names no missing resource');
  });
});
