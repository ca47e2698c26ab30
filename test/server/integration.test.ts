/**
 * The real graph and upstream clients against the fakes over sockets: credentials handling,
 * the canary key in upstream error bodies and headers, and limits with the fakes' ledger empty.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, configFrom } from '../../src/config.ts';
import { FAKE_MEMBER_TOKEN, type Fakes, startFakes } from '../../src/fakes/index.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createUpstreams, type Upstreams } from '../../src/upstreams/index.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';

const CANARY = `wk_CANARY_${Math.random().toString(36).slice(2)}`;

for (const NODE_ENV of ['production', 'development']) {
  describe(`gateway over the fakes (NODE_ENV=${NODE_ENV})`, () => {
    let fakes: Fakes;
    let upstreams: Upstreams;
    let gateway: Gateway;
    let config: Config;
    const logs: string[] = [];
    const responses: string[] = [];

    beforeAll(async () => {
      fakes = await startFakes({ wicksonApiKey: CANARY });
      config = configFrom({
        NODE_ENV,
        ...NO_SHARED_CACHE,
        LOG_LEVEL: 'debug',
        BELUGA_URL: fakes.beluga.url,
        WICKSON_URL: fakes.wickson.url,
        WICKSON_API_KEY: CANARY,
        UPSTREAM_TIMEOUT_MS: '5000',
        MAX_LIST_LENGTH: '10',
      });
      const logger = createLogger(config, { write: (l: string) => void logs.push(l) });
      upstreams = createUpstreams(config, { logger });
      gateway = createGateway(config, {
        clients: upstreams,
        logger,
        health: () => upstreams.health(),
      });
    });
    afterAll(async () => {
      for (const text of [...responses, ...logs]) expect(text).not.toContain(CANARY);
      await upstreams.close();
      await fakes.close();
    });
    beforeEach(() => {
      fakes.beluga.control.reset();
      fakes.wickson.control.reset();
    });

    const post = async (
      query: string,
      headers: Record<string, string> = {},
      variables?: unknown,
    ) => {
      const res = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      responses.push(text + JSON.stringify([...res.headers]));
      return { status: res.status, body: JSON.parse(text) };
    };
    const ledger = () => [
      ...fakes.beluga.control.ledger.entries(),
      ...fakes.wickson.control.ledger.entries(),
    ];
    const BOTH = `{ b: collection(source: BELUGA, sourceId: "21") { name } w: collection(source: WICKSON, sourceId: "research_papers") { name } }`;

    it('never forwards the caller X-Api-Key; Authorization goes to Beluga only', async () => {
      const { body } = await post(BOTH, {
        'x-api-key': 'attacker-key',
        authorization: `Token ${FAKE_MEMBER_TOKEN}`,
      });
      expect(body.data.b).not.toBeNull();
      const beluga = fakes.beluga.control.ledger.entries();
      const wickson = fakes.wickson.control.ledger.entries();
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
      const withServerToken = createGateway(
        configFrom({
          NODE_ENV,
          ...NO_SHARED_CACHE,
          BELUGA_URL: fakes.beluga.url,
          WICKSON_URL: fakes.wickson.url,
          WICKSON_API_KEY: CANARY,
          BELUGA_TOKEN: FAKE_MEMBER_TOKEN,
        }),
        { clients: upstreams, logger: createLogger(config, { write: () => {} }) },
      );
      const query = (gw: Gateway, authorization: string) =>
        gw.fetch('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query: BOTH }),
        });
      for (const authorization of ['Bearer x', '', 'Basic dXNlcjpwYXNz', 'Token a b']) {
        fakes.beluga.control.ledger.reset();
        expect((await query(gateway, authorization)).status).toBe(200);
        const anonymous = fakes.beluga.control.ledger.entries();
        expect(anonymous.length).toBeGreaterThan(0);
        for (const e of anonymous) expect(e.headers.authorization).toBeUndefined();
        fakes.beluga.control.ledger.reset();
        expect((await query(withServerToken, authorization)).status).toBe(200);
        const server = fakes.beluga.control.ledger.entries();
        expect(server.length).toBeGreaterThan(0);
        for (const e of server) expect(e.headers.authorization).toBe(`Token ${FAKE_MEMBER_TOKEN}`);
      }
    });

    it('Beluga rejecting BELUGA_TOKEN is UPSTREAM_AUTH_FAILED; a bad caller token UNAUTHENTICATED', async () => {
      const badServerToken = createGateway(
        configFrom({
          NODE_ENV,
          ...NO_SHARED_CACHE,
          BELUGA_URL: fakes.beluga.url,
          WICKSON_URL: fakes.wickson.url,
          WICKSON_API_KEY: CANARY,
          BELUGA_TOKEN: 'f'.repeat(40),
        }),
        { clients: upstreams, logger: createLogger(config, { write: () => {} }) },
      );
      const query = async (authorization?: string) => {
        const res = await badServerToken.fetch('http://gateway.test/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify({ query: BOTH }),
        });
        const body = await res.json();
        return body.errors.map((e: { extensions: { code: string } }) => e.extensions.code);
      };
      expect(await query()).toEqual(['UPSTREAM_AUTH_FAILED']);
      expect(await query(`Token ${'e'.repeat(40)}`)).toEqual(['UNAUTHENTICATED']);
      const auth = fakes.beluga.control.ledger.entries().map((e) => e.headers.authorization);
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
        fakes.wickson.control.reset();
        fakes.wickson.control.addFault({ kind: 'status', status: 500, body });
        const before = logs.length;
        const res = await post(BOTH);
        expect(res.body.data.w).toBeNull();
        const errors = res.body.errors as { extensions: Record<string, unknown> }[];
        expect(errors.map((e) => e.extensions.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
        expect(errors[0]?.extensions.upstreamRequestId).toBeUndefined();
        // A code that fails the check is absent: not PROCESSING_ERROR, so no retry either.
        expect(fakes.wickson.control.ledger.count()).toBe(1);
        const text = JSON.stringify(res.body) + logs.slice(before).join('');
        expect(text).not.toContain('ODDID');
        expect(text).not.toContain('CANARYCODE');
      }
    });

    it('logs one failed upstream call once at warn/error: the upstream layer line only', async () => {
      const merged = '{ collections(first: 5) { edges { node { sourceId } } } }';
      for (const query of [BOTH, merged]) {
        fakes.wickson.control.reset();
        fakes.wickson.control.addFault({ kind: 'status', status: 401 });
        const before = logs.length;
        const { body } = await post(query);
        expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(
          ['UPSTREAM_AUTH_FAILED'],
        );
        expect(fakes.wickson.control.ledger.count()).toBe(1);
        const lines = logs.slice(before).map((l) => JSON.parse(l));
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
        fakes.wickson.control.reset();
        fakes.wickson.control.addFault(fault as never);
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
