/**
 * Stale-if-error: past TTL + stale-while-revalidate an entry is refetched before answering; when
 * that fails for an upstream reason (5xx, timeout, breaker open, 429, budget spent) the last good
 * answer is served within CACHE_STALE_IF_ERROR_S, logged and counted. Auth failures never are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../src/fakes/index.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const PAST_SWR = 60_000 + 30_000 + 1;
const WICKSON = `{ collection(source: WICKSON, sourceId: "research_papers") {
  name stats { itemCount fetchedAt } } }`;

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function warmed(config: Record<string, string> = {}) {
  let clock = T0;
  const s = await startStack({
    config: { WICKSON_CACHE_TTL_S: '60', UPSTREAM_TIMEOUT_MS: '300', ...config },
    now: () => clock,
  });
  open.push(s);
  const first = await s.query(WICKSON);
  expect(first.body.errors).toBeUndefined();
  clock += PAST_SWR;
  s.resetLedgers();
  return { s, first, advance: (ms: number) => (clock += ms) };
}

const staleLines = (s: Stack) => s.logs.filter((l) => l.includes('served a stale answer'));

describe('stale-if-error', () => {
  const faults: [string, FaultSpec][] = [
    ['503', { kind: 'status', status: 503 }],
    ['timeout', { kind: 'hang' }],
    ['connection reset', { kind: 'reset' }],
    ['429', { kind: 'rate-limit', resetInSeconds: 120 }],
    ['malformed body', { kind: 'malformed', body: '{' }],
  ];
  for (const [name, fault] of faults) {
    it(`Wickson ${name}: the last good answer, logged and counted`, async () => {
      const { s, first } = await warmed();
      s.fakes.wickson.control.addFault(fault);
      const again = await s.query(WICKSON);
      expect(again.body.data).toEqual(first.body.data);
      expect(s.calls().wickson).toBeGreaterThan(0);
      expect(s.upstreams.cache.total('stale', 'wickson')).toBe(1);
      expect(staleLines(s)).toHaveLength(1);
      expect(JSON.parse(staleLines(s)[0]!)).toMatchObject({ level: 40, reason: 'error' });
    });
  }

  it('breaker open: no call, the last good answer', async () => {
    const { s, first } = await warmed();
    s.fakes.wickson.control.addFault({ kind: 'status', status: 503 });
    for (let i = 0; i < 8; i++)
      await s.query(`{ collection(source: WICKSON, sourceId: "other_${i}") { name } }`);
    expect(s.upstreams.health()[1]?.breaker).toBe('open');
    s.resetLedgers();
    const again = await s.query(WICKSON);
    expect(again.body.data).toEqual(first.body.data);
    expect(s.calls().wickson).toBe(0);
  });

  it('budget spent: no call, the last good answer', async () => {
    const { s, first } = await warmed({ WICKSON_HOURLY_BUDGET: '1' });
    const again = await s.query(WICKSON);
    expect(again.body.data).toEqual(first.body.data);
    expect(s.calls().wickson).toBe(0);
    expect(s.upstreams.cache.total('stale', 'wickson')).toBe(1);
  });

  it('beyond CACHE_STALE_IF_ERROR_S the error reaches the client', async () => {
    const { s, advance } = await warmed({ CACHE_STALE_IF_ERROR_S: '120' });
    advance(120_000);
    s.fakes.wickson.control.addFault({ kind: 'status', status: 503 });
    const again = await s.query(WICKSON);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('an auth failure is never papered over', async () => {
    const { s } = await warmed();
    s.fakes.wickson.control.addFault({ kind: 'status', status: 401 });
    const again = await s.query(WICKSON);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(s.upstreams.cache.total('stale')).toBe(0);
  });
});
