/**
 * One fake upstream on node:http: routes from a FakeService, then latency, faults and the ledger
 * from its ControlState, plus the HTTP control routes under /__fake/ (never in the ledger).
 * close() destroys open sockets and clears timers, so hanging and slow responses end cleanly.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ControlState } from './control.ts';
import { handleControlRoute } from './control-routes.ts';
import { applyFault } from './faults.ts';
import { renderBody } from './http-utils.ts';
import { ledgerEntry, readRequest } from './request.ts';
import type { FakeResponse, FakeService, LedgerEntry, RunningFake } from './types.ts';

export interface ServerOptions {
  host: string;
  port: number;
  /** Origin for absolute URLs; default `http://<Host header>`. */
  publicUrl?: string;
}

export async function startFakeServer(
  service: FakeService,
  control: ControlState,
  options: ServerOptions,
): Promise<RunningFake> {
  const timers = createTimers();
  const serving: Serving = { service, control, options, later: timers.later };
  const server = createServer((req, res) => {
    handleRequest(serving, req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('fake server error');
      }
    });
  });
  const sockets = trackSockets(server);
  control.onReset(() => service.reset());
  const port = await listen(server, options.port, options.host);
  options.port = port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** What every request of one fake server is handled with. */
interface Serving {
  service: FakeService;
  control: ControlState;
  options: ServerOptions;
  /** Runs `fn` after `ms` unless the server closes first. */
  later(ms: number, fn: () => void): void;
}

async function handleRequest(serving: Serving, req: IncomingMessage, res: ServerResponse) {
  const { service, control } = serving;
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
  const request = await readRequest(req, url, method, serving.options);
  const match = service.match(request);
  const entry = ledgerEntry(request, match?.route ?? 'unknown');
  control.record(entry);
  await respond(serving, res, entry, () => (match ? match.handle() : service.notFound(request)));
}

/** The control's latency, then the route's response or the fault it picked for this request. */
async function respond(
  serving: Serving,
  res: ServerResponse,
  entry: LedgerEntry,
  route: () => FakeResponse,
): Promise<void> {
  const { control, later } = serving;
  let aborted = false;
  res.on('close', () => {
    if (!res.writableFinished && !aborted) entry.closedEarly = true;
  });
  // The route runs at most once per request, whatever fault follows: a write applies once.
  const produce = once(route);
  const delay = control.delayMs();
  if (delay > 0) {
    await new Promise<void>((resolve) => later(delay, resolve));
    if (res.destroyed) return;
  }
  const fault = control.pickFault(entry.route, entry.method);
  if (!fault) {
    send(res, entry, produce());
    return;
  }
  // The upstream did its work (a write took effect) before the fault spoils the answer.
  if (fault.afterHandler) produce();
  applyFault(fault, {
    service: serving.service.name,
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
}

function send(res: ServerResponse, entry: LedgerEntry | null, response: FakeResponse): void {
  if (res.destroyed || res.headersSent) return;
  const { text, contentType } = renderBody(response);
  if (entry) entry.status = response.status;
  res.writeHead(response.status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...response.headers,
  });
  res.end(text);
}

function once<T>(fn: () => T): () => T {
  let result: { value: T } | undefined;
  return () => {
    result ??= { value: fn() };
    return result.value;
  };
}

/** Timers for delays and slow bodies; `clear` cancels those still pending (close). */
function createTimers() {
  const pending = new Set<NodeJS.Timeout>();
  return {
    later(ms: number, fn: () => void): void {
      const timer = setTimeout(() => {
        pending.delete(timer);
        fn();
      }, ms);
      pending.add(timer);
    },
    clear(): void {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}

/** The open sockets, for close() to destroy (hanging responses keep theirs open). */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Binds `port` (0: any free one) on `host`; resolves with the bound port. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
