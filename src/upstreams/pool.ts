/**
 * One undici Pool per upstream origin: keep-alive, bounded connections (the bulkhead), connect,
 * headers and body timeouts, and a response size cap. Created by `createUpstreams` and injected.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Config } from '../config.ts';
import type { Cancellation } from './deadline.ts';

// undici by file: its index also loads fetch, WebSocket, the cache and their web APIs at start
// (~13 MB of RSS) that the gateway never uses.
const Pool: typeof Undici.Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js');
type Pool = Undici.Pool;

/** A whole HTTP exchange: status, headers and the body as text. */
export interface Exchange {
  statusCode: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A failed exchange: `headers` before the response started, `body` (with its status) after. */
export class ExchangeError extends Error {
  readonly phase: 'headers' | 'body';
  readonly status: number | undefined;
  override readonly cause: unknown;
  constructor(status: number | undefined, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.phase = status === undefined ? 'headers' : 'body';
    this.status = status;
    this.cause = cause;
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/** UTF-8 text of the chunks, without a byte-order mark (as undici's `body.text()`). */
function decode(chunks: Buffer[]): string {
  const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const start = BOM.every((b, i) => buffer[i] === b) ? 3 : 0;
  return buffer.toString('utf8', start);
}

/**
 * One request through `dispatcher.dispatch` with a handler that collects the body: no Readable
 * stream per response and no URL parsed (undici's `request` builds both; they were ~10% of a
 * small query's CPU). The pool's timeouts and response size cap still apply; `cancel` aborts.
 */
export function exchange(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.DispatchOptions,
  cancel: Cancellation,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const collector = new Collector(resolve, reject, cancel);
    if (cancel.aborted()) {
      collector.fail(cancel.reason());
      return;
    }
    collector.unsubscribe = cancel.onAbort((reason) => collector.abort(reason));
    try {
      dispatcher.dispatch(options, collector);
    } catch (error) {
      collector.fail(error);
    }
  });
}

/** The dispatch handler of one exchange: one object a call (its methods were a closure each). */
class Collector implements Undici.Dispatcher.DispatchHandler {
  private controller: Undici.Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private done = false;
  unsubscribe: (() => void) | undefined;
  private readonly resolve: (exchange: Exchange) => void;
  private readonly reject: (error: ExchangeError) => void;
  private readonly cancel: Cancellation;

  constructor(
    resolve: (exchange: Exchange) => void,
    reject: (error: ExchangeError) => void,
    cancel: Cancellation,
  ) {
    this.resolve = resolve;
    this.reject = reject;
    this.cancel = cancel;
  }

  abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason as Error);
    else this.fail(reason);
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.finish();
    this.reject(new ExchangeError(this.statusCode || undefined, error));
  }

  private finish(): void {
    this.done = true;
    this.unsubscribe?.();
  }

  onRequestStart(controller: Undici.Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) controller.abort(this.cancel.reason() as Error);
  }

  onResponseStart(
    _controller: Undici.Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (status < 200) return; // 1xx: the final response follows
    this.statusCode = status;
    this.headers = headers;
  }

  onResponseData(_controller: Undici.Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.finish();
    const { statusCode, headers, chunks } = this;
    this.resolve({ statusCode, headers, text: chunks.length ? decode(chunks) : '' });
  }

  onResponseError(_controller: Undici.Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }
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
