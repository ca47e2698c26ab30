/**
 * One fake upstream on node:http: routes from a FakeService, then latency, faults and the ledger
 * from its ControlState, plus the HTTP control routes under /__fake/ (never in the ledger).
 * close() destroys open sockets and clears timers, so hanging and slow responses end cleanly.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ControlState } from './control.ts';
import { handleControlRoute } from './control-routes.ts';
import { applyFault } from './faults.ts';
import { queryRecord, renderBody } from './http-utils.ts';
import type { FakeRequest, FakeResponse, FakeService, LedgerEntry, RunningFake } from './types.ts';

export interface ServerOptions {
  host: string;
  port: number;
  /** Origin for absolute URLs; default `http://<Host header>`. */
  publicUrl?: string;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
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

export async function startFakeServer(
  service: FakeService,
  control: ControlState,
  options: ServerOptions,
): Promise<RunningFake> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const send = (res: ServerResponse, entry: LedgerEntry | null, response: FakeResponse) => {
    if (res.destroyed || res.headersSent) return;
    const { text, contentType } = renderBody(response);
    if (entry) entry.status = response.status;
    res.writeHead(response.status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      ...response.headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/__fake/')) {
      await handleControlRoute(
        req,
        method,
        url,
        control,
        (r) => send(res, null, r),
        service.control?.bind(service),
      );
      return;
    }
    const headers = flatHeaders(req);
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    if (body === undefined) req.resume();
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      origin: options.publicUrl ?? `http://${headers.host ?? `${options.host}:${options.port}`}`,
      ...(body ? { body } : {}),
    };
    const match = service.match(request);
    const entry: LedgerEntry = {
      route: match?.route ?? 'unknown',
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers,
      ...(body ? { body } : {}),
      status: 0,
      startedAt: Date.now(),
      closedEarly: false,
    };
    control.record(entry);
    let aborted = false;
    res.on('close', () => {
      if (!res.writableFinished && !aborted) entry.closedEarly = true;
    });
    // The route runs at most once per request, whatever fault follows: a write applies once.
    let produced: FakeResponse | undefined;
    const produce = () => {
      produced ??= match ? match.handle() : service.notFound(request);
      return produced;
    };
    const delay = control.delayMs();
    if (delay > 0) {
      await new Promise<void>((resolve) => later(delay, resolve));
      if (res.destroyed) return;
    }
    const fault = control.pickFault(entry.route, method);
    if (!fault) {
      send(res, entry, produce());
      return;
    }
    // The upstream did its work (a write took effect) before the fault spoils the answer.
    if (fault.afterHandler) produce();
    applyFault(fault, {
      service: service.name,
      res,
      entry,
      produce,
      send: (response) => send(res, entry, response),
      later,
      markAborted: () => {
        aborted = true;
      },
      requestId: () => `req_${randomBytes(6).toString('hex')}`,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('fake server error');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  control.onReset(() => service.reset());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.port = port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
