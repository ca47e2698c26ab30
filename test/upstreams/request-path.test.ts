import { describe, expect, it } from 'vitest';
import { requestPath } from '../../src/upstreams/http.ts';

const ORIGIN = 'http://127.0.0.1:4010';

/** What the HTTP layer sent before requestPath: a URL with `searchParams.set` per entry. */
function viaUrl(path: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(path, ORIGIN);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.pathname + url.search;
}

describe('requestPath', () => {
  const values = [
    'plain',
    'a b',
    "!'()~*-._",
    '+&=?#/%',
    'ünïcødé 🐝',
    'SUCCESS,FAILURE',
    '-created_at',
    '',
    '\ud800 lone',
  ];

  it('encodes every query value as URLSearchParams does', () => {
    for (const value of values) {
      const query = { q: value, limit: 50, skipped: undefined, [`k ${value}`]: 1 };
      expect(requestPath('/api/v2/jobs/', query, ORIGIN)).toBe(viaUrl('/api/v2/jobs/', query));
    }
  });

  it('keeps an encoded path and resolves dot segments as URL does', () => {
    for (const path of [
      '/v1/media/collections/a%2Fb',
      '/v1/media/..',
      '/v1/./media/x',
      '/a/.../b',
    ]) {
      expect(requestPath(path, undefined, ORIGIN)).toBe(viaUrl(path, {}));
    }
  });
});
