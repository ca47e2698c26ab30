/**
 * The real graph and upstream clients against the fakes over sockets: credentials handling,
 * the canary key in upstream error bodies and headers, and limits with the fakes' ledger empty.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const CANARY = `wk_CANARY_${Math.random().toString(36).slice(2)}`;

for (const NODE_ENV of ['production', 'development']) {
  describe(`gateway over the fakes (NODE_ENV=${NODE_ENV})`, () => {
    let stack: Stack;
    const others: Stack[] = [];
    const env = {
      NODE_ENV,
      LOG_LEVEL: 'debug',
      WICKSON_API_KEY: CANARY,
      UPSTREAM_TIMEOUT_MS: '5000',
      REQUEST_TIMEOUT_MS: '10000',
      MAX_LIST_LENGTH: '10',
    };
    /** A second gateway over the same fakes with other settings (a server-held Beluga token). */
    const another = async (config: Record<string, string>) => {
      const other = await startStack({ sharedFakes: stack.fakes, config: { ...env, ...config } });
      others.push(other);
      return other;
    };

    beforeAll(async () => {
      stack = await startStack({
        fakes: { wicksonApiKey: CANARY },
        logger: 'product',
        config: env,
      });
    });
    afterAll(async () => {
      for (const text of [...stack.bodies, ...seenHeaders, ...stack.logs])
        expect(text).not.toContain(CANARY);
      await Promise.all(others.map((s) => s.close()));
      await stack.close();
    });
    const seenHeaders: string[] = [];
    beforeEach(() => stack.resetFakes());

    const post = async (
      query: string,
      headers: Record<string, string> = {},
      variables?: Record<string, unknown>,
    ) => {
      const res = await stack.post({ query, variables }, headers);
      seenHeaders.push(JSON.stringify([...res.headers]));
      return { status: res.status, body: res.body };
    };
    const ledger = () => [
      ...stack.fakes.beluga.control.ledger.entries(),
      ...stack.fakes.wickson.control.ledger.entries(),
    ];
    const BOTH = `{ b: collection(source: BELUGA, sourceId: "21") { name } w: collection(source: WICKSON, sourceId: "research_papers") { name } }`;

    it('never forwards the caller X-Api-Key; Authorization goes to Beluga only', async () => {
      const { body } = await post(BOTH, {
        'x-api-key': 'attacker-key',
        authorization: `Token ${FAKE_MEMBER_TOKEN}`,
      });
      expect(body.data.b).not.toBeNull();
      const beluga = stack.fakes.beluga.control.ledger.entries();
      const wickson = stack.fakes.wickson.control.ledger.entries();
      expect(beluga.length).toBeGreaterThan(0);
      expect(wickson.length).toBeGreaterThan(0);
      for (const e of beluga) {
        expect(e.headers.authorization).toBe(`Token ${FAKE_MEMBER_TOKEN}`);
        expect(e.headers['x-api-key']).toBeUndefined();
      }
      for (const e of wickson) {
        expect(e.headers['x-api-key']).toBe(CANARY);
        expect(e.headers.authorization).toBeUndefined();
      }
    });

    it('forwards only `Token <key>`: Bearer, Basic and empty headers count as absent', async () => {
      const withServerToken = await another({ BELUGA_TOKEN: FAKE_MEMBER_TOKEN });
      const query = (other: Stack, authorization: string) =>
        other.post({ query: BOTH }, { authorization });
      for (const authorization of ['Bearer x', '', 'Basic dXNlcjpwYXNz', 'Token a b']) {
        stack.fakes.beluga.control.ledger.reset();
        expect((await query(stack, authorization)).status).toBe(200);
        const anonymous = stack.fakes.beluga.control.ledger.entries();
        expect(anonymous.length).toBeGreaterThan(0);
        for (const e of anonymous) expect(e.headers.authorization).toBeUndefined();
        stack.fakes.beluga.control.ledger.reset();
        expect((await query(withServerToken, authorization)).status).toBe(200);
        const server = stack.fakes.beluga.control.ledger.entries();
        expect(server.length).toBeGreaterThan(0);
        for (const e of server) expect(e.headers.authorization).toBe(`Token ${FAKE_MEMBER_TOKEN}`);
      }
    });

    it('Beluga rejecting BELUGA_TOKEN is UPSTREAM_AUTH_FAILED; a bad caller token UNAUTHENTICATED', async () => {
      const badServerToken = await another({ BELUGA_TOKEN: 'f'.repeat(40) });
      const query = async (authorization?: string) => {
        const { body } = await badServerToken.post(
          { query: BOTH },
          authorization ? { authorization } : {},
        );
        return body.errors.map((e: { extensions: { code: string } }) => e.extensions.code);
      };
      expect(await query()).toEqual(['UPSTREAM_AUTH_FAILED']);
      expect(await query(`Token ${'e'.repeat(40)}`)).toEqual(['UNAUTHENTICATED']);
      const auth = stack.fakes.beluga.control.ledger.entries().map((e) => e.headers.authorization);
      expect(auth).toEqual([`Token ${'f'.repeat(40)}`, `Token ${'e'.repeat(40)}`]);
    });

    it('propagates the request id to upstream calls', async () => {
      await post(BOTH, { 'x-request-id': 'trace-me-42' });
      for (const e of ledger()) expect(e.headers['x-request-id']).toBe('trace-me-42');
    });

    it('drops a Wickson error body request_id or code of the wrong shape: never echoed', async () => {
      const odd = `req:${'x'.repeat(200)}<script>ODDID`;
      const bodies = [
        {
          success: false,
          message: 'm',
          error: { code: 'PROCESSING ERROR CANARYCODE', details: { request_id: odd } },
        },
        { success: false, message: 'm', code: 'BAD CANARYCODE', request_id: 'a b ODDID' },
      ];
      for (const body of bodies) {
        stack.fakes.wickson.control.reset();
        stack.fakes.wickson.control.addFault({ kind: 'status', status: 500, body });
        const before = stack.logs.length;
        const res = await post(BOTH);
        expect(res.body.data.w).toBeNull();
        const errors = res.body.errors as { extensions: Record<string, unknown> }[];
        expect(errors.map((e) => e.extensions.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
        expect(errors[0]?.extensions.upstreamRequestId).toBeUndefined();
        // A code that fails the check is absent: not PROCESSING_ERROR, so no retry either.
        expect(stack.fakes.wickson.control.ledger.count()).toBe(1);
        const text = JSON.stringify(res.body) + stack.logs.slice(before).join('');
        expect(text).not.toContain('ODDID');
        expect(text).not.toContain('CANARYCODE');
      }
    });

    it('logs one failed upstream call once at warn/error: the upstream layer line only', async () => {
      const merged = '{ collections(first: 5) { edges { node { sourceId } } } }';
      for (const query of [BOTH, merged]) {
        stack.fakes.wickson.control.reset();
        stack.fakes.wickson.control.addFault({ kind: 'status', status: 401 });
        const before = stack.logs.length;
        const { body } = await post(query);
        expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(
          ['UPSTREAM_AUTH_FAILED'],
        );
        expect(stack.fakes.wickson.control.ledger.count()).toBe(1);
        const lines = stack.logs.slice(before).map((l) => JSON.parse(l));
        const loud = lines.filter((l) => l.level >= 40);
        expect(loud).toHaveLength(1);
        expect(loud[0]).toMatchObject({ upstream: 'wickson', code: 'UPSTREAM_AUTH_FAILED' });
        expect(loud[0].route).toEqual(expect.any(String));
        // The other layers still say it, at debug.
        expect(
          lines.filter((l) => l.level === 20 && l.code === 'UPSTREAM_AUTH_FAILED').length,
        ).toBe(1);
      }
    });

    it('keeps the canary out of responses and logs when upstreams echo it (401, 429, 500)', async () => {
      const faults = [
        {
          kind: 'status',
          status: 401,
          body: {
            success: false,
            error: { code: 'INVALID_API_KEY', message: `bad key ${CANARY}` },
          },
          headers: { 'x-echo-key': CANARY },
        },
        {
          kind: 'status',
          status: 500,
          body: { success: false, message: `boom ${CANARY}` },
          headers: { 'x-echo-key': CANARY },
        },
        { kind: 'rate-limit', resetInSeconds: 1800 },
      ] as const;
      for (const fault of faults) {
        stack.fakes.wickson.control.reset();
        stack.fakes.wickson.control.addFault(fault as never);
        const { status, body } = await post(BOTH);
        expect(status).toBe(200);
        expect(body.data.b).not.toBeNull();
        expect(body.data.w).toBeNull();
        const codes = body.errors.map((e: { extensions: { code: string } }) => e.extensions.code);
        expect(
          codes.every((c: string) =>
            [
              'UPSTREAM_AUTH_FAILED',
              'UPSTREAM_UNAVAILABLE',
              'UPSTREAM_BAD_RESPONSE',
              'RATE_LIMITED',
            ].includes(c),
          ),
        ).toBe(true);
        for (const e of body.errors) expect(e.extensions.originalError).toBeUndefined();
      }
    });

    it('rejects limits with the fakes ledger empty', async () => {
      const ids = Array.from({ length: 11 }, (_, i) => `id${i}`);
      const deep = `{ collection(source: BELUGA, sourceId: "21") { project { collections { edges { node { project { collections { edges { node { project { name } } } } } } } } } } }`;
      const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: collection(source: BELUGA, sourceId: "${i}") { name }`).join(' ')} }`;
      for (const [query, variables] of [
        ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }],
        [deep, undefined],
        [aliases, undefined],
      ] as const) {
        const { body } = await post(query, {}, variables);
        expect(body.data ?? null).toBeNull();
        expect(body.errors.length).toBeGreaterThan(0);
      }
      expect(ledger()).toEqual([]);
    });
  });
}
