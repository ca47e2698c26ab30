/**
 * Shared pieces of the fault-matrix suites (../shared/reference/reliability.md §7.1): the two-upstream query, a fresh
 * stack per row (breaker and quota state must not leak between rows), the clean baseline call
 * counts, and the split assertion every row makes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, expect } from 'vitest';
import type { FakeOptions } from '../../src/fakes/index.ts';
import { ERROR_CODES } from '../../src/upstreams/errors.ts';
import { type GraphQLBody, type QueryResult, type Stack, startStack } from '../helpers/stack.ts';

export { closedPort, startRecorder } from '../helpers/net.ts';

/** Server-held Wickson key for every matrix stack: it must never appear in a response or a log. */
export const CANARY = `wk_CANARY_${randomBytes(8).toString('hex')}`;

export interface RowOptions {
  fakes?: FakeOptions;
  /** Env-style overrides for configFrom; `BELUGA_URL`/`WICKSON_URL` may replace the fakes'. */
  env?: Record<string, string>;
}

/** The product's logger and small deadlines, so timeout rows finish fast on a 2-core machine. */
function startRow(options: RowOptions): Promise<Stack> {
  return startStack({
    fakes: { wicksonApiKey: CANARY, ...options.fakes },
    logger: 'product',
    settle: false,
    config: {
      NODE_ENV: 'development',
      WICKSON_API_KEY: CANARY,
      LOG_LEVEL: 'debug',
      BREAKER_HALF_OPEN_MS: '60000',
      UPSTREAM_TIMEOUT_MS: '500',
      REQUEST_TIMEOUT_MS: '1500',
      ...options.env,
    },
  });
}

/** Codes of the errors whose path starts with `field`. */
export function codesAt(body: GraphQLBody, field: string): string[] {
  return (body.errors ?? [])
    .filter((e) => e.path?.[0] === field)
    .map((e) => String(e.extensions?.code));
}

function isClosedSetCode(code: string): boolean {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Unhandled rejections seen while a suite runs; each suite asserts the list stays empty. */
function trackUnhandled(): { rejections: unknown[]; stop(): void } {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  return { rejections, stop: () => process.off('unhandledRejection', onRejection) };
}

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
export function useStacks(): { fresh(options?: RowOptions): Promise<Stack> } {
  const open: Stack[] = [];
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
      const stack = await startRow(options ?? {});
      open.push(stack);
      return stack;
    },
  };
}

/** Runs BOTH with no fault, records each fake's request count, then empties the ledgers. */
export async function baseline(stack: Stack, document = BOTH): Promise<Baseline> {
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

export function count(stack: Stack, side: Side): number {
  return stack.fakes[side].control.ledger.count();
}

export function control(stack: Stack, side: Side) {
  return stack.fakes[side].control;
}
