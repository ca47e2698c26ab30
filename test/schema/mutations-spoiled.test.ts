/**
 * A write Beluga applied whose answer was then spoiled, in every shape the fakes can spoil it:
 * one POST reaches Beluga, the client hears `outcome: UNKNOWN` (never a refusal), and the read it
 * makes next, through the shared cache that held the list before, shows the write. Beluga's own
 * well-formed refusals are the only failures without an outcome.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/fakes/index.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member, outsider } from '../helpers/writes.ts';

const PROJECT = 90;
const create = (name: string) =>
  `mutation { createCollection(input: {projectId: ${PROJECT}, name: "${name}", method: FULL}) {
    collection { sourceId } userErrors { field message } } }`;
const LIST = `{ project(sourceId: ${PROJECT}) { collections(first: 100) { edges { node { name } } } } }`;

/** The write applied, then the answer spoiled: each as the fake sends it. */
const SPOILED: [string, FaultSpec][] = [
  ["Django's HTML 500 page", { kind: 'django', page: 'server-error' }],
  ["Django's DEBUG technical 500 page", { kind: 'django', page: 'technical-500' }],
  ['an HTML 500', { kind: 'html', status: 500, afterHandler: true }],
  ['a JSON 500', { kind: 'status', status: 500, body: { detail: 'x' }, afterHandler: true }],
  ['a malformed 2xx body', { kind: 'malformed', afterHandler: true }],
  ['a 2xx body off its schema', { kind: 'drift', mutate: () => ({ id: 'x' }), afterHandler: true }],
  ['a truncated body', { kind: 'truncate', afterHandler: true }],
  ['a 6 MB body', { kind: 'huge', megabytes: 6, afterHandler: true }],
  [
    'a 302 redirect',
    { kind: 'redirect', location: 'https://elsewhere.example/', afterHandler: true },
  ],
  ["Django's APPEND_SLASH 301", { kind: 'django', page: 'append-slash', afterHandler: true }],
  ['a 409', { kind: 'status', status: 409, body: { detail: 'Conflict.' }, afterHandler: true }],
  ["Django's HTML 404", { kind: 'django', page: 'not-found', afterHandler: true }],
  ['an HTML 403', { kind: 'status', status: 403, body: '<h1>403</h1>', afterHandler: true }],
  ['a 429', { kind: 'rate-limit', afterHandler: true }],
  ['a 502', { kind: 'status', status: 502, afterHandler: true }],
  ['a 503', { kind: 'status', status: 503, afterHandler: true }],
  ['a slow drip past the deadline', { kind: 'slow', chunkDelayMs: 100, afterHandler: true }],
  ['a timeout', { kind: 'hang', afterHandler: true }],
  ['a reset', { kind: 'reset', afterHandler: true }],
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    config: { BELUGA_CACHE_TTL_S: '600', UPSTREAM_TIMEOUT_MS: '500', BREAKER_FAILURE_RATIO: '1' },
  });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const control = () => stack.fakes.beluga.control;
const names = async () => {
  const { body } = await stack.query(LIST, undefined, member);
  type Page = { project: { collections: { edges: { node: { name: string } }[] } } };
  return (body.data as Page).project.collections.edges.map((e) => e.node.name);
};
const created = (name: string) =>
  [...stack.fakes.dataset.captureSets.values()].filter((s) => s.name === name).length;

describe('a write applied upstream whose answer was spoiled', () => {
  it.each(SPOILED)(
    '%s: one POST, outcome UNKNOWN, the next read shows it',
    async (label, fault) => {
      const name = `Spoiled by ${label.replace(/"/g, '')}`;
      expect(await names()).not.toContain(name);
      control().ledger.reset();
      control().addFault({ ...fault, route: 'collections.list', method: 'POST', times: 1 });

      const { body } = await stack.query(create(name), undefined, member);

      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ outcome: 'UNKNOWN' });
      expect(body.errors?.[0]?.extensions?.code).not.toMatch(
        /^(BAD_USER_INPUT|FORBIDDEN|NOT_FOUND)$/,
      );
      expect(control().ledger.count({ method: 'POST' })).toBe(1);
      expect(created(name)).toBe(1);
      expect(await names()).toContain(name);
    },
  );
});

describe("Beluga's own refusals: nothing was done, no outcome", () => {
  it('a 400 with field errors is userErrors', async () => {
    const { body } = await stack.query(create('Honest'), undefined, member);
    expect(body.errors).toBeUndefined();
    const again = await stack.query(create('Honest'), undefined, member);
    expect(again.body.data?.createCollection).toMatchObject({
      collection: null,
      userErrors: [{ field: null, message: 'The fields name, project must make a unique set.' }],
    });
  });

  it('a 403 with DRF detail is FORBIDDEN without an outcome', async () => {
    const { body } = await stack.query(create('Not mine'), undefined, outsider);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.errors?.[0]?.extensions).not.toHaveProperty('outcome');
  });

  it('a 405 with DRF detail: a bad response, but refused, so no outcome', async () => {
    control().addFault({
      route: 'collections.list',
      method: 'POST',
      kind: 'status',
      status: 405,
      body: { detail: 'Method "POST" not allowed.' },
    });
    const { body } = await stack.query(create('Refused'), undefined, member);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(body.errors?.[0]?.extensions).not.toHaveProperty('outcome');
    expect(created('Refused')).toBe(0);
  });
});
