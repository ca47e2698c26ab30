/**
 * One circuit breaker per upstream. cockatiel's `SamplingBreaker` samples attempts over 10 s and
 * says to open when more than `breakerFailureRatio` of them failed, once there are at least 10
 * samples. Only transport errors, timeouts and 5xx count as failures; 4xx and bad bodies count as
 * answers. The states around it (closed → open → one half-open probe → closed or open again) are
 * kept here, synchronously: an attempt asks `admit()` before it starts and reports how it ended.
 * (cockatiel's policy wraps every attempt in three async layers, about 2 KB of garbage a call.)
 */
import { CircuitState, SamplingBreaker } from 'cockatiel';
import type { UpstreamHealth } from './types.ts';

/** How an admitted attempt ended, for the breaker. */
export type AttemptEnd = 'answered' | 'failed' | 'abandoned';

export interface Breaker {
  /**
   * Admits one attempt, or throws `BreakerOpenError` without admitting while open or while the
   * half-open probe is out. Returns whether the attempt is that probe.
   */
  admit(): boolean;
  /**
   * The attempt's end: `answered` (any status but a 5xx), `failed` (transport error, timeout,
   * 5xx) or `abandoned` (it threw for another reason: counted neither way).
   */
  settle(probe: boolean, end: AttemptEnd): void;
  state(): UpstreamHealth['breaker'];
}

export class BreakerOpenError extends Error {
  readonly probing: boolean;
  constructor(probing: boolean) {
    super(probing ? 'circuit half-open, probe in flight' : 'circuit open');
    this.probing = probing;
  }
}

export interface BreakerOptions {
  failureRatio: number;
  halfOpenAfterMs: number;
  /** Wall clock (ms) for the open period; the sampling windows use cockatiel's own. */
  now?: () => number;
}

export function createBreaker(options: BreakerOptions): Breaker {
  const now = options.now ?? Date.now;
  const sampler = new SamplingBreaker({
    // cockatiel wants (0, 1); the config allows 1 to mean "only when everything fails".
    threshold: Math.min(Math.max(options.failureRatio, 0.01), 0.99),
    duration: 10_000,
    minimumRps: 1,
  });
  let state: UpstreamHealth['breaker'] = 'closed';
  let openedAt = 0;

  return {
    admit() {
      if (state === 'closed') return false;
      // Callers behind the probe fail fast instead of queueing.
      if (state === 'half-open') throw new BreakerOpenError(true);
      if (now() - openedAt < options.halfOpenAfterMs) throw new BreakerOpenError(false);
      state = 'half-open';
      return true;
    },
    settle(probe, end) {
      const at = probe ? CircuitState.HalfOpen : CircuitState.Closed;
      if (end === 'answered') {
        sampler.success(at);
        if (probe) state = 'closed';
      } else if (end === 'failed') {
        // A failed probe always reopens; a closed circuit opens when the sample says so.
        if (sampler.failure(at) && (probe || state === 'closed')) {
          state = 'open';
          openedAt = now();
        }
      } else if (probe) {
        // Not the upstream's failure (as cockatiel treats an unhandled error): close again.
        state = 'closed';
      }
    },
    state: () => state,
  };
}
