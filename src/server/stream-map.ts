/**
 * Maps each value of an async stream, forwarding `return()` at once: a generator wrapping it
 * would only see `return()` at its next yield, which for a quiet subscription may be never.
 */
export function mapStream<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U,
): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<U> = {
    async next() {
      const result = await iterator.next();
      return result.done ? result : { done: false, value: map(result.value) };
    },
    async return(value?: unknown) {
      await iterator.return?.(value as T);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
