/**
 * When a stream of payloads has ended (src/server/delivery.ts), whichever way it ends: the last
 * payload read, the reader stopping early, reading or mapping failing, or the client leaving. What
 * a request holds is given back exactly once.
 */
import { describe, expect, it } from 'vitest';
import { afterLast, deliver, releaseWhenDelivered } from '../../src/server/delivery.ts';

/** Yields 1, 2, 3, or fails after 1 when `fail`; records whether it was closed early. */
function source(fail = false) {
  const seen = { closed: false };
  async function* values() {
    try {
      yield 1;
      if (fail) throw new Error('upstream gone');
      yield 2;
      yield 3;
    } finally {
      seen.closed = true;
    }
  }
  return { iterable: values(), seen };
}

async function drain(iterator: AsyncIterableIterator<unknown>) {
  const out: unknown[] = [];
  for await (const value of iterator) out.push(value);
  return out;
}

describe('afterLast', () => {
  it('runs done once, after the last value', async () => {
    let done = 0;
    const { iterable } = source();
    const mapped = afterLast(
      iterable,
      (v) => v * 10,
      () => void done++,
    );
    expect(await mapped.next()).toEqual({ value: 10, done: false });
    expect(done).toBe(0);
    expect(await drain(mapped)).toEqual([20, 30]);
    expect(done).toBe(1);
    await mapped.return?.();
    expect(done).toBe(1);
  });

  it('runs done when the reader stops early, and closes the source', async () => {
    let done = 0;
    const { iterable, seen } = source();
    const mapped = afterLast(
      iterable,
      (v) => v,
      () => void done++,
    );
    await mapped.next();
    await mapped.return?.();
    expect([done, seen.closed]).toEqual([1, true]);
  });

  it('runs done when reading fails, or mapping does', async () => {
    let done = 0;
    const failing = afterLast(
      source(true).iterable,
      (v) => v,
      () => void done++,
    );
    await expect(drain(failing)).rejects.toThrow('upstream gone');
    expect(done).toBe(1);
    const { iterable, seen } = source();
    const bad = afterLast(
      iterable,
      () => {
        throw new Error('cannot clean');
      },
      () => void done++,
    );
    await expect(bad.next()).rejects.toThrow('cannot clean');
    expect([done, seen.closed]).toEqual([2, true]);
  });
});

describe('releaseWhenDelivered', () => {
  it('releases a single result at once, an incremental one after its last payload', async () => {
    let released = 0;
    releaseWhenDelivered({ result: { data: {} }, setResult: () => {} }, () => void released++);
    expect(released).toBe(1);
    let wrapped: AsyncIterableIterator<unknown> | undefined;
    releaseWhenDelivered(
      {
        result: source().iterable,
        setResult: (r) => {
          wrapped = r;
        },
      },
      () => void released++,
    );
    expect(released).toBe(1);
    expect(await drain(wrapped as AsyncIterableIterator<unknown>)).toEqual([1, 2, 3]);
    expect(released).toBe(2);
  });
});

describe('deliver', () => {
  it('ends when the client leaves, even if nothing reads again', async () => {
    const leave = new AbortController();
    const { iterable, seen } = source();
    const delivery = deliver(iterable, (v) => v, leave.signal);
    await delivery.payloads.next();
    leave.abort();
    await delivery.ended;
    expect(seen.closed).toBe(true);
  });

  it('ends on close(), and at once for a client already gone', async () => {
    const first = deliver(source().iterable, (v) => v, undefined);
    first.close();
    await first.ended;
    const { iterable } = source();
    await deliver(iterable, (v) => v, AbortSignal.abort()).ended;
    // Closed before it started: it never runs.
    expect(await iterable.next()).toEqual({ value: undefined, done: true });
  });
});
