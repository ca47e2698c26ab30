/**
 * GraphiQL costs nothing per view: rendered and compressed once per process, then a buffer write,
 * or a 304 for a browser that holds the page's ETag. Off by default with NODE_ENV=production.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { createGraphiQLPage } from '../../src/server/graphiql.ts';
import { type Listening, startListening } from '../helpers/listening.ts';

describe('the page', () => {
  it('is rendered once and compressed once per encoding, however many views', async () => {
    let renders = 0;
    const page = createGraphiQLPage(async () => {
      renders += 1;
      return `<!doctype html><title>GraphiQL</title>${'x'.repeat(4096)}`;
    });
    const views = await Promise.all(
      Array.from({ length: 20 }, (_, i) => page.variant(i % 2 ? 'br' : 'gzip')),
    );
    expect(renders).toBe(1);
    expect(new Set(views.map((v) => v.body)).size).toBe(2);
    expect(views[0]!.etag).not.toBe(views[1]!.etag);
  });

  it('tries a failed render again on the next view', async () => {
    let calls = 0;
    const page = createGraphiQLPage(async () => {
      calls += 1;
      if (calls === 1) throw new Error('bundle missing');
      return '<!doctype html>';
    });
    await expect(page.variant('identity')).rejects.toThrow('bundle missing');
    expect(Buffer.from((await page.variant('identity')).body).toString()).toBe('<!doctype html>');
  });
});

describe('GET /graphql from a browser', () => {
  let listening: Listening;
  beforeAll(async () => {
    listening = await startListening();
  });
  afterAll(() => listening?.close());

  const view = (headers: Record<string, string>) =>
    request(`${listening.running.url}/graphql`, { headers: { accept: 'text/html', ...headers } });

  it('answers with an ETag per encoding and a 304 when the browser holds it', async () => {
    const first = await view({ 'accept-encoding': 'gzip' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers.vary).toBe('Accept, Accept-Encoding');
    const html = gunzipSync(Buffer.from(await first.body.arrayBuffer())).toString();
    expect(html.trimStart().startsWith('<!doctype html>')).toBe(true);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+-gzip"$/);

    const again = await view({ 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect((await again.body.arrayBuffer()).byteLength).toBe(0);

    const br = await view({ 'accept-encoding': 'br', 'if-none-match': etag });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.body.arrayBuffer())).toString()).toBe(html);
  });

  it('sends the page as it is to a client that takes no compression', async () => {
    const plain = await view({ 'accept-encoding': 'identity' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((await plain.body.text()).trimStart().startsWith('<!doctype html>')).toBe(true);
  });
});

describe('GRAPHIQL default', () => {
  const env = { WICKSON_API_KEY: 'k' };
  it('is off with NODE_ENV=production unless GRAPHIQL=true, on otherwise', () => {
    expect(configFrom({ ...env, NODE_ENV: 'production' }).graphiql).toBe(false);
    expect(configFrom({ ...env, NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(configFrom({ ...env, NODE_ENV: 'development' }).graphiql).toBe(true);
    expect(configFrom({ ...env, GRAPHIQL: 'false' }).graphiql).toBe(false);
  });
});
