/**
 * @defer and @stream on /graphql over the fakes, in both of yoga's transports: the first payload
 * leaves before the deferred Wickson part (the Wickson client is held until the first payload is
 * read), the payloads add up to the undeferred result with the same upstream calls (the fakes'
 * ledger), streamed items arrive in order, and the final payload carries `extensions.cost` with
 * the whole request's calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.ts';
import {
  BFF,
  BFF_DEFERRED,
  createGate,
  gatedGateway,
  merge,
  type Payload,
  payloads,
  readAll,
  send,
} from './defer-helpers.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { REQUEST_TIMEOUT_MS: '10000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.resetFakes());

/** The undeferred query's result, calls per route and `extensions.cost`. */
async function undeferred(query: string) {
  stack.resetLedgers();
  const { body } = await stack.query(query);
  const { extensions } = body as { extensions?: { cost?: unknown } };
  return { data: body.data, calls: stack.calls().routes, cost: extensions?.cost };
}

for (const accept of ['multipart/mixed', 'text/event-stream']) {
  describe(`a deferred backend-for-frontend query (${accept})`, () => {
    it('sends its first payload before the Wickson part, with the same calls', async () => {
      const plain = await undeferred(BFF);
      stack.resetLedgers();
      const gate = createGate();
      const gateway = gatedGateway(stack, gate);
      const response = await send(gateway, BFF_DEFERRED, accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(accept);
      const stream = payloads(response);

      const first = (await stream.next()).value as Payload;
      // Every Wickson call is still held: this payload cannot have waited for one.
      expect(gate.held).toBeGreaterThan(0);
      expect(stack.calls().wickson).toBe(0);
      expect(first.hasNext).toBe(true);
      expect(Object.keys(first.data ?? {})).toEqual(['sets']);
      expect(first.extensions?.cost).toBeUndefined();

      gate.open();
      const rest: Payload[] = [];
      for await (const payload of stream) rest.push(payload);
      expect(rest.at(-1)?.hasNext).toBe(false);
      expect(rest.flatMap((p) => p.incremental ?? []).map((e) => e.label)).toEqual(['media']);
      expect(merge([first, ...rest])).toEqual(plain.data);
      expect(stack.calls().routes).toEqual(plain.calls);

      // The whole request's calls on the final payload: predicted as undeferred, actual as made.
      const calls = stack.calls();
      expect(rest.at(-1)?.extensions?.cost).toEqual({
        ...(plain.cost as object),
        actual: { beluga: calls.beluga, wickson: calls.wickson },
      });
      expect(plain.cost).toMatchObject({ actual: { beluga: 2, wickson: 5 } });
    });

    it('streams list items in order, with the same calls', async () => {
      const query = (edges: string) => `{
        media: collections(first: 100, filter: { sources: [WICKSON] }) {
          edges${edges} { node { name stats { mediaTypeDistribution { mediaType count } } } } }
        items: collection(source: WICKSON, sourceId: "research_papers") {
          items(first: 12) { edges${edges} { node { id filename } } } } }`;
      const plain = await undeferred(query(''));
      stack.resetLedgers();
      const all = await readAll(
        await send(stack.gateway, query(' @stream(initialCount: 1)'), accept),
      );

      const streamed = all.slice(1).flatMap((p) => p.incremental ?? []);
      const indexes = (list: string) =>
        streamed.filter((e) => e.path[0] === list).map((e) => e.path.at(-1));
      // Each item after the first on its own, in list order.
      expect(indexes('media')).toEqual([1, 2, 3]);
      expect(indexes('items')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(merge(all)).toEqual(plain.data);
      expect(stack.calls().routes).toEqual(plain.calls);
      expect(all.at(-1)?.extensions?.cost).toEqual(plain.cost);
    });
  });
}

describe('deferred parts share the request loaders', () => {
  it('a field selected in both parts makes its calls once', async () => {
    const fields = 'name project { name } stats { firstItemDate }';
    const plain = await undeferred(
      `{ collections(first: 5, filter: { sources: [BELUGA] }) { edges { node { ${fields} } } } }`,
    );
    stack.resetLedgers();
    const deferred = `{ collections(first: 5, filter: { sources: [BELUGA] }) { edges { node { name
      ... @defer { project { name } stats { firstItemDate } } } } } }`;
    const all = await readAll(await send(stack.gateway, deferred, 'multipart/mixed'));
    expect(all.length).toBeGreaterThan(1);
    expect(merge(all)).toEqual(plain.data);
    expect(stack.calls().routes).toEqual(plain.calls);
  });
});
