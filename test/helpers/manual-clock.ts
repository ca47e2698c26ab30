/**
 * A clock whose time moves only when a test says so: `advance(ms)` runs, in order, every timer
 * that falls due on the way (each at its own time), then stops at the target. Timers scheduled
 * by what runs (after an await) count from the time reached by then.
 */
import type { LiveClock } from '../../src/live/types.ts';

export interface ManualClock extends LiveClock {
  advance(ms: number): void;
  /** Timers waiting to run. */
  pending(): number;
}

export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let first: [number, { due: number; fn: () => void }] | undefined;
        for (const entry of timers) if (!first || entry[1].due < first[1].due) first = entry;
        if (!first || first[1].due > target) break;
        timers.delete(first[0]);
        now = first[1].due;
        first[1].fn();
      }
      now = target;
    },
    pending: () => timers.size,
  };
}
