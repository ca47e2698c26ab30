/**
 * A GraphQL-over-SSE client on a real socket (`Accept: text/event-stream`, "distinct
 * connections" mode as graphql-yoga serves it): each `next` event's JSON in order, and whether
 * a `complete` came. `close()` drops the connection as a browser tab would.
 */
import { createEventLog } from './event-log.ts';

export interface SseStream {
  /** The `next` payloads received so far. */
  events: Record<string, unknown>[];
  /** Resolves once `count` payloads have arrived (or the stream ended first). */
  received(count: number): Promise<Record<string, unknown>[]>;
  /** Resolves when the server completes the stream or the connection ends. */
  ended: Promise<void>;
  completed(): boolean;
  close(): void;
}

export async function openSse(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const log = createEventLog();
  let complete = false;
  const read = async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'next' && data) log.push(JSON.parse(data));
          if (event === 'complete') complete = true;
          log.wake();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      log.wake();
    }
  };
  const ended = read();
  void ended.then(log.finish);
  return {
    events: log.events,
    received: log.received,
    ended,
    completed: () => complete,
    close: () => controller.abort(),
  };
}
