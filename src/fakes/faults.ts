/**
 * Applies one FaultSpec to a request (`FaultSpec` in types.ts). Faults run before normal handling;
 * `produce` runs the route at most once per request, so a write a fault spoils applies once.
 */
import type { ServerResponse } from 'node:http';
import { djangoPage, djangoRunsView } from './django-pages.ts';
import { djangoHtml, renderBody } from './http-utils.ts';
import type { FakeResponse, FaultSpec, LedgerEntry } from './types.ts';

export interface FaultContext {
  service: 'beluga' | 'wickson';
  res: ServerResponse;
  entry: LedgerEntry;
  produce(): FakeResponse;
  send(response: FakeResponse): void;
  later(ms: number, fn: () => void): void;
  /** The server, not the client, is about to cut the connection. */
  markAborted(): void;
  requestId(): string;
}

/** An injected detail 404 reads as the id's absence, as the real detail routes answer it. */
function notFoundCode(route: string): string {
  if (route === 'collections.detail') return 'COLLECTION_NOT_FOUND';
  if (route === 'media.detail') return 'MEDIA_NOT_FOUND';
  return 'NOT_FOUND';
}

function defaultBody(ctx: FaultContext, status: number): FakeResponse {
  if (ctx.service === 'wickson') {
    const code =
      status === 401
        ? 'INVALID_API_KEY'
        : status === 403
          ? 'INSUFFICIENT_PERMISSIONS'
          : status === 404
            ? notFoundCode(ctx.entry.route)
            : status === 429
              ? 'RATE_LIMIT_EXCEEDED'
              : 'PROCESSING_ERROR';
    return {
      status,
      body: {
        success: false,
        message: `Injected error ${status}`,
        error: { code, details: { request_id: ctx.requestId() } },
      },
    };
  }
  if (status >= 500)
    return { status, raw: djangoHtml(status), contentType: 'text/html; charset=utf-8' };
  return { status, body: { detail: `Injected error ${status}.` } };
}

function rateLimited(
  ctx: FaultContext,
  spec: Extract<FaultSpec, { kind: 'rate-limit' }>,
): FakeResponse {
  const resetIn = spec.resetInSeconds ?? 60;
  const reset = Math.ceil(Date.now() / 1000) + resetIn;
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': '1000',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': String(reset),
    ...(spec.retryAfter !== undefined ? { 'Retry-After': spec.retryAfter } : {}),
  };
  if (ctx.service === 'beluga') {
    return {
      status: 429,
      headers,
      body: { detail: `Request was throttled. Expected available in ${resetIn} seconds.` },
    };
  }
  const requestId = ctx.requestId();
  const body =
    spec.shape === 'flat'
      ? {
          success: false,
          code: 'rate_limit_error',
          message: 'Rate limit exceeded',
          status_code: 429,
          details: { limit: 1000, remaining: 0, reset_time: reset, window_size: 3600 },
          request_id: requestId,
          suggestion: 'Please retry after the reset time',
        }
      : {
          success: false,
          message: 'Rate limit exceeded',
          error: {
            code: 'RATE_LIMIT_EXCEEDED',
            details: { limit: 1000, reset_time: reset, request_id: requestId },
          },
        };
  return { status: 429, headers, body };
}

function destroy(ctx: FaultContext): void {
  ctx.markAborted();
  const socket = ctx.res.socket;
  if (socket && 'resetAndDestroy' in socket && typeof socket.resetAndDestroy === 'function') {
    socket.resetAndDestroy();
  } else {
    socket?.destroy();
  }
}

