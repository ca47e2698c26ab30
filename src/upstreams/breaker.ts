/**
 * One circuit breaker per upstream (cockatiel 3.x). It samples attempts over 10 s and opens when
 * more than `breakerFailureRatio` of them failed, once there are at least 10 samples. Only
 * transport errors, timeouts and 5xx count (`BreakerFailure`); 4xx and bad bodies do not.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleWhen,
  SamplingBreaker,
} from 'cockatiel';
import type { UpstreamHealth } from './types.ts';

/** Thrown through the breaker for attempts that should count as upstream failures. */
export class BreakerFailure extends Error {
  readonly failure: unknown;
  constructor(failure: unknown) {
    super('upstream attempt failed');
    this.failure = failure;
  }
}

export interface Breaker {
  /** Runs one attempt. Throws `BreakerOpenError` without calling `fn` while open or probing. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  state(): UpstreamHealth['breaker'];
}

export class BreakerOpenError extends Error {
  readonly probing: boolean;
  constructor(probing: boolean) {
    super(probing ? 'circuit half-open, probe in flight' : 'circuit open');
    this.probing = probing;
  }
}

const STATES: Record<CircuitState, UpstreamHealth['breaker']> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export function createBreaker(options: { failureRatio: number; halfOpenAfterMs: number }): Breaker {
  const policy: CircuitBreakerPolicy = circuitBreaker(
    handleWhen((error) => error instanceof BreakerFailure),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new SamplingBreaker({
        // cockatiel wants (0, 1); the config allows 1 to mean "only when everything fails".
        threshold: Math.min(Math.max(options.failureRatio, 0.01), 0.99),
        duration: 10_000,
        minimumRps: 1,
      }),
    },
  );

  return {
    async run(fn) {
      // cockatiel queues callers behind a half-open probe; we fail them fast instead.
      if (policy.state === CircuitState.HalfOpen) throw new BreakerOpenError(true);
      try {
        return await policy.execute(fn);
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new BreakerOpenError(false);
        if (error instanceof BreakerFailure) throw error.failure;
        throw error;
      }
    },
    state: () => STATES[policy.state],
  };
}
