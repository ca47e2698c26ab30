/**
 * One undici Pool per upstream origin: keep-alive, bounded connections (the bulkhead), connect,
 * headers and body timeouts, and a response size cap. Created by `createUpstreams` and injected.
 */
import { type Dispatcher, Pool } from 'undici';
import type { Config } from '../config.ts';

export function createPool(baseUrl: string, config: Config): Dispatcher {
  const { upstream } = config;
  return new Pool(new URL(baseUrl).origin, {
    connections: upstream.connections,
    connect: { timeout: upstream.connectTimeoutMs },
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
    maxResponseSize: upstream.maxResponseBytes,
    keepAliveTimeout: 4_000,
  });
}
