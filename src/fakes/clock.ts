/**
 * The fake Beluga's clock: the timestamps its writes set and the pace of the jobs it runs. It
 * follows the wall clock (or an injected `now`) plus whatever `advance` added; a manual clock
 * stands still between `advance` calls, so a test steps jobs through their states exactly.
 */
export interface FakeClock {
  /** Unix ms as the fake sees it. */
  now(): number;
  /** Moves the clock forward (ms ≥ 0) and lets running jobs catch up. */
  advance(ms: number): void;
  readonly manual: boolean;
  /** Called after each `advance`. */
  onAdvance(listener: () => void): void;
}

export function createFakeClock(options: { now?: () => number; manual?: boolean } = {}) {
  const base = options.now ?? Date.now;
  const manual = options.manual ?? false;
  const frozen = base();
  let offset = 0;
  const listeners: (() => void)[] = [];
  const clock: FakeClock = {
    now: () => (manual ? frozen : base()) + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advance takes a duration ≥ 0 ms');
      offset += ms;
      for (const listener of listeners) listener();
    },
    manual,
    onAdvance: (listener) => void listeners.push(listener),
  };
  return clock;
}
