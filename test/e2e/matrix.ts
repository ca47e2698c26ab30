/**
 * Shared pieces of the fault-matrix suites (../shared/reference/reliability.md §7.1): the two-upstream query, a fresh
 * stack per row (breaker and quota state must not leak between rows), the clean baseline call
 * counts, and the split assertion every row makes.
 */
import { afterAll, afterEach, expect } from 'vitest';
import {
  CANARY,
  codesAt,
  type E2EOptions,
  type E2EStack,
  isClosedSetCode,
  type QueryResult,
  startE2E,
  trackUnhandled,
} from './harness.ts';

/** One field per upstream; each lookup is nullable so a failure nulls only its own field. */
export const BOTH = `query Both {
  belugaC: collection(source: BELUGA, sourceId: "21") { name }
  wicksonC: collection(source: WICKSON, sourceId: "research_papers") { name stats { itemCount } }
}`;

export type Side = 'beluga' | 'wickson';
export const FIELD: Record<Side, 'belugaC' | 'wicksonC'> = {
  beluga: 'belugaC',
  wickson: 'wicksonC',
};
const other = (side: Side): Side => (side === 'beluga' ? 'wickson' : 'beluga');

export interface Baseline {
  beluga: number;
  wickson: number;
  data: Record<string, unknown>;
}

/**
 * Registers per-file hooks: every stack started through `fresh` is closed after its test, and
 * after each test no response or log line may carry the canary key and no rejection may go
 * unhandled.
 */
export function useStacks(): { fresh(options?: E2EOptions): Promise<E2EStack> } {
  const open: E2EStack[] = [];
  const unhandled = trackUnhandled();
  afterEach(async () => {
    const stacks = open.splice(0);
    for (const stack of stacks) {
      expect(
        stack.bodies.some((b) => b.includes(CANARY)),
        'canary in a response',
      ).toBe(false);
      expect(
        stack.logs.some((l) => l.includes(CANARY)),
        'canary in a log line',
      ).toBe(false);
    }
    await Promise.all(stacks.map((s) => s.close()));
    expect(unhandled.rejections).toEqual([]);
  });
  afterAll(() => unhandled.stop());
  return {
    async fresh(options) {
      const stack = await startE2E(options);
      open.push(stack);
      return stack;
    },
  };
}

/** Runs BOTH with no fault, records each fake's request count, then empties the ledgers. */
export async function baseline(stack: E2EStack, document = BOTH): Promise<Baseline> {
  const result = await stack.query(document);
  expect(result.body.errors, 'baseline query must be clean').toBeUndefined();
  const counts = {
    beluga: stack.fakes.beluga.control.ledger.count(),
    wickson: stack.fakes.wickson.control.ledger.count(),
    data: result.body.data ?? {},
  };
  expect(counts.beluga).toBeGreaterThan(0);
  expect(counts.wickson).toBeGreaterThan(0);
  stack.fakes.beluga.control.ledger.reset();
  stack.fakes.wickson.control.ledger.reset();
  return counts;
}

/**
 * The split every row asserts: HTTP 200, the failed side's field null with only closed-set codes
 * from `codes`, the other side's field equal to the baseline, and constant client messages.
 */
export function expectSplit(
  result: QueryResult,
  base: Baseline,
  failed: Side,
  codes: readonly string[],
  fields: Record<Side, string> = FIELD,
): string[] {
  expect(result.status).toBe(200);
  const data = result.body.data ?? {};
  expect(data[fields[failed]]).toBeNull();
  const fieldCodes = codesAt(result.body, fields[failed]);
  expect(fieldCodes.length).toBeGreaterThan(0);
  for (const code of fieldCodes) expect(codes).toContain(code);
  const ok = fields[other(failed)];
  expect(data[ok]).toEqual(base.data[ok]);
  expect(codesAt(result.body, ok)).toEqual([]);
  for (const error of result.body.errors ?? []) {
    expect(isClosedSetCode(String(error.extensions?.code))).toBe(true);
    expect(error.message).not.toMatch(/<html|<!doctype|request_id|req_|wickson\.ai|127\.0\.0\.1/i);
  }
  return fieldCodes;
}

export function count(stack: E2EStack, side: Side): number {
  return stack.fakes[side].control.ledger.count();
}

export function control(stack: E2EStack, side: Side) {
  return stack.fakes[side].control;
}
