/**
 * One undici Pool per upstream origin: keep-alive, bounded connections (the bulkhead), connect,
 * headers and body timeouts, and a response size cap. Created by `createUpstreams` and injected.
 */
import { Pool } from 'undici';
import type { Config } from '../config.ts';

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
