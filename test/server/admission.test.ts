import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS_EXTENSION } from '../../src/schema/cost/plugin.ts';
import { free } from '../../src/schema/cost/types.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { BUSY_MESSAGE, CallSlots } from '../../src/server/plugins/use-admission.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

/** Resolves a pending acquire (or passes a synchronous release through). */
const settled = async (admitted: Promise<() => void> | (() => void)) => await admitted;

describe('CallSlots', () => {
  it('admits while the predicted calls fit, then queues first come, first served', async () => {
    const slots = new CallSlots(10);
    const a = slots.acquire(6);
    const b = slots.acquire(4);
    expect(typeof a).toBe('function');
    expect(typeof b).toBe('function');
    expect(slots.inUse).toBe(10);

    const order: string[] = [];
    const c = slots.acquire(5);
    const d = slots.acquire(1);
    expect(c).toBeInstanceOf(Promise);
    expect(d).toBeInstanceOf(Promise);
    void Promise.resolve(c).then(() => order.push('c'));
    void Promise.resolve(d).then(() => order.push('d'));
    expect(slots.waiting).toBe(2);

    (b as () => void)();
    await Promise.resolve();
    // 4 units free would fit `d`, but `c` came first and needs 5: nobody overtakes it.
    expect(order).toEqual([]);
    expect(slots.waiting).toBe(2);

    (a as () => void)();
    await settled(c);
    await settled(d);
    expect(order).toEqual(['c', 'd']);
    expect(slots.inUse).toBe(6);
  });

  it('gives an operation larger than the capacity the whole capacity, and at least one unit', async () => {
    const slots = new CallSlots(4);
    const big = slots.acquire(150);
    expect(slots.inUse).toBe(4);
    const none = slots.acquire(0);
    expect(none).toBeInstanceOf(Promise);
    (big as () => void)();
    const release = await settled(none);
    expect(slots.inUse).toBe(1);
    release();
    expect(slots.inUse).toBe(0);
  });

  it('releases once however often release is called', () => {
    const slots = new CallSlots(3);
    const release = slots.acquire(2) as () => void;
    release();
    release();
    expect(slots.inUse).toBe(0);
    expect(typeof slots.acquire(3)).toBe('function');
    expect(slots.inUse).toBe(3);
  });

  it('drops a waiter whose request aborts, and admits the ones behind it that now fit', async () => {
    const slots = new CallSlots(4);
    const first = slots.acquire(3) as () => void;
    const controller = new AbortController();
    const blocked = slots.acquire(4, controller);
    const small = slots.acquire(1);
    expect(slots.waiting).toBe(2);

    controller.abort(new Error('deadline'));
    await expect(blocked).rejects.toThrow('deadline');
    await settled(small);
    expect(slots.waiting).toBe(0);
    expect(slots.inUse).toBe(4);
    first();
    expect(slots.inUse).toBe(1);

    const gone = new AbortController();
    gone.abort(new Error('client gone'));
    const full = slots.acquire(4, gone);
    await expect(full).rejects.toThrow('client gone');
    expect(slots.waiting).toBe(0);
  });
});

describe('MAX_CONCURRENT_CALLS in the gateway', () => {
  let stack: Stack;
  const metrics = createMetrics({});
  beforeAll(async () => {
    stack = await startStack({ config: { MAX_CONCURRENT_CALLS: '2' }, gateway: { metrics } });
  });
  afterAll(() => stack?.close());

  const LOOKUP = `{ collection(source: BELUGA, sourceId: "21") { name project { name } } }`;

  it('runs an operation predicted at 2 calls only after the one holding the 2 slots ends', async () => {
    const alone = await stack.query(LOOKUP);
    expect(alone.body.errors).toBeUndefined();
    stack.resetLedgers();

    const [a, b] = await Promise.all([stack.query(LOOKUP), stack.query(LOOKUP)]);
    expect(a.body).toEqual(alone.body);
    expect(b.body).toEqual(alone.body);
    // Without admission both detail calls go out before either project call.
    const routes = stack.fakes.beluga.control.ledger.entries().map((e) => e.route);
    expect(routes).toEqual([
      'collections.detail',
      'projects.detail',
      'collections.detail',
      'projects.detail',
    ]);
  });

  it('shows what waits and what runs on /metrics', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^gateway_admission_waiting 0$/m);
    expect(text).toMatch(/^gateway_admission_calls_in_use 0$/m);
  });
});

describe('a request that waits past its deadline', () => {
  let stack: Stack;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const held = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        // Holds its slot until the test opens the gate, whatever the deadline says.
        held: {
          type: GraphQLString,
          extensions: { [CALLS_EXTENSION]: free },
          resolve: () => {
            entered();
            return gate.then(() => 'done');
          },
        },
        quick: {
          type: GraphQLString,
          extensions: { [CALLS_EXTENSION]: free },
          resolve: () => 'quick',
        },
      },
    }),
  });
  beforeAll(async () => {
    stack = await startStack({
      config: { MAX_CONCURRENT_CALLS: '1', REQUEST_TIMEOUT_MS: '150' },
      gateway: { schema: held },
    });
  });
  afterAll(() => stack?.close());

  it('gets UPSTREAM_TIMEOUT without data, and the slot serves the next one once freed', async () => {
    const holder = stack.query('{ held }');
    await running; // the holder executes: it has the one slot
    const waiter = await stack.query('{ quick }');
    expect(waiter.body.data ?? null).toBeNull();
    expect(waiter.body.errors).toEqual([
      expect.objectContaining({
        message: BUSY_MESSAGE,
        extensions: expect.objectContaining({ code: 'UPSTREAM_TIMEOUT' }),
      }),
    ]);
    open();
    await holder;
    const next = await stack.query('{ quick }');
    expect(next.body).toMatchObject({ data: { quick: 'quick' } });
  });
});
