/**
 * A stack for subscription tests: fakes whose jobs run on a manual clock (`s.fakes.clock`) and a
 * watch hub on another (`clock`), so a test moves time itself and never waits for it.
 */
import { createManualClock } from './manual-clock.ts';
import { startStack } from './stack.ts';

export async function startLiveStack(options: {
  jobSeconds: number;
  intervalMs: number;
  config?: Record<string, string>;
}) {
  const clock = createManualClock();
  const s = await startStack({
    fakes: { manualClock: true, jobSeconds: options.jobSeconds },
    config: { JOB_POLL_INTERVAL_MS: String(options.intervalMs), ...options.config },
    liveClock: clock,
  });
  return { s, clock };
}
