/**
 * One graphql-ws operation as the HTTP door serves it: the message's payload is POSTed to the
 * gateway's own `fetch` with `Accept: text/event-stream` and the connection's credential and
 * address, so a WebSocket operation passes the very same plugins as an HTTP one (cost, per-client
 * limits, admission, masking, subscriptions' stream limits). The answer's `next` events are the
 * operation's results; an answer that is not a stream (a refusal) is its one result. Returning
 * early (the client's `complete`, a disconnect) aborts the request, which frees its watchers.
 */
import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from './graphql.ts';

export interface BridgeInput {
  payload: unknown;
  authorization: string | undefined;
  upgrade: IncomingMessage;
  endpoint: string;
}

export type FetchLike = (
  request: Request,
  serverContext: { req: IncomingMessage },
) => Response | Promise<Response>;

/**
 * The results as an iterator whose `return()` aborts at once: a generator's own `return()` would
 * wait until it next yields, which for a quiet stream may be never.
 */
export function forwardOperation(
  fetchFn: FetchLike,
  input: BridgeInput,
): AsyncGenerator<ExecutionResult> {
  const controller = new AbortController();
  const inner = results(fetchFn, input, controller);
  const outer: AsyncGenerator<ExecutionResult> = {
    next: () => inner.next(),
    return: (value) => {
      controller.abort();
      return inner.return(value);
    },
    throw: (error) => {
      controller.abort();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]: () => outer,
    [Symbol.asyncDispose]: async () => {
      controller.abort();
    },
  };
  return outer;
}

async function* results(
  fetchFn: FetchLike,
  input: BridgeInput,
  controller: AbortController,
): AsyncGenerator<ExecutionResult> {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: 'text/event-stream',
  });
  if (input.authorization) headers.set('authorization', input.authorization);
  const forwarded = input.upgrade.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') headers.set('x-forwarded-for', forwarded);
  const request = new Request(`http://gateway.internal${input.endpoint}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(input.payload),
    signal: controller.signal,
  });
  const response = await fetchFn(request, { req: input.upgrade });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  controller.signal.addEventListener('abort', () => void reader?.cancel().catch(() => {}));
  try {
    if (!reader) return;
    if (!response.headers.get('content-type')?.includes('text/event-stream')) {
      yield JSON.parse(await readAll(reader)) as ExecutionResult;
      return;
    }
    yield* sseResults(reader);
  } finally {
    controller.abort();
    await reader?.cancel().catch(() => {});
  }
}

async function readAll(reader: ReadableStreamDefaultReader<string>): Promise<string> {
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += value;
  }
}

/** `event: next` / `data: {...}` blocks until `event: complete`; comments are keep-alive pings. */
async function* sseResults(
  reader: ReadableStreamDefaultReader<string>,
): AsyncGenerator<ExecutionResult> {
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      if (event === 'complete') return;
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (event === 'next' && data) yield JSON.parse(data) as ExecutionResult;
    }
  }
}
