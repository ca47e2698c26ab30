import { z } from 'zod';
import { badUserInput } from '../errors.ts';

/**
 * A position in a list made of one or more ordered upstream sources. `p[i]` is how many items of
 * source i come before the edge; `s` is the source the edge's own item comes from. `k` names the
 * list (order, filters) so a cursor cannot be replayed against a differently ordered list.
 */
export interface Cursor {
  k: string;
  p: number[];
  s: number;
}

export const MAX_SOURCES = 16;
const MAX_CURSOR_LENGTH = 1024;
const MAX_OFFSET = 1_000_000_000;

const CursorSchema = z
  .object({
    k: z.string().max(64),
    p: z.array(z.number().int().min(0).max(MAX_OFFSET)).min(1).max(MAX_SOURCES),
    s: z
      .number()
      .int()
      .min(0)
      .max(MAX_SOURCES - 1),
  })
  .strict()
  .refine((c) => c.s < c.p.length);

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.k, p: cursor.p, s: cursor.s })).toString(
    'base64url',
  );
}

/**
 * Decodes a cursor this list handed out. Anything else (garbage, another list's cursor, a cursor
 * with a different number of sources) is BAD_USER_INPUT with a constant message: the input is
 * never echoed.
 */
export function decodeCursor(raw: string, listKey: string, sources: number): Cursor {
  // Built only when thrown: a GraphQLError captures a stack trace.
  const invalid = () => badUserInput('Invalid cursor: use a cursor returned by this connection.');
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw invalid();
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = CursorSchema.safeParse(json);
  if (!parsed.success || parsed.data.k !== listKey || parsed.data.p.length !== sources) {
    throw invalid();
  }
  return parsed.data;
}

/** A short stable key for a list's identity (order + filters), FNV-1a 32-bit in base 36. */
export function listKey(parts: readonly (string | number | undefined | null)[]): string {
  const text = parts
    .map((part) => (part === undefined || part === null ? '' : String(part)))
    .join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
