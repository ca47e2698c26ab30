/**
 * One node:http listener as the gateway runs it (the GraphQL port, and SUBGRAPH_PORT when set):
 * header and request timeouts, the HTTP-level guard (http-guard.ts), `Connection: close` once
 * shutdown began, and a close that ends idle keep-alive sockets at once and busy ones after
 * their response.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerClientErrors, guardTargets, type Handler, type Rejection } from './http-guard.ts';

export type { Handler } from './http-guard.ts';

export interface Listener {
  server: Server;
  /** Binds `port` on `host`; resolves with the URL a client on this machine would use. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops accepting and waits for in-flight requests; after `timeoutMs` the remaining
   * connections are cut (`onTimeout` gets how many were open).
   */
  close(timeoutMs: number, onTimeout: (open: number) => void): Promise<void>;
}

export function createListener(
  handler: Handler,
  options: {
    requestTimeoutMs: number;
    isShuttingDown: () => boolean;
    reject: (rejection: Rejection) => void;
  },
): Listener {
  const server = createServer({
    maxHeaderSize: 16 * 1024,
    // Node requires headersTimeout ≤ requestTimeout.
    headersTimeout: Math.min(10_000, options.requestTimeoutMs + 5_000),
    requestTimeout: options.requestTimeoutMs + 5_000,
    keepAliveTimeout: 5_000,
  });
  // Requests in flight per open socket, and what waits for them to be answered.
  const active = new Map<Socket, number>();
  const waiting = new Map<Socket, () => void>();
  server.on('connection', (socket) => {
    active.set(socket, 0);
    socket.on('close', () => {
      active.delete(socket);
      waiting.delete(socket);
    });
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    res.on('finish', () => {
      if (!active.has(socket)) return;
      const left = (active.get(socket) ?? 1) - 1;
      active.set(socket, left);
      if (left > 0) return;
      const next = waiting.get(socket);
      waiting.delete(socket);
      if (next) next();
      else if (options.isShuttingDown()) socket.end();
    });
    // Runs before the gateway answers: /ready may respond synchronously during the delay.
    if (options.isShuttingDown()) res.setHeader('connection', 'close');
  });
  server.on('request', guardTargets(handler, options.reject));
  answerClientErrors(server, {
    whenIdle: (socket, answer) => {
      if ((active.get(socket as Socket) ?? 0) > 0) waiting.set(socket as Socket, answer);
      else answer();
    },
    reject: options.reject,
  });

  return {
    server,
    listen: async (port, host) => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return urlOf(server);
    },
    close: async (timeoutMs, onTimeout) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold server.close() open; busy ones end after their response.
      for (const [socket, inFlight] of active) if (inFlight === 0) socket.end();
      const timer = setTimeout(() => {
        onTimeout(active.size);
        server.closeAllConnections();
      }, timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** `http://127.0.0.1:<port>` for a wildcard bind, the bound address otherwise. */
export function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
}
