/**
 * A node:http request as the fake services see it (FakeRequest: flat headers, the body as text,
 * the origin for absolute URLs) and the ledger entry that records it.
 */
import type { IncomingMessage } from 'node:http';
import { queryRecord } from './http-utils.ts';
import type { FakeRequest, LedgerEntry } from './types.ts';

/** Where the fake server listens; `publicUrl` overrides the origin of absolute URLs. */
export interface RequestOrigin {
  host: string;
  port: number;
  publicUrl?: string;
}

export async function readRequest(
  req: IncomingMessage,
  url: URL,
  method: string,
  options: RequestOrigin,
): Promise<FakeRequest> {
  const headers = flatHeaders(req);
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  if (body === undefined) req.resume();
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    origin: options.publicUrl ?? `http://${headers.host ?? `${options.host}:${options.port}`}`,
    ...(body ? { body } : {}),
  };
}

/** What the ledger keeps of a request (its status is filled in when it is answered). */
export function ledgerEntry(request: FakeRequest, route: string): LedgerEntry {
  return {
    route,
    method: request.method,
    path: request.path,
    query: queryRecord(request.query),
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
    status: 0,
    startedAt: Date.now(),
    closedEarly: false,
  };
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as text (at most 1 MiB; the rest is discarded), or undefined when empty. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
