/** The write path of the HTTP layer: methods and bodies, no retry unless idempotent, `sent`. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Breaker, BreakerOpenError, createBreaker } from '../../src/upstreams/breaker.ts';
import type { ErrorBodyReader } from '../../src/upstreams/classify.ts';
import {
  RateLimitedError,
  UpstreamAuthFailedError,
  type UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../src/upstreams/errors.ts';
import { createHttp, type HttpClient, type HttpDeps } from '../../src/upstreams/http.ts';
import { createQuotaGuard } from '../../src/upstreams/quota.ts';
import { createRetryBudget } from '../../src/upstreams/retry.ts';
import type { CallRecord, UpstreamScope } from '../../src/upstreams/types.ts';
import { closedPort, rejection } from './helpers.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface Seen {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
const script: Handler[] = [];
const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
    const handler = script.shift() ?? ((_req, _body, r) => json(r, 200, { ok: true }));
    handler(req, body, res);
  });
});
let origin = '';
const dispatcher = new Agent();

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
  script.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dispatcher.close();
});

const calls: CallRecord[] = [];
const scope: UpstreamScope = {
  authorization: undefined,
  signal: undefined,
  requestId: 'test-request',
  onCall: (record) => calls.push(record),
};

function http(overrides: Partial<HttpDeps> = {}): HttpClient {
  return createHttp({
    upstream: 'beluga',
    baseUrl: origin,
    dispatcher,
    logger: pino({ level: 'silent' }),
    now: () => 1_700_000_000_000,
    timeoutMs: 2_000,
    breaker: createBreaker({ failureRatio: 0.99, halfOpenAfterMs: 1_000 }),
    budget: createRetryBudget({ ratio: 1, now: () => 1_700_000_000_000 }),
    random: () => 0,
    ...overrides,
  });
}

const Ok = z.object({ ok: z.boolean() });
const post = (body: unknown = { name: 'x' }) =>
  ({
    method: 'POST',
    path: '/api/v2/things/',
    route: '/api/v2/things/',
    body,
    idempotent: false,
    schema: Ok,
    scope,
  }) as const;

describe('send', () => {
  it('sends the method and a JSON body, and parses the answer', async () => {
    calls.length = 0;
    await expect(http().send(post({ name: 'new set' }))).resolves.toEqual({ ok: true });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/v2/things/',
        contentType: 'application/json',
        body: '{"name":"new set"}',
      },
    ]);
    expect(calls).toMatchObject([{ method: 'POST', route: '/api/v2/things/', status: 200 }]);
  });

  it('parses a 204 as null', async () => {
    script.push((_req, _body, res) => res.writeHead(204).end());
    const done = await http().send({
      ...post(),
      method: 'DELETE',
      body: undefined,
      idempotent: true,
      schema: z.null(),
    });
    expect(done).toBeNull();
    expect(seen[0]).toMatchObject({ method: 'DELETE', contentType: undefined, body: '' });
  });

  it('does not retry a non-idempotent 503, which may have been applied', async () => {
    script.push((_req, _body, res) => json(res, 503, {}));
    const error = (await rejection(http().send(post()))) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ status: 503, sent: true, method: 'POST' });
    expect(seen).toHaveLength(1);
  });

  it('retries an idempotent 503 once', async () => {
    script.push((_req, _body, res) => json(res, 503, {}));
    await expect(http().send({ ...post(), method: 'PUT', idempotent: true })).resolves.toEqual({
      ok: true,
    });
    expect(seen.map((s) => s.method)).toEqual(['PUT', 'PUT']);
  });

  it('does not wait out a 429 for a non-idempotent request', async () => {
    script.push((_req, _body, res) => json(res, 429, {}, { 'retry-after': '0' }));
    const error = await rejection(http().send(post()));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(seen).toHaveLength(1);
  });

  it('a timeout after sending leaves the outcome unknown (sent, no status)', async () => {
    script.push(() => undefined);
    const error = (await rejection(http({ timeoutMs: 300 }).send(post()))) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ sent: true, status: undefined });
    expect(seen).toHaveLength(1);
  });
});

describe('not sent', () => {
  it('a refused connection was not sent', async () => {
    const port = await closedPort();
    const error = (await rejection(
      http({ baseUrl: `http://127.0.0.1:${port}` }).send(post()),
    )) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.sent).toBe(false);
  });

  it('an open breaker refuses before sending', async () => {
    const open: Breaker = {
      admit: () => {
        throw new BreakerOpenError(false);
      },
      settle: () => {},
      state: () => 'open',
    };
    const error = (await rejection(http({ breaker: open }).send(post()))) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.sent).toBe(false);
    expect(seen).toHaveLength(0);
  });

  it('a spent quota refuses before sending', async () => {
    const quota = createQuotaGuard({ hourlyBudget: 0, now: () => 1_700_000_000_000 });
    const error = (await rejection(http({ quota }).send(post()))) as UpstreamError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.sent).toBe(false);
    expect(seen).toHaveLength(0);
  });

  it('an aborted caller is refused before sending', async () => {
    const error = (await rejection(
      http().send({ ...post(), scope: { ...scope, signal: AbortSignal.abort() } }),
    )) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error.sent).toBe(false);
    expect(seen).toHaveLength(0);
  });
});

describe('error-body reader', () => {
  const reader: ErrorBodyReader = (text) =>
    text.includes('BUSY') ? { code: 'BUSY', requestId: 'req_1', transient: true } : {};

  it("names the upstream's code and request id, and a transient JSON 500 gets one retry", async () => {
    script.push((_req, _body, res) => json(res, 500, { code: 'BUSY' }));
    script.push((_req, _body, res) => json(res, 500, { code: 'BUSY' }));
    const error = (await rejection(
      http({ readErrorBody: reader }).get({ path: '/x', route: '/x', schema: Ok, scope }),
    )) as UpstreamError;
    expect(error.message).toBe('beluga GET /x returned 500 BUSY');
    expect(error.upstreamRequestId).toBe('req_1');
    expect(seen).toHaveLength(2);
  });

  it('without the reader the same 500 is not retried', async () => {
    script.push((_req, _body, res) => json(res, 500, { code: 'BUSY' }));
    const error = await rejection(http().get({ path: '/x', route: '/x', schema: Ok, scope }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(seen).toHaveLength(1);
  });

  it("a 401 on the gateway's own credential is UPSTREAM_AUTH_FAILED", async () => {
    script.push((_req, _body, res) => json(res, 401, {}));
    const error = await rejection(
      http().get({ path: '/x', route: '/x', schema: Ok, scope, credential: 'server' }),
    );
    expect(error).toBeInstanceOf(UpstreamAuthFailedError);
  });
});

describe('request target', () => {
  const values = [
    'plain',
    'a b',
    "!'()~*-._",
    '+&=?#/%',
    'ünïcødé 🐝',
    'SUCCESS,FAILURE',
    '-created_at',
    '',
  ];
  const get = (path: string, query?: Record<string, string | number | undefined>) =>
    http().get({ path, route: path, schema: Ok, scope, ...(query ? { query } : {}) });

  it('sends every query value so that the upstream reads back exactly what was given', async () => {
    for (const value of values) {
      await get('/api/v2/jobs/', { q: value, limit: 50, skipped: undefined, [`k ${value}`]: 1 });
      const url = new URL(seen.at(-1)?.url ?? '', origin);
      expect(url.pathname).toBe('/api/v2/jobs/');
      expect([...url.searchParams]).toEqual([
        ['q', value],
        ['limit', '50'],
        [`k ${value}`, '1'],
      ]);
    }
  });

  it('sends a lone surrogate as U+FFFD instead of failing the call', async () => {
    await get('/api/v2/jobs/', { q: '\ud800 lone' });
    expect(new URL(seen.at(-1)?.url ?? '', origin).searchParams.get('q')).toBe('\ufffd lone');
  });

  it('keeps an encoded path and resolves dot segments as URL does', async () => {
    for (const path of [
      '/v1/media/collections/a%2Fb',
      '/v1/media/..',
      '/v1/./media/x',
      '/a/.../b',
    ]) {
      await get(path);
      expect(seen.at(-1)?.url).toBe(new URL(path, origin).pathname);
    }
  });
});
