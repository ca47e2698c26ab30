/** The fault matrix's status rows (../shared/reference/reliability.md §7.1), through /graphql. */
import { describe, expect, it } from 'vitest';
import {
  BOTH,
  baseline,
  CANARY,
  codesAt,
  control,
  count,
  expectSplit,
  useStacks,
} from './matrix.ts';

const { fresh } = useStacks();

const wicksonError = (status: number, code: string, shape: 'nested' | 'flat') =>
  shape === 'nested'
    ? {
        success: false,
        message: `Failure for key ${CANARY}`,
        error: { code, details: { request_id: `req_${code}_nested` } },
      }
    : {
        success: false,
        code: code.toLowerCase(),
        message: `Failure for key ${CANARY}`,
        status_code: status,
        details: {},
        request_id: `req_${code}_flat`,
      };

describe('fault matrix: upstream statuses (UPSTREAM_TIMEOUT_MS=500)', () => {
  it.each([502, 503, 504])('Wickson %i: one retry, then UPSTREAM_UNAVAILABLE', async (status) => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'status', status, body: { success: false } });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'wickson', ['UPSTREAM_UNAVAILABLE']);
    expect(result.ms).toBeLessThan(1000);
    expect(count(s, 'wickson')).toBe(2 * base.wickson);
  });

  it.each(['nested', 'flat'] as const)(
    'Wickson 500 PROCESSING_ERROR (%s): at most one retry, masked, request id logged not the body',
    async (shape) => {
      const s = await fresh();
      const base = await baseline(s);
      const body = wicksonError(500, 'PROCESSING_ERROR', shape);
      control(s, 'wickson').addFault({
        kind: 'status',
        status: 500,
        body,
        headers: { 'x-echo': CANARY },
      });
      const result = await s.query(BOTH);
      expectSplit(result, base, 'wickson', ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE']);
      expect(count(s, 'wickson')).toBeLessThanOrEqual(2 * base.wickson);
      expect(result.text).not.toContain('Failure for key');
      expect(s.logs.join('')).not.toContain('Failure for key');
      expect(s.logs.some((l) => l.includes(`req_PROCESSING_ERROR_${shape}`))).toBe(true);
    },
  );

  it('Beluga 500 HTML page: no retry, UPSTREAM_BAD_RESPONSE, no HTML echoed', async () => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'beluga').addFault({ kind: 'html', status: 500 });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'beluga', ['UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE']);
    expect(count(s, 'beluga')).toBe(base.beluga);
  });

  it('breaker: opens under consecutive 503s, fails fast with no new requests, one probe recovers', async () => {
    const s = await fresh({ env: { BREAKER_HALF_OPEN_MS: '400' } });
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'status', status: 503, body: { success: false } });
    let opened = false;
    for (let i = 0; i < 25 && !opened; i++) {
      const before = count(s, 'wickson');
      const result = await s.query(BOTH);
      expectSplit(result, base, 'wickson', ['UPSTREAM_UNAVAILABLE']);
      opened = count(s, 'wickson') === before;
    }
    expect(opened, 'breaker never opened within 25 failing queries').toBe(true);
    const before = count(s, 'wickson');
    const fast = await s.query(BOTH);
    expectSplit(fast, base, 'wickson', ['UPSTREAM_UNAVAILABLE']);
    // Far below the 500 ms Wickson deadline a call to the broken upstream would take.
    expect(fast.ms).toBeLessThan(250);
    expect(count(s, 'wickson')).toBe(before);

    control(s, 'wickson').clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probeStart = count(s, 'wickson');
    await s.query(BOTH);
    const probes = count(s, 'wickson') - probeStart;
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(base.wickson);
    const healed = await s.query(BOTH);
    expect(healed.body.errors).toBeUndefined();
    expect(healed.body.data).toEqual(base.data);
  });

  it('retry budget: 50 concurrent requests against a 503 upstream cause no retry storm', async () => {
    // Wide deadlines: 50 requests queueing on 2 cores would otherwise hit the 500 ms call deadline.
    const s = await fresh({ env: { UPSTREAM_TIMEOUT_MS: '3000', REQUEST_TIMEOUT_MS: '5000' } });
    const base = await baseline(s);
    control(s, 'wickson').addFault({ kind: 'status', status: 503, body: { success: false } });
    const results = await Promise.all(Array.from({ length: 50 }, () => s.query(BOTH)));
    for (const result of results) expectSplit(result, base, 'wickson', ['UPSTREAM_UNAVAILABLE']);
    const ratio = s.config.upstream.retryBudgetRatio;
    expect(count(s, 'wickson')).toBeLessThanOrEqual(
      Math.ceil(50 * base.wickson * (1 + ratio)) + 10,
    );
  });

  it.each([
    [401, 'INVALID_API_KEY'],
    [403, 'INSUFFICIENT_PERMISSIONS'],
  ])(
    'Wickson %i %s: UPSTREAM_AUTH_FAILED, no retry, error log without the key',
    async (status, code) => {
      const s = await fresh();
      const base = await baseline(s);
      const body = wicksonError(status, code, 'nested');
      control(s, 'wickson').addFault({
        kind: 'status',
        status,
        body,
        headers: { 'x-echo': CANARY },
      });
      const result = await s.query(BOTH);
      expectSplit(result, base, 'wickson', ['UPSTREAM_AUTH_FAILED']);
      expect(count(s, 'wickson')).toBe(base.wickson);
      const errorLines = s.logs.filter((l) => /"level":(50|60)/.test(l));
      expect(
        errorLines.some((l) => l.includes('UPSTREAM_AUTH_FAILED') || l.includes(String(status))),
      ).toBe(true);
    },
  );

  it.each([
    [401, 'UNAUTHENTICATED', { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' }],
    [403, 'FORBIDDEN', { detail: 'You do not have permission to perform this action.' }, {}],
  ])('Beluga %i: %s, no retry', async (status, code, body, headers) => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'beluga').addFault({ kind: 'status', status, body, headers });
    const result = await s.query(BOTH);
    expectSplit(result, base, 'beluga', [code]);
    expect(result.text).not.toContain(body.detail);
    expect(count(s, 'beluga')).toBe(base.beluga);
  });

  it('a real invalid caller token on Beluga gives UNAUTHENTICATED; Wickson unaffected', async () => {
    const s = await fresh();
    const base = await baseline(s);
    const result = await s.query(BOTH, undefined, { authorization: `Token ${'f'.repeat(40)}` });
    expectSplit(result, base, 'beluga', ['UNAUTHENTICATED']);
  });

  it('404 on either side: the nullable lookup is null with no error and no retry', async () => {
    const s = await fresh();
    const result = await s.query(`{
      belugaC: collection(source: BELUGA, sourceId: "999999") { name }
      wicksonC: collection(source: WICKSON, sourceId: "no_such_collection") { name stats { itemCount } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      data: { belugaC: null, wicksonC: null },
      extensions: {
        cost: {
          predicted: { beluga: 1, wickson: 1 },
          actual: { beluga: 1, wickson: 1 },
          limit: 150,
        },
      },
    });
    const belugaEntries = control(s, 'beluga').ledger.entries();
    expect(belugaEntries.map((e) => e.status)).toEqual([404]);
    expect(count(s, 'wickson')).toBeLessThanOrEqual(2);
    expect(
      control(s, 'wickson')
        .ledger.entries()
        .filter((e) => e.status >= 500),
    ).toEqual([]);
  });

  it.each([
    ['html 200', { kind: 'html', status: 200 } as const],
    ['html 404 (a route 404)', { kind: 'html', status: 404 } as const],
    ['text/plain', { kind: 'malformed', body: 'NOT JSON', contentType: 'text/plain' } as const],
    ['empty body', { kind: 'malformed', body: '' } as const],
    ['a lone {', { kind: 'malformed' } as const],
  ])(
    'Wickson malformed (%s): UPSTREAM_BAD_RESPONSE, no bytes echoed, no retry',
    async (_name, fault) => {
      const s = await fresh();
      const base = await baseline(s);
      control(s, 'wickson').addFault(fault);
      const result = await s.query(BOTH);
      expectSplit(result, base, 'wickson', ['UPSTREAM_BAD_RESPONSE']);
      expect(result.text).not.toContain('NOT JSON');
      expect(codesAt(result.body, 'belugaC')).toEqual([]);
      expect(count(s, 'wickson')).toBe(base.wickson);
    },
  );

  it.each([
    ['text/plain', { kind: 'malformed', body: 'NOT JSON', contentType: 'text/plain' } as const],
    ['a lone {', { kind: 'malformed' } as const],
    ['html 200', { kind: 'html', status: 200 } as const],
  ])('Beluga malformed (%s): UPSTREAM_BAD_RESPONSE, no retry', async (_name, fault) => {
    const s = await fresh();
    const base = await baseline(s);
    control(s, 'beluga').addFault(fault);
    const result = await s.query(BOTH);
    expectSplit(result, base, 'beluga', ['UPSTREAM_BAD_RESPONSE']);
    expect(result.text).not.toContain('NOT JSON');
    expect(count(s, 'beluga')).toBe(base.beluga);
  });
});
