/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the graphql-ws library on the `ws` package) on
 * the HTTP server's own port and path. Every operation runs through the HTTP door
 * (./websocket-bridge.ts). The credential is `connectionParams.authorization`, else the upgrade
 * request's `Authorization` header. Keep-alive pings every SUBSCRIPTION_KEEPALIVE_MS; a client
 * that stops answering is dropped, which ends its operations and frees their watchers.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from '../config.ts';
import { schema } from '../schema/index.ts';
import { parse } from './graphql.ts';
import { type FetchLike, forwardOperation } from './websocket-bridge.ts';

/** A credential longer than this is not a DRF token: it is ignored. */
const MAX_AUTHORIZATION = 1024;
/** How long shutdown waits for operations to send their `complete` before closing sockets. */
const CLOSE_WAIT_MS = 1000;
/** Any one-operation document: the bridge, not graphql-ws, parses and runs the real one. */
const CARRIER = parse('subscription Carrier { __typename }');

export interface WebSocketDoor {
  /** Closes every connection (1001 Going Away) and stops accepting. */
  close(): Promise<void>;
}

function credentialOf(params: unknown, upgrade: IncomingMessage): string | undefined {
  const given = (params as Record<string, unknown> | undefined | null) ?? {};
  const value = given.authorization ?? given.Authorization ?? upgrade.headers.authorization;
  return typeof value === 'string' && value.length <= MAX_AUTHORIZATION ? value : undefined;
}

export function attachWebSocket(
  server: Server,
  gateway: FetchLike,
  config: Config,
  endpoint = '/graphql',
): WebSocketDoor {
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes });
  // Operations running: on close they end first (the hub completes them), then the sockets go.
  const running = new Set<Promise<void>>();
  const forward = (context: unknown) => {
    const operation = forwardOperation(gateway, { ...bridgeInput(context), endpoint });
    const { promise, resolve } = Promise.withResolvers<void>();
    running.add(promise);
    void promise.then(() => running.delete(promise));
    return tracked(operation, resolve);
  };
  const disposable = useServer(
    {
      isProd: true,
      onSubscribe: (ctx, _id, payload) => ({
        schema,
        document: CARRIER,
        contextValue: {
          payload,
          authorization: credentialOf(ctx.connectionParams, ctx.extra.request),
          upgrade: ctx.extra.request,
        },
      }),
      subscribe: (args) => forward(args.contextValue),
      // Results come formatted (and masked) from the HTTP door: sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result,
      execute: (args) => forward(args.contextValue),
    },
    wss,
    config.live.keepAliveMs,
  );
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== endpoint) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  return {
    async close() {
      server.off('upgrade', onUpgrade);
      const ended = Promise.all(running);
      await Promise.race([ended, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
      // graphql-ws sends `complete` right after an operation's results end.
      await new Promise((r) => setImmediate(r));
      for (const client of wss.clients) client.close(1001, 'Going away');
      await disposable.dispose();
    },
  };
}

function bridgeInput(context: unknown) {
  return context as {
    payload: unknown;
    authorization: string | undefined;
    upgrade: IncomingMessage;
  };
}

/** The operation, calling `done` once when its results end however they end. */
function tracked<T>(operation: AsyncGenerator<T>, done: () => void): AsyncGenerator<T> {
  const wrapped: AsyncGenerator<T> = {
    async next() {
      try {
        const result = await operation.next();
        if (result.done) done();
        return result;
      } catch (error) {
        done();
        throw error;
      }
    },
    return: (value) => {
      done();
      return operation.return(value);
    },
    throw: (error) => {
      done();
      return operation.throw(error);
    },
    [Symbol.asyncIterator]: () => wrapped,
    [Symbol.asyncDispose]: async () => done(),
  };
  return wrapped;
}
