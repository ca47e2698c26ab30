/**
 * Wickson fake: X-Api-Key auth, hourly budget, success envelope,
 * nested error bodies with a request id, rate-limit headers on every response.
 */
import { type Dataset, WICKSON_NO_READ_KEY } from '../dataset.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { wicksonError } from './errors.ts';
import { createRateLimiter } from './rate-limit.ts';
import { getCollection, getMedia, listCollections, listMedia } from './routes.ts';

export interface WicksonServiceOptions {
  apiKey: string;
  hourlyLimit: number;
}

type Handler = (req: FakeRequest, dataset: Dataset, id: string) => FakeResponse;

const ROUTES: [RegExp, string, Handler][] = [
  [/^\/v1\/media\/collections$/, 'collections.list', listCollections],
  [/^\/v1\/media\/collections\/([^/]+)$/, 'collections.detail', getCollection],
  [/^\/v1\/media$/, 'media.list', listMedia],
  [/^\/v1\/media\/([^/]+)$/, 'media.detail', getMedia],
];

export function createWicksonService(
  dataset: Dataset,
  options: WicksonServiceOptions,
): FakeService {
  const limiter = createRateLimiter(options.hourlyLimit);
  const keys = new Set([options.apiKey, WICKSON_NO_READ_KEY]);

  const guarded = (req: FakeRequest, inner: () => FakeResponse): FakeResponse => {
    const key = req.headers['x-api-key'] ?? null;
    if (key === null || !keys.has(key)) {
      const response = wicksonError(401, 'INVALID_API_KEY', 'Invalid or missing API key');
      return { ...response, headers: limiter.peek(null) };
    }
    const { allowed, headers } = limiter.take(key);
    let response: FakeResponse;
    if (!allowed) {
      response = wicksonError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded', {
        limit: options.hourlyLimit,
        reset_time: Number(headers['X-RateLimit-Reset']),
      });
    } else if (key === WICKSON_NO_READ_KEY) {
      response = wicksonError(403, 'INSUFFICIENT_PERMISSIONS', 'API key lacks read capability', {
        required: 'read',
      });
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      response = wicksonError(
        405,
        'METHOD_NOT_ALLOWED',
        `Method ${req.method} is not allowed on ${req.path}`,
      );
    } else {
      response = inner();
    }
    return { ...response, headers: { ...response.headers, ...headers } };
  };

  return {
    name: 'wickson',
    routes: ROUTES.map(([, route]) => route),
    match(req) {
      const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
      for (const [pattern, route, handler] of ROUTES) {
        const m = pattern.exec(path);
        if (m) {
          const id = m[1] === undefined ? '' : decodeURIComponent(m[1]);
          return { route, handle: () => guarded(req, () => handler(req, dataset, id)) };
        }
      }
      return null;
    },
    notFound: (req) =>
      guarded(req, () => wicksonError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`)),
    reset: () => limiter.reset(),
  };
}
