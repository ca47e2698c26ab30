/**
 * A graphql-ws (`graphql-transport-ws`) client on the `ws` package for tests: one operation's
 * results in order, whether it completed, and its error if it failed as a whole.
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createEventLog } from './event-log.ts';

export interface WsOperation {
  events: Record<string, unknown>[];
  received(count: number): Promise<Record<string, unknown>[]>;
  /** Settles when the operation completes or fails. */
  ended: Promise<void>;
  completed(): boolean;
  error(): unknown;
  /** Completes the operation from the client side and closes the socket. */
  close(): Promise<void>;
}

export function openWs(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  connectionParams: Record<string, string> = {},
): WsOperation {
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
  const log = createEventLog();
  let complete = false;
  let failure: unknown;
  let cancel = () => {};
  const ended = new Promise<void>((resolve) => {
    cancel = client.subscribe(
      { query, variables },
      {
        next: (value) => log.push(value as Record<string, unknown>),
        complete: () => {
          complete = true;
          log.finish();
          resolve();
        },
        error: (error) => {
          failure = error;
          log.finish();
          resolve();
        },
      },
    );
  });
  return {
    events: log.events,
    received: log.received,
    ended,
    completed: () => complete,
    error: () => failure,
    async close() {
      cancel();
      await client.dispose();
    },
  };
}
