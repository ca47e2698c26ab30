/**
 * The real process: `src/server/main.ts` spawned with an env, over real sockets, against fakes
 * with injected latency. Config errors, body and header limits, and graceful shutdown.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';

const MAIN = 'src/server/main.ts';

function run(env: Record<string, string>): {
  child: ChildProcess;
  out: string[];
  err: string[];
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.on('data', (d) => out.push(String(d)));
  child.stderr?.on('data', (d) => err.push(String(d)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, err, exit };
}

async function listeningUrl(out: string[]): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = out.join('').match(/"url":"(http:\/\/[^"]+)"/);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start: ${out.join('')}`);
}

function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    chunked?: boolean;
  },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${options.path ?? '/graphql'}`,
      { method: options.method ?? 'POST', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const half = Math.floor(options.body.length / 2);
        req.write(options.body.slice(0, half));
        req.end(options.body.slice(half));
      } else req.end(options.body);
    } else req.end();
  });
}

describe('configuration errors', () => {
  it('exits 1 naming the missing variable', async () => {
    const { err, exit } = run({});
    expect(await exit).toBe(1);
    expect(err.join('')).toContain('WICKSON_API_KEY is required');
  });
  it('names bad variables without printing their values', async () => {
    const { err, exit } = run({
      WICKSON_API_KEY: 'wk_secret_value',
      PORT: 'port-secret-99',
      BELUGA_URL: 'ftp://secret-host',
    });
    expect(await exit).toBe(1);
    const text = err.join('');
    expect(text).toContain('PORT');
    expect(text).toContain('BELUGA_URL');
    for (const value of ['wk_secret_value', 'port-secret-99', 'secret-host'])
      expect(text).not.toContain(value);
  });
});

describe('running server', () => {
  let fakes: Fakes;
  let server: ReturnType<typeof run>;
  let url: string;
  beforeAll(async () => {
    fakes = await startFakes({ wicksonApiKey: 'wk_process_test' });
    server = run({
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      WICKSON_API_KEY: 'wk_process_test',
      MAX_BODY_BYTES: '2048',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    url = await listeningUrl(server.out);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await fakes.close();
  });

  const json = { 'content-type': 'application/json' };
  const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(4096) } });

  it('rejects a body over MAX_BODY_BYTES with 413 (Content-Length and chunked)', async () => {
    expect((await send(url, { headers: json, body: big })).status).toBe(413);
    expect((await send(url, { headers: json, body: big, chunked: true })).status).toBe(413);
    expect(fakes.beluga.control.ledger.count() + fakes.wickson.control.ledger.count()).toBe(0);
  });

  it('rejects oversized headers with 431', async () => {
    const res = await send(url, {
      headers: { ...json, 'x-filler': 'y'.repeat(20_000) },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.status).toBe(431);
  });

  it('finishes an in-flight request on SIGTERM, then /ready is gone and the process exits 0', async () => {
    fakes.beluga.control.setLatency({ fixedMs: 1200 });
    const inflight = send(url, {
      headers: { ...json, 'x-request-id': 'in-flight-1' },
      body: JSON.stringify({ query: '{ collection(source: BELUGA, sourceId: "21") { name } }' }),
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(fakes.beluga.control.ledger.count()).toBeGreaterThan(0);
    server.child.kill('SIGTERM');
    const res = await inflight.catch((e) => {
      throw new Error(`${e.message}: ${server.out.join('').slice(-1500)} ${server.err.join('')}`);
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data.collection).toEqual({ name: expect.any(String) });
    expect(await server.exit).toBe(0);
    await expect(send(url, { method: 'GET', path: '/ready' })).rejects.toThrow();
    const lines = server.out.join('').split('\n').filter(Boolean);
    expect(lines.some((l) => l.includes('in-flight-1') && l.includes('"upstreamCalls":1'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('gateway stopped'))).toBe(true);
    expect(server.out.join('')).not.toContain('wk_process_test');
  });
});
