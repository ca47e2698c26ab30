/**
 * The upstream-client tests' settings over `startStack`: fresh clients per test on the file's
 * fakes, small timeouts so every fault resolves fast, and the call records of one scope.
 */
import type { FakeOptions, Fakes } from '../../src/fakes/index.ts';
import type { Upstreams } from '../../src/upstreams/index.ts';
import type { CallRecord, UpstreamScope } from '../../src/upstreams/types.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

export { closedPort, startRecorder } from '../helpers/net.ts';

export interface Harness {
  fakes: Fakes;
  upstreams: Upstreams;
  logs: string[];
  calls: CallRecord[];
  scope(extra?: Partial<UpstreamScope>): UpstreamScope;
}

const open: Stack[] = [];

/** Clients over `fakes` (left open), or over fakes of their own started with these options. */
export async function harness(
  fakes: Fakes | { options: FakeOptions },
  env: Record<string, string> = {},
): Promise<Harness> {
  const stack = await startStack({
    ...('options' in fakes ? { fakes: fakes.options } : { sharedFakes: fakes }),
    config: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      UPSTREAM_TIMEOUT_MS: '500',
      UPSTREAM_CONNECT_TIMEOUT_MS: '300',
      BREAKER_HALF_OPEN_MS: '300',
      REQUEST_TIMEOUT_MS: '10000',
      ...env,
    },
  });
  open.push(stack);
  const calls: CallRecord[] = [];
  return {
    fakes: stack.fakes,
    upstreams: stack.upstreams,
    logs: stack.logs,
    calls,
    scope: (extra) => ({
      authorization: undefined,
      signal: undefined,
      requestId: 'test-request',
      onCall: (record) => calls.push(record),
      ...extra,
    }),
  };
}

export async function closeHarnesses(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
