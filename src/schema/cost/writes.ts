/**
 * Upstream calls of a mutation field: one Beluga write per field, never shared. Mutation fields
 * run one after another and each write drops the request's Beluga reads (src/loaders/index.ts
 * `afterWrite`), so the reads under its payload count anew; the walker gives each mutation field
 * its own payload objects.
 */
import type { FieldCalls, RootHolds } from './types.ts';

export function oneWrite<const C>(payload: C): FieldCalls<RootHolds, unknown, C> {
  return {
    weight: 1,
    predict: (input) => {
      input.charge('beluga', 1, `write:${input.responseKey}`);
      return [{ holds: payload, count: 1, together: true }];
    },
  };
}
