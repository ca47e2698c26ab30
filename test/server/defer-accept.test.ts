/**
 * Who gets an incremental result: a client whose `Accept` allows multipart/mixed or
 * text/event-stream (no header at all is any type, as yoga reads it). Any other client sending an
 * active @defer/@stream is refused before execution with yoga's status for it (406 and an
 * `Accept` header) and a sentence saying what to send; an inactive one runs as a plain query.
 */
import { type GraphQLSchema, parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acceptsIncremental, incrementalUse } from '../../src/server/incremental.ts';
import {
  INITIAL_COUNT_MESSAGE,
  NOT_ACCEPTABLE_MESSAGE,
} from '../../src/server/plugins/use-incremental-delivery.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { BFF_DEFERRED, readAll, send } from './defer-helpers.ts';

describe('acceptsIncremental', () => {
  it('reads Accept as yoga does', () => {
    expect(acceptsIncremental(null)).toBe(true);
    expect(acceptsIncremental('')).toBe(true);
    expect(acceptsIncremental('*/*')).toBe(true);
    expect(acceptsIncremental('multipart/mixed')).toBe(true);
    expect(acceptsIncremental('application/json, Multipart/Mixed; deferSpec=20220824')).toBe(true);
    expect(acceptsIncremental('text/*')).toBe(true);
    expect(acceptsIncremental('text/event-stream; charset=utf-8')).toBe(true);
    expect(acceptsIncremental('application/json')).toBe(false);
    expect(acceptsIncremental('application/graphql-response+json, application/json')).toBe(false);
    expect(acceptsIncremental('text/event-stream; charset=latin1')).toBe(false);
    expect(acceptsIncremental('multipart/form-data')).toBe(false);
  });
});

describe('incrementalUse', () => {
  // The graph as the gateway serves it: with the plugin's @defer and @stream.
  let schema: GraphQLSchema;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    schema = stack.gateway.getEnveloped({}).schema;
  });
  afterAll(() => stack.close());
  const uses = (query: string, variables?: Record<string, unknown>, name?: string) =>
    incrementalUse(schema, parse(query), name, variables).active;

  it('finds an active @defer or @stream in the operation that runs', () => {
    expect(uses(BFF_DEFERRED)).toBe(true);
    expect(uses('{ a: collections { edges @stream { cursor } } }')).toBe(true);
    expect(uses('{ ...F } fragment F on Query { ... @defer { collections { totalCount } } }')).toBe(
      true,
    );
    expect(
      uses('{ collections { ...F @defer } } fragment F on CollectionConnection { totalCount }'),
    ).toBe(true);
  });

  it('finds a negative initialCount on an @stream that applies', () => {
    const query =
      'query($n: Int = 0, $on: Boolean = true) { collections { edges @stream(initialCount: $n, if: $on) { cursor } } }';
    const use = (variables: Record<string, unknown>) =>
      incrementalUse(schema, parse(query), undefined, variables);
    expect(use({})).toEqual({ active: true, negativeInitialCount: false });
    expect(use({ n: -1 })).toEqual({ active: true, negativeInitialCount: true });
    expect(use({ n: -1, on: false })).toEqual({ active: false, negativeInitialCount: false });
  });

  it('ignores one that is off, skipped, or in another operation', () => {
    expect(uses('{ ... @defer(if: false) { collections { totalCount } } }')).toBe(false);
    const variable =
      'query($d: Boolean = false) { ... @defer(if: $d) { collections { totalCount } } }';
    expect(uses(variable)).toBe(false);
    expect(uses(variable, { d: true })).toBe(true);
    expect(uses('{ ... @skip(if: true) { ... @defer { collections { totalCount } } } }')).toBe(
      false,
    );
    const two =
      'query A { collections { totalCount } } query B { ... @defer { collections { totalCount } } }';
    expect(uses(two, undefined, 'A')).toBe(false);
    expect(uses(two, undefined, 'B')).toBe(true);
  });
});

describe('a client that does not accept incremental delivery', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetFakes());

  for (const accept of ['application/json', 'application/graphql-response+json']) {
    it(`gets 406 before any upstream call (${accept})`, async () => {
      const response = await send(stack.gateway, BFF_DEFERRED, accept);
      expect(response.status).toBe(406);
      expect(response.headers.get('accept')).toBe('multipart/mixed, text/event-stream');
      const body = (await response.json()) as { data?: unknown; errors: unknown[] };
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        {
          message: NOT_ACCEPTABLE_MESSAGE,
          extensions: { code: 'BAD_REQUEST', requestId: response.headers.get('x-request-id') },
        },
      ]);
      expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
    });
  }

  it('a negative @stream initialCount is BAD_USER_INPUT before any call, whatever it accepts', async () => {
    const query = '{ collections(first: 3) { edges @stream(initialCount: -1) { cursor } } }';
    for (const accept of ['application/json', 'multipart/mixed']) {
      const response = await send(stack.gateway, query, accept);
      expect(response.status).toBe(400);
      const [result] = await readAll(response);
      expect(result?.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        [INITIAL_COUNT_MESSAGE, 'BAD_USER_INPUT'],
      ]);
    }
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it('runs an operation whose @defer is off as a plain query', async () => {
    const query =
      'query($d: Boolean = false) { ... @defer(if: $d) { collections(first: 1) { totalCount } } }';
    const { status, body } = await stack.query(query);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.collections).toMatchObject({ totalCount: expect.any(Number) });
  });

  it('without an Accept header gets the payloads as multipart/mixed (yoga picks it for */*)', async () => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: BFF_DEFERRED }),
    });
    expect(response.headers.get('content-type')).toBe('multipart/mixed; boundary="-"');
    const all = await readAll(response);
    expect(all.at(-1)?.hasNext).toBe(false);
  });
});
