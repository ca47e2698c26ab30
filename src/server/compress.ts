/**
 * gzip or br by `Accept-Encoding` (the `compression` middleware, brotli at quality 4) for bodies
 * of 1 KB and more: the GraphiQL page (~9 MB) and large results. Event streams are left alone.
 */
import compression from 'compression';
import type { Handler } from './listener.ts';

export function withCompression(handler: Handler): Handler {
  const compress = compression({
    threshold: 1024,
    filter: (req, res) =>
      !String(res.getHeader('content-type') ?? '').startsWith('text/event-stream') &&
      compression.filter(req, res),
  });
  // A client that accepts no encoding skips the middleware (and its per-response wrapping).
  return (req, res) =>
    req.headers['accept-encoding']
      ? compress(req as never, res as never, () => handler(req, res))
      : handler(req, res);
}
