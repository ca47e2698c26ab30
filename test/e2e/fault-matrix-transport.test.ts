/** The fault matrix's transport rows (../shared/reference/reliability.md §7.1), through /graphql. */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.ts';
import {
  BOTH,
  baseline,
  closedPort,
  codesAt,
  control,
  count,
  expectSplit,
  useStacks,
} from './matrix.ts';

const { fresh } = useStacks();
const WIDE_ENV = { UPSTREAM_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '8000' };

describe('fault matrix: transport (UPSTREAM_TIMEOUT_MS=500, REQUEST_TIMEOUT_MS=1500)', () => {
  it('a hanging Wickson times out within the call deadline, no retry, socket destroyed', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'hang' });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_TIMEOUT']);
    expect(result.ms).toBeGreaterThanOrEqual(400);
    expect(result.ms).toBeLessThan(500 + 700);
    expect(count(s, 'wickson')).toBeGreaterThanOrEqual(1);
    expect(count(s, 'wickson')).toBeLessThanOrEqual(base.wickson);
    const entries = () => control(s, 'wickson').ledger.entries();
    expect(await pollUntil(() => entries().every((e) => e.closedEarly))).toBe(true);
  });

  it('every upstream hangs: the whole response comes within the request deadline', async () => {
    const s = await fresh({ env: { UPSTREAM_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' } });
    control(s, 'beluga').addFault({ kind: 'hang' });
    control(s, 'wickson').addFault({ kind: 'hang' });
    const result = await s.query(BOTH);
    expect(result.ms).toBeLessThan(1000 + 800);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ belugaC: null, wicksonC: null });
    expect(codesAt(result.body, 'belugaC')).toContain('UPSTREAM_TIMEOUT');
    expect(codesAt(result.body, 'wicksonC')).toContain('UPSTREAM_TIMEOUT');
    const all = () => [
      ...control(s, 'beluga').ledger.entries(),
      ...control(s, 'wickson').ledger.entries(),
    ];
    expect(await pollUntil(() => all().every((e) => e.closedEarly))).toBe(true);
  });

  it('connection refused: one quick retry, then UPSTREAM_UNAVAILABLE well under the deadline', async () => {
    const port = await closedPort();
    const s = await fresh({ env: { WICKSON_URL: `http://127.0.0.1:${port}` } });
    const result = await s.query(BOTH);
    expect(result.status).toBe(200);
    expect(result.body.data?.wicksonC).toBeNull();
    expect(codesAt(result.body, 'wicksonC')).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(result.body.data?.belugaC).toEqual({ name: expect.any(String) });
    expect(codesAt(result.body, 'belugaC')).toEqual([]);
    expect(result.ms).toBeLessThan(500);
    expect(count(s, 'wickson')).toBe(0);
  });

  it('reset before headers: exactly one retry, then UPSTREAM_UNAVAILABLE', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'reset' });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_UNAVAILABLE']);
    expect(result.ms).toBeLessThan(1000);
    expect(count(s, 'wickson')).toBe(2 * base.wickson);
  });

  it('truncated body: bad response or unavailable, never retried after body bytes', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'truncate' });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE']);
    expect(result.ms).toBeLessThan(1000);
    expect(count(s, 'wickson')).toBe(base.wickson);
  });

  it('a dripped body trips the deadline: UPSTREAM_TIMEOUT within the call deadline', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'beluga').addFault({ kind: 'slow', chunkDelayMs: 2000 });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'beluga', ['UPSTREAM_TIMEOUT']);
    expect(result.ms).toBeLessThan(500 + 700);
    expect(count(s, 'beluga')).toBe(base.beluga);
    const entries = () => control(s, 'beluga').ledger.entries();
    expect(await pollUntil(() => entries().every((e) => e.closedEarly))).toBe(true);
  });

  it('a huge body is cut at the response cap: UPSTREAM_BAD_RESPONSE, bounded memory', async () => {
    const s = await fresh();
    const base = await baseline(s);
    const rssBefore = process.memoryUsage().rss;
    control(s, 'wickson').addFault({ kind: 'huge', megabytes: 30 });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_BAD_RESPONSE']);
    expect(count(s, 'wickson')).toBe(base.wickson);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a Content-Length lie does not parse a partial body', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'huge', megabytes: 1, contentLengthLie: 10 });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE']);
    expect(count(s, 'wickson')).toBeLessThanOrEqual(2 * base.wickson);
  });

  it('a client disconnect aborts the in-flight upstream request', async () => {
    const s = await fresh({ env: WIDE_ENV });
    control(s, 'wickson').addFault({ kind: 'hang' });
    const url = await s.listen();
    const req = request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    req.on('error', () => {});
    req.end(JSON.stringify({ query: BOTH }));
    expect(await pollUntil(() => count(s, 'wickson') >= 1, 2000)).toBe(true);
    const abortedAt = Date.now();
    req.destroy();
    const entries = () => control(s, 'wickson').ledger.entries();
    expect(await pollUntil(() => entries().every((e) => e.closedEarly), 2000)).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  it('an unresolvable upstream host gives UPSTREAM_UNAVAILABLE quickly', async () => {
    const s = await fresh({ env: { WICKSON_URL: 'http://nonexistent.invalid' } });
    const result = await s.query(BOTH);
    expect(result.status).toBe(200);
    expect(result.body.data?.wicksonC).toBeNull();
    expect(codesAt(result.body, 'wicksonC')).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(result.body.data?.belugaC).toEqual({ name: expect.any(String) });
    expect(result.ms).toBeLessThan(1000);
  });
});