function drip(ctx: FaultContext, response: FakeResponse, chunkDelayMs: number): void {
  const { text, contentType } = renderBody(response);
  const bytes = Buffer.from(text);
  const size = Math.max(64, Math.ceil(bytes.length / 20));
  ctx.entry.status = response.status;
  ctx.res.writeHead(response.status, {
    ...response.headers,
    'Content-Type': contentType,
    'Content-Length': bytes.length,
  });
  ctx.res.flushHeaders();
  let offset = 0;
  const step = () => {
    if (ctx.res.destroyed) return;
    const chunk = bytes.subarray(offset, offset + size);
    offset += chunk.length;
    if (offset >= bytes.length) ctx.res.end(chunk);
    else {
      ctx.res.write(chunk);
      ctx.later(chunkDelayMs, step);
    }
  };
  ctx.later(chunkDelayMs, step);
}

function huge(ctx: FaultContext, megabytes: number, lie?: number): void {
  const total = Math.max(16, Math.floor(megabytes * 1024 * 1024));
  const head = '{"count":0,"results":["';
  const tail = '"]}';
  const block = Buffer.alloc(64 * 1024, 'x');
  let remaining = total - head.length - tail.length;
  ctx.entry.status = 200;
  const socket = ctx.res.socket;
  const raw = lie !== undefined && socket !== null;
  const write = (chunk: Buffer | string): boolean =>
    raw ? socket!.write(chunk) : ctx.res.write(chunk);
  if (raw) {
    ctx.markAborted();
    socket!.write(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${lie}\r\nConnection: close\r\n\r\n`,
    );
  } else {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': total });
  }
  write(head);
  const pump = () => {
    while (remaining > 0) {
      if (raw ? socket!.destroyed : ctx.res.destroyed) return;
      const chunk = block.subarray(0, Math.min(block.length, remaining));
      remaining -= chunk.length;
      if (!write(chunk)) {
        (raw ? socket! : ctx.res).once('drain', pump);
        return;
      }
    }
    if (raw) socket!.end(tail);
    else ctx.res.end(tail);
  };
  pump();
}

export function applyFault(spec: FaultSpec, ctx: FaultContext): void {
  switch (spec.kind) {
    case 'status': {
      const base =
        spec.body === undefined
          ? defaultBody(ctx, spec.status)
          : typeof spec.body === 'string'
            ? { status: spec.status, raw: spec.body }
            : { status: spec.status, body: spec.body };
      ctx.send({ ...base, status: spec.status, headers: { ...base.headers, ...spec.headers } });
      return;
    }
    case 'rate-limit':
      ctx.send(rateLimited(ctx, spec));
      return;
    case 'hang':
      return;
    case 'reset':
      destroy(ctx);
      return;
    case 'malformed':
      ctx.send({
        status: 200,
        raw: spec.body ?? '{',
        contentType: spec.contentType ?? 'application/json',
      });
      return;
    case 'html': {
      const status = spec.status ?? 404;
      ctx.send({ status, raw: djangoHtml(status), contentType: 'text/html; charset=utf-8' });
      return;
    }
    case 'truncate': {
      const response = ctx.produce();
      const { text, contentType } = renderBody(response);
      const bytes = Buffer.from(text);
      ctx.entry.status = response.status;
      ctx.res.writeHead(response.status, {
        ...response.headers,
        'Content-Type': contentType,
        'Content-Length': bytes.length,
      });
      ctx.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => destroy(ctx));
      return;
    }
    case 'slow':
      drip(ctx, ctx.produce(), spec.chunkDelayMs);
      return;
    case 'huge':
      huge(ctx, spec.megabytes, spec.contentLengthLie);
      return;
    case 'redirect':
      ctx.send({ status: spec.status ?? 302, headers: { Location: spec.location }, raw: '' });
      return;
    case 'drift': {
      const response = ctx.produce();
      if (response.raw !== undefined || response.body === undefined) ctx.send(response);
      else ctx.send({ ...response, body: spec.mutate(structuredClone(response.body)) });
      return;
    }
    case 'django':
      if (djangoRunsView(spec.page)) ctx.produce();
      ctx.send(djangoPage(spec.page, ctx.entry));
      return;
    case 'hold': {
      const response = ctx.produce();
      spec.onHeld?.();
      const answer = () => ctx.send(response);
      spec.release.then(answer, answer);
      return;
    }
  }
}
