/**
 * CORS from CORS_ORIGINS. Unset: no CORS headers at all, so browsers on other origins cannot read
 * answers (same-origin only). A list: those origins, with credentials; any other Origin gets no
 * CORS headers. `*` alone: any origin, never with credentials. An Origin is never reflected
 * together with `Access-Control-Allow-Credentials` unless it is on the list (yoga's default did).
 */
import type { CORSOptions } from 'graphql-yoga';

export function corsOptions(
  origins: readonly string[],
  /** Request headers browsers may send besides the usual ones (the CSRF preflight markers). */
  extraHeaders: readonly string[],
): false | ((request: Request) => CORSOptions | false) {
  if (origins.length === 0) return false;
  const COMMON = {
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'x-request-id',
      'idempotency-key',
      ...extraHeaders,
    ],
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    maxAge: 600,
  };
  const any = origins.length === 1 && origins[0] === '*';
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin) return false;
    // `['*']` makes yoga echo the request's Origin with `Vary: Origin`; credentials decide the rest.
    if (any) return { ...COMMON, origin: ['*'], credentials: false };
    return allowed.has(origin) ? { ...COMMON, origin: ['*'], credentials: true } : false;
  };
}
