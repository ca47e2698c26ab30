/**
 * When a result has been delivered. A query answers with one result or, with @defer/@stream, with
 * an incremental result: an async iterable whose payloads yoga writes one by one (multipart/mixed
 * or SSE) while the deferred parts still run. What a request holds for its whole run (its
 * admission slot, its client's reserved calls, its deadline and access-log line) ends when the
 * last payload has gone, the reader stopped early, delivery failed, or the client went away:
 * never at the first payload.
 */
import { isAsyncIterable, mapAsyncIterator } from 'graphql-yoga';

/** What envelop's `onExecuteDone` hands a plugin. */
export interface ExecuteDone {
  result: unknown;
  setResult(result: never): void;
}

/**
 * For an `onExecuteDone` hook: `release` now for a single result, after the last payload for an
 * incremental one (the result is wrapped to notice its end).
 */
export function releaseWhenDelivered(payload: ExecuteDone, release: () => void): void {
  if (!isAsyncIterable(payload.result)) {
    release();
    return;
  }
  payload.setResult(afterLast(payload.result, (value) => value, release) as never);
}

/**
 * `source`'s values mapped by `map`; `done` runs once, when the source ends, the reader closes it
 * early (`return`), or reading or mapping fails.
 */
export function afterLast<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U,
  done: () => void,
): AsyncIterableIterator<U> {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    done();
  };
  const fail = (error: unknown): never => {
    end();
    throw error;
  };
  const mapOrFail = (value: T): U => {
    try {
      return map(value);
    } catch (error) {
      return fail(error);
    }
  };
  return mapAsyncIterator(source, mapOrFail, fail, end);
}

export interface Delivery<U> {
  /** The payloads for yoga's result processor. */
  payloads: AsyncIterableIterator<U>;
  /** Settles once the stream has ended, whichever way. */
  ended: Promise<void>;
  /** Ends the stream now: nobody will read it. */
  close(): void;
}

/**
 * An incremental result on its way to the client: each payload through `clean`, and closed at once
 * when `clientSignal` aborts (the client went away: yoga's writer may never pull again, so
 * waiting for it would hold everything until the process ends).
 */
export function deliver<T, U>(
  source: AsyncIterable<T>,
  clean: (payload: T) => U,
  clientSignal: AbortSignal | undefined,
): Delivery<U> {
  let settle: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const close = () => {
    payloads.return?.().catch(() => undefined);
  };
  const payloads = afterLast(source, clean, () => {
    clientSignal?.removeEventListener('abort', close);
    settle();
  });
  if (clientSignal?.aborted) close();
  else clientSignal?.addEventListener('abort', close, { once: true });
  return { payloads, ended, close };
}
