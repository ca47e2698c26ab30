import { request } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { startFakes } from '../../src/fakes/index.ts';
import { useFakes } from '../helpers/fakes.ts';
import { get } from './http.ts';

const JOB = '/api/v2/jobs/1146/';

describe('fault injection, latency, ledger and control routes', () => {
  const fakes = useFakes();
  const beluga = (path = JOB, headers: Record<string, string> = {}) =>
    get(`${fakes().beluga.url}${path}`, headers);
  const control = () => fakes().beluga.control;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('status: JSON object, raw string, default body, extra headers', async () => {
    control().addFault({
      kind: 'status',
      status: 503,
      body: { detail: 'down' },
      headers: { 'X-Extra': '1' },
      times: 1,
    });
    const json = await beluga();
    expect(json.status).toBe(503);
    expect(json.json).toEqual({ detail: 'down' });
    expect(json.headers['x-extra']).toBe('1');
    control().addFault({ kind: 'status', status: 502, body: 'bad gateway', times: 1 });
    expect((await beluga()).text).toBe('bad gateway');
    control().addFault({ kind: 'status', status: 500, times: 1 });
    expect((await beluga()).headers['content-type']).toContain('text/html');
    expect((await beluga()).status).toBe(200);
  });

  it('rate-limit: 429 with X-RateLimit-* and Retry-After; Wickson nested or flat', async () => {
    control().addFault({ kind: 'rate-limit', retryAfter: '7', resetInSeconds: 30 });
    const limited = await beluga();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000 + 25);
    const wickson = fakes().wickson;
    wickson.control.addFault({ kind: 'rate-limit', shape: 'flat', times: 1 });
    const flat = await get(`${wickson.url}/v1/media/collections`, { 'x-api-key': 'demo-key' });
    expect(flat.json).toMatchObject({ success: false, code: 'rate_limit_error', status_code: 429 });
    wickson.control.addFault({ kind: 'rate-limit', times: 1 });
    const nested = await get(`${wickson.url}/v1/media/collections`, { 'x-api-key': 'demo-key' });
    expect(nested.json.error.code).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('hang: never answers; the ledger records status 0 and closedEarly', async () => {
    control().addFault({ kind: 'hang', route: 'jobs.detail' });
    await expect(request(`${fakes().beluga.url}${JOB}`, { headersTimeout: 200 })).rejects.toThrow();
    await settle();
    const [entry] = control().ledger.entries({ route: 'jobs.detail' });
    expect(entry).toMatchObject({ status: 0, closedEarly: true });
  });

  it('reset: the socket is destroyed before any byte', async () => {
    control().addFault({ kind: 'reset' });
    await expect(request(`${fakes().beluga.url}${JOB}`)).rejects.toThrow();
    expect(control().ledger.entries()[0]).toMatchObject({ status: 0, closedEarly: false });
  });

  it('malformed and html bodies', async () => {
    control().addFault({ kind: 'malformed', times: 1 });
    const malformed = await beluga();
    expect(malformed.status).toBe(200);
    expect(malformed.text).toBe('{');
    expect(malformed.json).toBeUndefined();
    control().addFault({ kind: 'html', status: 503, times: 1 });
    const page = await beluga();
    expect(page.status).toBe(503);
    expect(page.text).toContain('<!doctype html>');
  });

  it('truncate: declared length, half the body, then the connection drops', async () => {
    control().addFault({ kind: 'truncate' });
    const res = await request(`${fakes().beluga.url}${JOB}`);
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
  });

  it('slow: the real body, one chunk per delay', async () => {
    const normal = await beluga();
    control().addFault({ kind: 'slow', chunkDelayMs: 15 });
    const started = Date.now();
    const slow = await beluga();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * 5);
    expect(slow.json).toEqual(normal.json);
  });

  it('huge: a body of the requested size, optionally lying about its length', async () => {
    control().addFault({ kind: 'huge', megabytes: 2, times: 1 });
    const big = await beluga();
    expect(big.text.length).toBe(2 * 1024 * 1024);
    expect(JSON.parse(big.text).count).toBe(0);
    control().addFault({ kind: 'huge', megabytes: 1, contentLengthLie: 3 * 1024 * 1024, times: 1 });
    const res = await request(`${fakes().beluga.url}${JOB}`);
    expect(res.headers['content-length']).toBe(String(3 * 1024 * 1024));
    await expect(res.body.text()).rejects.toThrow();
  });

  it('redirect and drift', async () => {
    control().addFault({ kind: 'redirect', location: 'https://elsewhere.example/x', times: 1 });
    const moved = await beluga();
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe('https://elsewhere.example/x');
    control().addFault({
      kind: 'drift',
      mutate: (body) => ({ ...(body as object), status: 42 }),
      times: 1,
    });
    const drifted = await beluga();
    expect(drifted.json.status).toBe(42);
    expect(drifted.json.id).toBe(1146);
  });

  it("django: Django's own HTML pages, the 500s after the route ran", async () => {
    const page = async (kind: Record<string, unknown>) => {
      const id = control().addFault({
        ...(kind as { kind: 'django'; page: 'not-found' }),
        times: 1,
      });
      const reply = await beluga('/api/v2/jobs/1146/?x=1', { authorization: 'Token secret-value' });
      control().removeFault(id);
      return reply;
    };
    const server = await page({ kind: 'django', page: 'server-error' });
    expect([server.status, server.headers['content-type']]).toEqual([
      500,
      'text/html; charset=utf-8',
    ]);
    expect(server.text).toContain('<h1>Server Error (500)</h1>');
    const debug = await page({ kind: 'django', page: 'technical-500' });
    expect(debug.status).toBe(500);
    expect(debug.text).toContain('Traceback');
    expect(debug.text).toContain('HTTP_AUTHORIZATION');
    expect(debug.text).not.toContain('secret-value');
    expect(debug.text.length).toBeGreaterThan(10_000);
    const missing = await page({ kind: 'django', page: 'not-found' });
    expect([missing.status, missing.json]).toEqual([404, undefined]);
    expect(missing.text).toContain('<h1>Not Found</h1>');
    control().addFault({ kind: 'django', page: 'append-slash', times: 1 });
    const moved = await beluga('/api/v2/jobs/1146?x=1');
    expect([moved.status, moved.headers.location]).toEqual([301, '/api/v2/jobs/1146/?x=1']);
    const overHttp = await request(`${fakes().beluga.url}/__fake/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'django', page: 'technical-500', times: 1 }),
    });
    expect(overHttp.statusCode).toBe(200);
    await overHttp.body.dump();
    expect((await beluga()).status).toBe(500);
  });

  it('hold: the answer read on arrival, sent when released', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = 0;
    const before = (await beluga()).json;
    control().addFault({ kind: 'hold', release: held, onHeld: () => arrived++, times: 1 });
    const answer = beluga();
    await vi.waitFor(() => expect(arrived).toBe(1));
    fakes().dataset.jobs.set(1146, { ...fakes().dataset.jobs.get(1146)!, name: 'Renamed later' });
    release();
    expect((await answer).json).toEqual(before);
    expect((await beluga()).json.name).toBe('Renamed later');
  });

  it('times, probability, route matching and removal', async () => {
    control().addFault({ kind: 'status', status: 500, route: 'projects.list' });
    expect((await beluga()).status).toBe(200);
    control().clearFaults();
    control().addFault({ kind: 'status', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await beluga()).status);
    expect(statuses).toEqual([503, 503, 200]);
    const never = control().addFault({ kind: 'status', status: 500, probability: 0 });
    expect((await beluga()).status).toBe(200);
    control().removeFault(never);
    control().addFault({ kind: 'status', status: 500, probability: 0.5 });
    let failed = 0;
    for (let i = 0; i < 40; i++) if ((await beluga()).status === 500) failed++;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('latency: fixed plus jitter delays every response', async () => {
    control().setLatency({ fixedMs: 120, jitterMs: 30 });
    const started = Date.now();
    await beluga();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(115);
    expect(took).toBeLessThan(1000);
    control().reset();
    const quick = Date.now();
    await beluga();
    expect(Date.now() - quick).toBeLessThan(100);
  });

  it('ledger: counts per route and method, headers as received', async () => {
    await beluga('/api/v2/projects/', { 'X-Request-Id': 'abc', authorization: 'Bearer x' });
    await beluga('/api/v2/projects/23/?with_charts=false');
    await beluga('/api/v2/projects/24/');
    expect(control().ledger.count()).toBe(3);
    expect(control().ledger.count({ route: 'projects.detail' })).toBe(2);
    expect(control().ledger.count({ method: 'post' })).toBe(0);
    const [first, second] = control().ledger.entries();
    expect(first).toMatchObject({
      route: 'projects.list',
      method: 'GET',
      path: '/api/v2/projects/',
      status: 200,
    });
    expect(first!.headers['x-request-id']).toBe('abc');
    expect(first!.headers.authorization).toBe('Bearer x');
    expect(second!.query).toEqual({ with_charts: 'false' });
    control().ledger.reset();
    expect(control().ledger.count()).toBe(0);
  });

  it('HTTP control routes under /__fake/ are not counted', async () => {
    const url = fakes().beluga.url;
    const post = async (path: string, body?: unknown) => {
      const res = await request(`${url}${path}`, {
        method: 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    };
    const added = await post('/__fake/faults', {
      kind: 'status',
      status: 418,
      route: 'jobs.detail',
    });
    expect(added.json.id).toEqual(expect.any(String));
    expect((await beluga()).status).toBe(418);
    await request(`${url}/__fake/faults`, { method: 'DELETE' }).then((r) => r.body.dump());
    expect((await beluga()).status).toBe(200);
    expect((await post('/__fake/faults', { kind: 'explode' })).status).toBe(400);
    expect((await post('/__fake/latency', { fixedMs: 60 })).status).toBe(200);
    const started = Date.now();
    await beluga();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const ledger = await get(`${url}/__fake/ledger`);
    expect(ledger.json.entries.map((e: { route: string }) => e.route)).toEqual([
      'jobs.detail',
      'jobs.detail',
      'jobs.detail',
    ]);
    expect((await get(`${url}/__fake/ledger?route=projects.list`)).json.entries).toEqual([]);
    await post('/__fake/reset');
    expect(control().ledger.count()).toBe(0);
  });

  it('refuses a fault naming an unknown route or field (400 over HTTP), listing the routes', async () => {
    const url = fakes().beluga.url;
    const post = async (body: unknown) => {
      const res = await request(`${url}/__fake/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const typo = await post({ kind: 'status', status: 503, route: 'collection.list' });
    expect(typo.status).toBe(400);
    expect(typo.text).toContain('unknown route collection.list');
    expect(typo.text).toContain('collections.list');
    expect((await post({ kind: 'slow', delayMs: 200 })).status).toBe(400);
    expect((await post({ kind: 'slow', chunkDelayMs: 200, tims: 1 })).status).toBe(400);
    expect((await post({ kind: 'huge' })).status).toBe(400);
    expect((await post({ kind: 'redirect' })).status).toBe(400);
    expect(() => fakes().wickson.control.addFault({ kind: 'hang', route: 'jobs.list' })).toThrow(
      /unknown route jobs\.list; routes: \*, collections\.list/,
    );
    expect((await beluga()).status).toBe(200);
  });

  it('close() ends hanging and slow responses promptly', async () => {
    const own = await startFakes();
    own.beluga.control.addFault({ kind: 'hang' });
    own.wickson.control.addFault({ kind: 'slow', chunkDelayMs: 10_000 });
    const hanging = request(`${own.beluga.url}${JOB}`).catch((error: Error) => error);
    const slow = request(`${own.wickson.url}/v1/media/collections`, {
      headers: { 'x-api-key': 'demo-key' },
    })
      .then((r) => r.body.text())
      .catch((error: Error) => error);
    await settle();
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
  });
});
