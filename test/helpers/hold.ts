/**
 * Holds the next request a fake receives on `route` until the test releases it: `arrived` settles
 * once the request is held there (the fake's `hold` fault), so a test knows a call is in flight
 * without racing a timer.
 */
import type { FakeControl } from '../../src/fakes/index.ts';

export interface Held {
  /** Settles when the request reached the fake and waits there. */
  arrived: Promise<void>;
  /** Lets it through: the fake's route then runs and answers. */
  release(): void;
}

export function holdNext(control: FakeControl, match: { route: string; method: string }): Held {
  let release = () => {};
  let held = () => {};
  const arrived = new Promise<void>((resolve) => {
    held = resolve;
  });
  control.addFault({
    ...match,
    kind: 'hold',
    release: new Promise<void>((resolve) => {
      release = resolve;
    }),
    onHeld: () => held(),
    times: 1,
  });
  return { arrived, release: () => release() };
}
