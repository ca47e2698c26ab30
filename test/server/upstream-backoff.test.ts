/**
 * Bounded upstream back-off on an injected clock: a 429 asking for `Retry-After: 999999999` blocks
 * Wickson for at most its documented window (1 hour), one probe per minute goes through while it
 * lasts, and a probe that succeeds ends the block.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/fakes/types.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const QUERY =
  '{ collections(filter: { sources: [WICKSON] }, first: 2) { edges { node { name } } } }';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const FLAT_BODY = {
  success: false,
  code: 'rate_limit_error',
  message: 'Rate limit exceeded',
  status_code: 429,
  details: { limit: 1000, remaining: 0, reset_time: 99_999_999_999, window_size: 3600 },
};
const BELUGA_QUERY =
  '{ collections(filter: { sources: [BELUGA] }, first: 2) { edges { node { name } } } }';

async function blockedStack(fault: FaultSpec = { kind: 'rate-limit', retryAfter: '999999999' }) {
  let now = Date.now();
  const clock = { at: () => now, advance: (ms: number) => (now += ms) };
  const s = await startStack({ now: () => now });
  stack = s;
  s.fakes.wickson.control.addFault({ ...fault, times: 1 });
  const first = await s.query(QUERY);
  expect(first.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
  expect(first.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(3600);
  expect(s.calls().wickson).toBe(1);
  s.resetLedgers();
  return { s, clock };
}

const codes = (body: Awaited<ReturnType<Stack['query']>>['body']) =>
  body.errors?.map((e) => e.extensions?.code);

describe('a 429 with Retry-After: 999999999', () => {
  it('blocks for at most one hour', async () => {
    const { s, clock } = await blockedStack();
    expect(s.upstreams.health()[1]?.quotaBlockedUntil).toBe(clock.at() + 3_600_000);
    clock.advance(30_000);
    const blocked = await s.query(QUERY);
    expect(codes(blocked.body)).toEqual(['RATE_LIMITED']);
    expect(blocked.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(3570);
    expect(s.calls().wickson).toBe(0);
  });

  it.each([
    ['X-RateLimit-Reset', { kind: 'rate-limit', resetInSeconds: 999_999_999 }],
    ['the flat body reset_time', { kind: 'status', status: 429, body: FLAT_BODY }],
  ] satisfies [string, FaultSpec][])(
    'caps a reset far away in %s at one hour too',
    async (_, fault) => {
      const { s, clock } = await blockedStack(fault);
      expect(s.upstreams.health()[1]?.quotaBlockedUntil).toBe(clock.at() + 3_600_000);
    },
  );

  it('Beluga (no documented limit) reports at most one minute and is not blocked', async () => {
    const s = await startStack();
    stack = s;
    s.fakes.beluga.control.addFault({ kind: 'rate-limit', retryAfter: '999999999', times: 1 });
    const limited = await s.query(BELUGA_QUERY);
    expect(codes(limited.body)).toEqual(['RATE_LIMITED']);
    expect(limited.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(60);
    expect((await s.query(BELUGA_QUERY)).body.errors).toBeUndefined();
    expect(s.calls().beluga).toBe(2);
  });

  it('lets one probe through after a minute; a successful probe resumes calls', async () => {
    const { s, clock } = await blockedStack();
    clock.advance(59_000);
    expect(codes((await s.query(QUERY)).body)).toEqual(['RATE_LIMITED']);
    expect(s.calls().wickson).toBe(0);
    clock.advance(1_000);
    const probe = await s.query(QUERY);
    expect(probe.body.errors).toBeUndefined();
    expect(s.calls().wickson).toBe(1);
    const after = await s.query(QUERY);
    expect(after.body.errors).toBeUndefined();
    expect(s.calls().wickson).toBe(2);
  });

  it('a probe that is refused again keeps the block; the next probe is a minute later', async () => {
    const { s, clock } = await blockedStack();
    s.fakes.wickson.control.addFault({ kind: 'rate-limit', retryAfter: '999999999', times: 1 });
    clock.advance(60_000);
    expect(codes((await s.query(QUERY)).body)).toEqual(['RATE_LIMITED']);
    expect(s.calls().wickson).toBe(1);
    clock.advance(30_000);
    expect(codes((await s.query(QUERY)).body)).toEqual(['RATE_LIMITED']);
    expect(s.calls().wickson).toBe(1);
    clock.advance(30_000);
    expect((await s.query(QUERY)).body.errors).toBeUndefined();
    expect(s.calls().wickson).toBe(2);
  });
});
