/**
 * One call per key at a time in this process: a caller asking for a key whose call is in flight
 * joins it instead of starting another, unless `joins` says that call is too old for it (it
 * started before a write this caller must see); then the caller's own call takes the key. A call
 * leaves the table when it settles, or earlier when `forget` drops it (a local eviction).
 */
export interface Flight<T> {
  promise: Promise<T>;
  /** True when this caller joined a call another caller started. */
  joined: boolean;
}

export interface SingleFlight<T, Tag> {
  /** `tag` describes the call `start` would make; `joins` decides from the running call's tag. */
  run(key: string, tag: Tag, start: () => Promise<T>, joins?: (running: Tag) => boolean): Flight<T>;
  has(key: string): boolean;
  /** Later callers of the keys `drop` selects start their own call; calls in flight go on. */
  forget(drop: (key: string) => boolean): void;
}

export function createSingleFlight<T, Tag>(): SingleFlight<T, Tag> {
  const flights = new Map<string, { promise: Promise<T>; tag: Tag }>();
  return {
    run(key, tag, start, joins) {
      const existing = flights.get(key);
      if (existing && (!joins || joins(existing.tag))) {
        return { promise: existing.promise, joined: true };
      }
      const promise = start();
      const flight = { promise, tag };
      flights.set(key, flight);
      const leave = () => {
        if (flights.get(key) === flight) flights.delete(key);
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
