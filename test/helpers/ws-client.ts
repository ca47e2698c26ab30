/**
 * A graphql-ws (`graphql-transport-ws`) client on the `ws` package for tests: one operation's
 * results in order, whether it completed, and its error if it failed as a whole.
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

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
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  let complete = false;
  let failure: unknown;
  let over = false;
  let cancel = () => {};
  const ended = new Promise<void>((resolve) => {
    cancel = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          events.push(value as Record<string, unknown>);
          wake();
        },
        complete: () => {
          complete = true;
          over = true;
          wake();
          resolve();
        },
        error: (error) => {
          failure = error;
          over = true;
          wake();
          resolve();
        },
      },
    );
  });
  return {
    events,
    async received(count) {
      while (events.length < count && !over) await new Promise<void>((r) => waiters.push(r));
      return events;
    },
    ended,
    completed: () => complete,
    error: () => failure,
    async close() {
      cancel();
      await client.dispose();
    },
  };
}
