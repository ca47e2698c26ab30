/**
 * `npm start` runs the rolldown bundle (src/build.ts → dist/gateway.js). The bundle, built into a
 * scratch directory inside the project (so `node_modules` resolves as from dist/), answers the
 * same query with the same body and the same upstream calls as the sources, serves the offline
 * GraphiQL page from its lazy chunk, and `--if-stale` rebuilds only when an input changed. The
 * bundle links @whatwg-node/promise-helpers 2 where the sources run 1.x (src/server/promise-helpers.ts),
 * so the error, GET and incremental paths are compared too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, ENTRY, isStale, ROOT } from '../../src/build.ts';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';

const OUT = join(ROOT, 'node_modules', '.cache', `gateway-bundle-test-${process.pid}`);
const QUERY = `query($id: String!) {
  collection(source: BELUGA, sourceId: $id) { id name project { name } stats { itemCount } jobs { status } }
}`;

interface Running {
  child: ChildProcess;
  url: string;
}

async function start(script: string, fakes: Fakes): Promise<Running> {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      WICKSON_API_KEY: 'wk_bundle_test',
      BELUGA_CACHE_TTL_S: '0',
      WICKSON_CACHE_TTL_S: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (err += String(d)));
  for (let i = 0; i < 300; i++) {
    const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
    if (url) return { child, url };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not start: ${out}${err}`);
}

async function ask(url: string, id: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { id } }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

function post(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Status, content type and body; request ids (in bodies and headers) differ between processes. */
async function exchange(url: string, init: RequestInit) {
  const res = await fetch(url, init);
  const body = (await res.text()).replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    'ID',
  );
  return { status: res.status, type: res.headers.get('content-type'), body };
}

describe('the bundle npm start runs', () => {
  let fakes: Fakes;
  const running: Running[] = [];

  beforeAll(async () => {
    fakes = await startFakes();
    await buildGateway(OUT);
  }, 60_000);
  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    await fakes.close();
    rmSync(OUT, { recursive: true, force: true });
  });

  it('answers like the sources, with the same upstream calls', async () => {
    const bundle = await start(join(OUT, ENTRY), fakes);
    const sources = await start('src/server/main.ts', fakes);
    running.push(bundle, sources);
    const calls = () => fakes.beluga.control.ledger.count() + fakes.wickson.control.ledger.count();
    fakes.beluga.control.ledger.reset();
    const fromBundle = await ask(bundle.url, '21');
    const bundleCalls = calls();
    fakes.beluga.control.ledger.reset();
    const fromSources = await ask(sources.url, '21');
    expect(bundleCalls).toBe(calls());
    expect(bundleCalls).toBeGreaterThan(0);
    expect(JSON.stringify(fromBundle)).not.toContain('"errors"');
    expect(fromBundle).toEqual(fromSources);
  }, 30_000);

  it('answers errors, GET and @defer like the sources', async () => {
    const [bundle, sources] = running as [Running, Running];
    const exchanges: [string, RequestInit][] = [
      ['/graphql', post({ query: '{ collection(source: BELUGA, sourceId: "21") { nope } }' })],
      ['/graphql', post({ query: '{ collection(source: BELUGA, sourceId: "999999") { name } }' })],
      [
        '/graphql',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' },
      ],
      [
        `/graphql?query=${encodeURIComponent('{ collection(source: WICKSON, sourceId: "research_papers") { name } }')}`,
        {},
      ],
      [
        '/graphql',
        {
          ...post({
            query:
              '{ collection(source: BELUGA, sourceId: "21") { name ... @defer { stats { itemCount } } } }',
          }),
          headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
        },
      ],
    ];
    for (const [path, init] of exchanges) {
      const [a, b] = await Promise.all([
        exchange(bundle.url + path, init),
        exchange(sources.url + path, init),
      ]);
      expect(a, path).toEqual(b);
      expect(a.status, path).toBeGreaterThanOrEqual(200);
    }
  }, 30_000);

  it('links promise-helpers 2 through the alias, and no copy of 1.x', () => {
    const sources = readdirSync(join(OUT, 'chunks'))
      .concat('../gateway.js')
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => {
        const map = join(OUT, 'chunks', `${f}.map`);
        return existsSync(map) ? (JSON.parse(readFileSync(map, 'utf8')).sources as string[]) : [];
      });
    expect(sources.some((s) => s.includes('@whatwg-node/promise-helpers-v2/'))).toBe(true);
    expect(sources.some((s) => s.includes('src/server/promise-helpers.ts'))).toBe(true);
    expect(sources.filter((s) => /@whatwg-node\/promise-helpers\//.test(s))).toEqual([]);
  });

  it('serves the offline GraphiQL page from its lazy chunk', async () => {
    const bundle = running[0] as Running;
    const res = await fetch(`${bundle.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<!doctype html>');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });

  it('--if-stale: fresh after a build, stale once a source file is newer', () => {
    expect(existsSync(join(OUT, ENTRY))).toBe(true);
    expect(isStale(OUT)).toBe(false);
    const entry = join(OUT, ENTRY);
    const past = new Date(statSync(join(ROOT, 'src/server/main.ts')).mtimeMs - 60_000);
    utimesSync(entry, past, past);
    expect(isStale(OUT)).toBe(true);
  });
});
