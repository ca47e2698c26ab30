/**
 * gzip or br by `Accept-Encoding` (the `compression` middleware, brotli at quality 4) for bodies
 * of 1 KB and more: the GraphiQL page (~9 MB) and large results. Event streams are left alone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function withCompression(handler: Handler): Handler {
  const compress = compression({
    threshold: 1024,
    filter: (req, res) =>
      !String(res.getHeader('content-type') ?? '').startsWith('text/event-stream') &&
      compression.filter(req, res),
  });
  return (req, res) => compress(req as never, res as never, () => handler(req, res));
}
