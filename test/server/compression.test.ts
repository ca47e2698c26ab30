/**
 * Responses of 1 KB and more are compressed by Accept-Encoding (br preferred, then gzip) on the
 * real listener: the GraphiQL page and large results; small answers are sent as they are.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.ts';
import { type Listening, startListening } from '../helpers/listening.ts';

let listening: Listening;
let running: RunningServer;
beforeAll(async () => {
  listening = await startListening();
  running = listening.running;
});
afterAll(() => listening?.close());

async function post(query: string, acceptEncoding?: string) {
  const res = await request(`${running.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return {
    encoding: res.headers['content-encoding'],
    bytes: Buffer.from(await res.body.arrayBuffer()),
  };
}

const LARGE =
  '{ collections(first: 100) { edges { node { id source sourceId name createdAt } } } }';

it('serves the GraphiQL page brotli-compressed to a browser', async () => {
  const res = await request(`${running.url}/graphql`, {
    headers: { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br, zstd' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-encoding']).toBe('br');
  const compressed = Buffer.from(await res.body.arrayBuffer());
  const page = brotliDecompressSync(compressed).toString('utf8');
  expect(page.trimStart().startsWith('<!doctype html>')).toBe(true);
  expect(compressed.length).toBeLessThan(page.length / 3);
});

it('compresses a large result by Accept-Encoding, the same JSON once decoded', async () => {
  const plain = await post(LARGE);
  expect(plain.encoding).toBeUndefined();
  expect(plain.bytes.length).toBeGreaterThan(4096);
  const gzip = await post(LARGE, 'gzip');
  expect(gzip.encoding).toBe('gzip');
  expect(JSON.parse(gunzipSync(gzip.bytes).toString()).data).toEqual(
    JSON.parse(plain.bytes.toString()).data,
  );
  expect(gzip.bytes.length).toBeLessThan(plain.bytes.length / 2);
  const br = await post(LARGE, 'gzip;q=0.5, br');
  expect(br.encoding).toBe('br');
  expect(JSON.parse(brotliDecompressSync(br.bytes).toString()).data).toEqual(
    JSON.parse(plain.bytes.toString()).data,
  );
});

it('sends a small answer uncompressed', async () => {
  const small = await post('{ __typename }', 'gzip, br');
  expect(small.encoding).toBeUndefined();
  expect(JSON.parse(small.bytes.toString())).toMatchObject({ data: { __typename: 'Query' } });
});
