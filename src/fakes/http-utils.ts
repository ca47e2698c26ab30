/** Small response builders shared by both fakes. */
import type { FakeResponse } from './types.ts';

export function json(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): FakeResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}

export function html(status: number, page: string): FakeResponse {
  return { status, raw: page, contentType: 'text/html; charset=utf-8' };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request (400)',
  403: '403 Forbidden',
  404: 'Not Found',
  500: 'Server Error (500)',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Django's default error pages (DEBUG=False). */
export function djangoHtml(status: number): string {
  if (status === 404) {
    return [
      '<!doctype html>',
      '<html lang="en">',
      '<head>',
      '  <title>Not Found</title>',
      '</head>',
      '<body>',
      '  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>',
      '</body>',
      '</html>',
      '',
    ].join('\n');
  }
  const title = TITLES[status] ?? `Error (${status})`;
  return `<!doctype html>\n<html lang="en">\n<head>\n  <title>${title}</title>\n</head>\n<body>\n  <h1>${title}</h1><p></p>\n</body>\n</html>\n`;
}

/** Serialise a FakeResponse body: raw text as is, anything else as JSON. */
export function renderBody(response: FakeResponse): { text: string; contentType: string } {
  if (response.raw !== undefined) {
    return { text: response.raw, contentType: response.contentType ?? 'text/plain; charset=utf-8' };
  }
  if (response.body === undefined)
    return { text: '', contentType: response.contentType ?? 'application/json' };
  return {
    text: JSON.stringify(response.body),
    contentType: response.contentType ?? 'application/json',
  };
}

/** Python's `int()` on a query value: optional sign, digits, surrounding spaces. */
export function parseIntStrict(value: string | null): number | null {
  if (value === null || !/^\s*[+-]?\d+\s*$/.test(value)) return null;
  return Number.parseInt(value, 10);
}

export function queryRecord(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) out[key] = value;
  return out;
}
