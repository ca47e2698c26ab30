/**
 * One undici Pool per upstream origin: keep-alive, bounded connections (the bulkhead), connect,
 * headers and body timeouts, and a response size cap. Created by `createUpstreams` and injected.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Config } from '../config.ts';

// undici by file: its index also loads fetch, WebSocket, the cache and their web APIs at start
// (~13 MB of RSS) that the gateway never uses. The index is also what puts `request` on
// Dispatcher.prototype, so requests go through `dispatchRequest`.
const require = createRequire(import.meta.url);
const Pool: typeof Undici.Pool = require('undici/lib/dispatcher/pool.js');
type Pool = Undici.Pool;
const apiRequest: Undici.Dispatcher['request'] = require('undici/lib/api/api-request.js');

/** `dispatcher.request(options)` on any dispatcher: origin and path, no URL parsed. */
export function dispatchRequest(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  return apiRequest.call(dispatcher, options) as Promise<Undici.Dispatcher.ResponseData>;
}

export function createPool(baseUrl: string, config: Config): Pool {
  const { upstream } = config;
  return new Pool(new URL(baseUrl).origin, {
    connections: upstream.connections,
    connect: { timeout: upstream.connectTimeoutMs },
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
    maxResponseSize: upstream.maxResponseBytes,
    keepAliveTimeout: 4_000,
    // undici 8 negotiates HTTP/2 over TLS by default; one request per connection keeps
    // `connections` a real bulkhead.
    allowH2: false,
  });
}
