import { badUserInput } from '../errors.ts';
import { type Cursor, decodeCursor } from './cursor.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A validated Relay page request: which end it counts from, how many, and its bounds. */
export interface PageRequest {
  direction: 'forward' | 'backward';
  size: number;
  after: Cursor | null;
  before: Cursor | null;
}

/**
 * Validates Relay arguments. Sizes are never clamped: over MAX_PAGE_SIZE, negative, or `first`
 * together with `last` is BAD_USER_INPUT. Neither given means `first: DEFAULT_PAGE_SIZE`.
 */
export function parsePageArgs(args: PageArgs, key: string, sources: number): PageRequest {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) {
    throw badUserInput('Pass either `first` or `last`, not both.');
  }
  for (const size of [first, last]) {
    if (size !== null && (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE)) {
      throw badUserInput(`Page size must be between 0 and ${MAX_PAGE_SIZE}.`);
    }
  }
  return {
    direction: last !== null ? 'backward' : 'forward',
    size: last ?? first ?? DEFAULT_PAGE_SIZE,
    after: args.after != null ? decodeCursor(args.after, key, sources) : null,
    before: args.before != null ? decodeCursor(args.before, key, sources) : null,
  };
}

/** Offsets of every source just after the cursor's own item. */
export function positionAfter(cursor: Cursor): number[] {
  return cursor.p.map((offset, i) => (i === cursor.s ? offset + 1 : offset));
}
