/**
 * The limits on a deferred or streamed operation: its prediction counts the deferred and streamed
 * parts (refused over MAX_UPSTREAM_CALLS before any call), and its admission slot
 * (MAX_CONCURRENT_CALLS) and its client's reserved calls (CLIENT_CALLS_PER_MINUTE) are held until
 * the last payload has gone, or the client has gone away, never released at the first payload.
 */
import { meros } from 'meros/browser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClientLimits } from '../../src/server/client-limits.ts';
import { CallSlots } from '../../src/server/plugins/use-admission.ts';
import { startListening } from '../helpers/listening.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';
import { pollUntil } from '../helpers/poll.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';
import {
  BFF,
  BFF_DEFERRED,
  createGate,
  gatedGateway,
  type Payload,
  payloads,
  readAll,
  requestLines,
  send,
} from './defer-helpers.ts';

const STREAMED = BFF.replace(
  'edges { node { id name createdAt',
  'edges @stream { node { id name createdAt',
);

describe('the prediction', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { MAX_UPSTREAM_CALLS: '50' } });
  });
  afterAll(() => stack.close());

  for (const [name, query] of [
    ['a deferred', BFF_DEFERRED],
    ['a streamed', STREAMED],
  ]) {
    it(`counts ${name} part: over the limit, refused before any call`, async () => {
      stack.resetLedgers();
      const response = await send(stack.gateway, query as string, 'multipart/mixed');
      const all = await readAll(response);
      expect(all).toHaveLength(1);
      expect(all[0]?.data).toBeUndefined();
      expect(all[0]?.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        ['This query could make 103 upstream calls; the limit is 50.', 'COST_LIMIT_EXCEEDED'],
      ]);
      expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
    });
  }
});

describe('what a deferred request holds, until its last payload', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { REQUEST_TIMEOUT_MS: '10000' } });
  });
  afterAll(() => stack.close());

  it('its MAX_CONCURRENT_CALLS slot', async () => {
    const slots = new CallSlots(256);
    const gate = createGate();
    const gateway = gatedGateway(stack, gate, { admission: slots, clientLimits: false });
    const stream = payloads(await send(gateway, BFF_DEFERRED, 'multipart/mixed'));
    await stream.next();
    expect(slots.inUse).toBe(103);
    gate.open();
    for await (const _ of stream);
    expect(slots.inUse).toBe(0);
  });

  it('or until its client leaves, even if nothing reads the rest of the stream', async () => {
    const slots = new CallSlots(256);
    const gate = createGate();
    const gateway = gatedGateway(stack, gate, { admission: slots, clientLimits: false });
    stack.logs.length = 0;
    const leave = new AbortController();
    const response = await send(gateway, BFF_DEFERRED, 'multipart/mixed', { signal: leave.signal });
    await payloads(response).next();
    expect(slots.inUse).toBe(103);
    // The Wickson part stays held: without the client's leaving, the stream could never end.
    leave.abort();
    await pollUntil(() => slots.inUse === 0 && requestLines(stack.logs).length === 1);
    expect(slots.inUse).toBe(0);
    expect(requestLines(stack.logs)).toHaveLength(1);
    gate.open();
  });

  it("its client's reserved calls, given back with every call the stream made", async () => {
    // 150 calls a minute; the query reserves 103 and uses 7 (2 Beluga, 5 Wickson).
    const limits = createClientLimits({
      ...stack.config,
      clients: { ...stack.config.clients, callsPerMinute: 150 },
    });
    const gate = createGate();
    const gateway = gatedGateway(stack, gate, { admission: null, clientLimits: limits });
    const run = async () =>
      readAll(await send(gateway, BFF_DEFERRED, 'multipart/mixed', { headers: member }));
    // One Beluga read makes Beluga vouch for the member's token: from then on it is its own client.
    const vouching = '{ collection(source: BELUGA, sourceId: "21") { name } }';
    await readAll(await send(gateway, vouching, 'application/json', { headers: member }));
    const first = payloads(
      await send(gateway, BFF_DEFERRED, 'multipart/mixed', { headers: member }),
    );
    await first.next();
    // The open stream still holds its 103: another 103 does not fit.
    const refused = await run();
    expect(refused[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    gate.open();
    for await (const _ of first);
    // 7 used, as each of the next six: 6 × 7 + 7 + 103 > 150 refuses the eighth.
    for (let i = 0; i < 6; i++) expect((await run()).at(-1)?.hasNext).toBe(false);
    const eighth = await run();
    expect(eighth[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('a client that goes away mid-stream (main.ts wiring, real sockets)', () => {
  let listening: Awaited<ReturnType<typeof startListening>>;
  beforeAll(async () => {
    listening = await startListening({
      ...NO_SHARED_CACHE,
      METRICS_PORT: '0',
      CLIENT_CALLS_PER_MINUTE: '150',
      REQUEST_TIMEOUT_MS: '20000',
      UPSTREAM_TIMEOUT_MS: '20000',
    });
  });
  afterAll(() => listening.close());
  afterEach(() => listening.fakes.wickson.control.reset());

  const inUse = async () => {
    const text = await (await fetch(listening.running.metricsUrl as string)).text();
    return Number(text.match(/^gateway_admission_calls_in_use (\d+)$/m)?.[1]);
  };

  it('releases its slot and reserved calls and is logged once', async () => {
    // The deferred Wickson part never answers: only the client leaving can end it.
    listening.fakes.wickson.control.addFault({ kind: 'hang', route: 'collections.list' });
    const leave = new AbortController();
    const response = await fetch(`${listening.running.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed',
        'accept-encoding': 'gzip, br',
        ...member,
      },
      body: JSON.stringify({ query: BFF_DEFERRED }),
      signal: leave.signal,
    });
    // Not compressed: a compressor would hold the first payload back.
    expect(response.headers.get('content-encoding')).toBeNull();
    const parts = (await meros<Payload>(response)) as AsyncGenerator<{ body: Payload }>;
    const first = (await parts.next()).value?.body;
    expect(first?.hasNext).toBe(true);
    expect(await inUse()).toBe(103);
    expect(requestLines(listening.lines)).toEqual([]);

    leave.abort();
    await pollUntil(
      async () => (await inUse()) === 0 && requestLines(listening.lines).length === 1,
    );
    expect(await inUse()).toBe(0);
    // 2 Beluga calls and the Wickson one that hung until the client left.
    expect(requestLines(listening.lines)).toMatchObject([{ status: 200, upstreamCalls: 3 }]);

    // Its 103 reserved calls came back: another 103 fits in 150 a minute.
    listening.fakes.wickson.control.reset();
    const again = await fetch(`${listening.running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...member },
      body: JSON.stringify({ query: BFF }),
    });
    expect(again.status).toBe(200);
  });
});
