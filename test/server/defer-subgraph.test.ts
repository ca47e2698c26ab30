/**
 * The federation subgraph does not take @defer or @stream: a router splits deferred fragments
 * itself and never sends them to a subgraph, so there the directives are unknown and refused at
 * validation, before any upstream call, whatever the client accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.ts';
import { SUBGRAPH_PATH } from '../../src/server/subgraph.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { subgraphOver } from '../helpers/subgraph.ts';
import { readAll } from './defer-helpers.ts';

let stack: Stack;
let subgraph: Gateway;
beforeAll(async () => {
  stack = await startStack();
  subgraph = subgraphOver(stack);
});
afterAll(() => stack.close());

describe('/subgraph', () => {
  const queries = {
    '@defer': '{ ... @defer { collections(first: 2) { totalCount } } }',
    '@stream': '{ collections(first: 2) { edges @stream { node { name } } } }',
  };
  for (const [directive, query] of Object.entries(queries)) {
    for (const accept of ['multipart/mixed', 'application/graphql-response+json']) {
      it(`refuses ${directive} at validation (${accept})`, async () => {
        stack.resetLedgers();
        const response = await subgraph.fetch(`http://gateway.test${SUBGRAPH_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ query }),
        });
        const all = await readAll(response);
        expect(all).toHaveLength(1);
        expect(all[0]?.data).toBeUndefined();
        expect(all[0]?.errors).toMatchObject([
          {
            message: `Unknown directive "${directive}".`,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ]);
        expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
      });
    }
  }

  it('while /graphql streams the same operation', async () => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: queries['@defer'] }),
    });
    const all = await readAll(response);
    expect(all.map((p) => p.hasNext)).toEqual([true, false]);
  });
});
