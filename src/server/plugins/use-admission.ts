/**
 * Admission by predicted upstream calls (MAX_CONCURRENT_CALLS). An operation starts executing
 * when the calls predicted for the operations already executing, plus its own, fit the capacity;
 * otherwise it waits its turn (first come, first served) within its request deadline. A query
 * holds its parsed result, payloads and promise chains for as long as it runs: on one core, 20
 * fan-out queries at once each run 20× longer than alone, so all that survives the young
 * generation and fills the old one. Running a few at a time keeps memory and GC down at the
 * same throughput (the process is CPU-bound then anyway).
 */
import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Gauge, type Registry } from 'prom-client';
import type { GatewayContext } from '../../context.ts';
import { type ExecuteDone, releaseWhenDelivered } from '../delivery.ts';

/** A place in the queue: resolves when admitted, rejects if the caller gives up first. */
interface Waiter {
  units: number;
  admit: () => void;
}

/**
 * A counting semaphore over call units with a FIFO queue. `acquire` returns a release function
 * (safe to call more than once); a request larger than the capacity takes the whole capacity.
 */
export class CallSlots {
  readonly capacity: number;
  #free: number;
  readonly #queue: Waiter[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#free = capacity;
  }

  get inUse(): number {
    return this.capacity - this.#free;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Admits at once when nobody waits and the units fit; else queues until admitted or the
   * owner's signal aborts (read only then: the request's signal is made on first read).
   */
  acquire(
    predicted: number,
    owner?: { readonly signal: AbortSignal | undefined },
  ): Promise<() => void> | (() => void) {
    const units = Math.max(1, Math.min(this.capacity, Math.ceil(predicted) || 1));
    if (this.#queue.length === 0 && this.#free >= units) {
      this.#free -= units;
      return this.#releaser(units);
    }
    const signal = owner?.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        // The head may have been the one blocking smaller requests behind it.
        this.#drain();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        units,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser(units));
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(units: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#free += units;
      this.#drain();
    };
  }

  #drain(): void {
    for (;;) {
      const head = this.#queue[0];
      if (!head || this.#free < head.units) return;
      this.#queue.shift();
      this.#free -= head.units;
      head.admit();
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export const BUSY_MESSAGE =
  'The gateway was busy: the request deadline passed before this operation could start.';

/** `gateway_admission_waiting` and `gateway_admission_calls_in_use`, read from `slots`. */
export function registerAdmissionMetrics(slots: CallSlots, registry: Registry): void {
  // A registry shared by two gateways of one process shows the first one's slots.
  if (registry.getSingleMetric('gateway_admission_waiting')) return;
  new Gauge({
    name: 'gateway_admission_waiting',
    help: 'Operations waiting for MAX_CONCURRENT_CALLS room to start executing.',
    registers: [registry],
    collect() {
      this.set(slots.waiting);
    },
  });
  new Gauge({
    name: 'gateway_admission_calls_in_use',
    help: 'Predicted upstream calls of the operations executing (at most MAX_CONCURRENT_CALLS).',
    registers: [registry],
    collect() {
      this.set(slots.inUse);
    },
  });
}

const busy = () => ({
  errors: [new GraphQLError(BUSY_MESSAGE, { extensions: { code: 'UPSTREAM_TIMEOUT' } })],
});

/**
 * The yoga plugin: after the cost check (which sets `budget.predicted`) and the client limits,
 * so a refused operation never takes a slot. The slot is released when execution ends, by
 * `onExecuteDone` (for @defer/@stream, once the last payload has gone: delivery.ts) or, should
 * execution throw, by the wrapped execute function. One `CallSlots` serves every endpoint of the
 * process (the federation subgraph shares the gateway's).
 */
export function useAdmission(slots: CallSlots): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const ctx = args.contextValue as Partial<GatewayContext>;
      const predicted = ctx.budget?.predicted;
      const total = predicted ? predicted.beluga + predicted.wickson : 1;
      const started = (release: () => void) => {
        // An incremental result keeps its slot until its last payload has gone (onExecuteDone).
        const ended = (result: unknown) => {
          if (!isAsyncIterable(result)) release();
          return result;
        };
        setExecuteFn((executeArgs) => {
          try {
            const result = executeFn(executeArgs);
            if (!isThenable(result)) return ended(result) as typeof result;
            return Promise.resolve(result).then(ended, (error: unknown) => {
              release();
              throw error;
            }) as typeof result;
          } catch (error) {
            release();
            throw error;
          }
        });
        return { onExecuteDone: (done: ExecuteDone) => releaseWhenDelivered(done, release) };
      };
      const admitted = slots.acquire(total, ctx.scope);
      if (typeof admitted === 'function') return started(admitted);
      return admitted.then(started, () => setResultAndStopExecution(busy()));
    },
    // A subscription holds its slot for its first read only: its polls are shared and paced.
    async onSubscribe({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Partial<GatewayContext>;
      const predicted = ctx.budget?.predicted;
      const total = predicted ? predicted.beluga + predicted.wickson : 1;
      let release: () => void;
      try {
        release = await slots.acquire(total, ctx.scope);
      } catch {
        setResultAndStopExecution(busy());
        return;
      }
      return { onSubscribeResult: () => release(), onSubscribeError: () => release() };
    },
  };
}
