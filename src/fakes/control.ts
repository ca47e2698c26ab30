/**
 * Per-server test control: latency, fault list and request ledger (`FakeControl` in types.ts).
 * Fault probabilities use a seeded PRNG so runs are reproducible.
 */
import { createRng } from './prng.ts';
import type { FakeControl, FaultSpec, Latency, LedgerEntry, LedgerFilter } from './types.ts';

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number;
}

export interface ControlState extends FakeControl {
  /** The fault to apply to this request, if any (consumes one of its `times`). */
  pickFault(route: string, method: string): FaultSpec | null;
  delayMs(): number;
  record(entry: LedgerEntry): void;
  random(): number;
  onReset(listener: () => void): void;
}

function matches(entry: LedgerEntry, filter?: LedgerFilter): boolean {
  if (filter?.route !== undefined && entry.route !== filter.route) return false;
  if (filter?.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  return true;
}

/**
 * `routes` are the service's route names: a fault naming any other (a typo that would never fire)
 * is refused, so POST /__fake/faults answers 400.
 */
export function createControl(
  initialLatency: Latency | undefined,
  seed: number,
  routes: readonly string[],
): ControlState {
  let latency: Latency = initialLatency ?? { fixedMs: 0 };
  let faults: ActiveFault[] = [];
  let entries: LedgerEntry[] = [];
  let nextId = 1;
  let rng = createRng(seed);
  const listeners: (() => void)[] = [];

  const ledger = {
    entries: (filter?: LedgerFilter) => entries.filter((e) => matches(e, filter)),
    count: (filter?: LedgerFilter) => entries.filter((e) => matches(e, filter)).length,
    reset: () => {
      entries = [];
    },
  };

  return {
    ledger,
    setLatency(next) {
      latency = { fixedMs: Math.max(0, next.fixedMs), jitterMs: Math.max(0, next.jitterMs ?? 0) };
    },
    addFault(spec) {
      if (spec.route !== undefined && spec.route !== '*' && !routes.includes(spec.route)) {
        throw new Error(`unknown route ${spec.route}; routes: *, ${routes.join(', ')}`);
      }
      const id = `fault-${nextId++}`;
      faults.push({ id, spec, remaining: spec.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    removeFault(id) {
      faults = faults.filter((f) => f.id !== id);
    },
    clearFaults() {
      faults = [];
    },
    reset() {
      faults = [];
      entries = [];
      latency = initialLatency ?? { fixedMs: 0 };
      rng = createRng(seed);
      for (const listener of listeners) listener();
    },
    pickFault(route, method) {
      for (const fault of faults) {
        const target = fault.spec.route ?? '*';
        if (fault.remaining <= 0 || (target !== '*' && target !== route)) continue;
        if (fault.spec.method !== undefined && fault.spec.method.toUpperCase() !== method) continue;
        if (rng.next() >= (fault.spec.probability ?? 1)) continue;
        fault.remaining -= 1;
        return fault.spec;
      }
      return null;
    },
    delayMs() {
      const jitter = latency.jitterMs ?? 0;
      return latency.fixedMs + (jitter > 0 ? rng.next() * jitter : 0);
    },
    record(entry) {
      entries.push(entry);
    },
    random: () => rng.next(),
    onReset(listener) {
      listeners.push(listener);
    },
  };
}
