/**
 * One call per key at a time in this process: a caller asking for a key whose call is in flight
 * joins it instead of starting another. A call leaves the table when it settles, or earlier when
 * `forget` drops it (an eviction: a read after a write must not join a call that started before
 * the write).
 */
export interface Flight<T> {
  promise: Promise<T>;
  /** True when this caller joined a call another caller started. */
  joined: boolean;
}

export interface SingleFlight<T> {
  run(key: string, start: () => Promise<T>): Flight<T>;
  has(key: string): boolean;
  /** Later callers of the keys `drop` selects start their own call; calls in flight go on. */
  forget(drop: (key: string) => boolean): void;
}

export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Promise<T>>();
  return {
    run(key, start) {
      const existing = flights.get(key);
      if (existing) return { promise: existing, joined: true };
      const promise = start();
      flights.set(key, promise);
      const leave = () => {
        if (flights.get(key) === promise) flights.delete(key);
      };
      promise.then(leave, leave);
      return { promise, joined: false };
    },
    has: (key) => flights.has(key),
    forget(drop) {
      for (const key of [...flights.keys()]) if (drop(key)) flights.delete(key);
    },
  };
}
