/**
 * A 2xx body to a typed value: JSON only, then the zod wire schema. Failures name the zod issue
 * paths and codes, never the values (zod 4 leaves input out of issues by default).
 */
import { z } from 'zod';
import { type SchemaIssue, UpstreamBadResponseError, type UpstreamCall } from './errors.ts';

const MAX_ISSUES = 10;

const compiled = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema with zod's ahead-of-time compiled fast path (`z.compile`): a valid payload is parsed
 * by generated code (no per-field result objects), an invalid one falls back to zod's own parser,
 * so the issues are zod's. Compiled once per schema, on its first body.
 */
function fastSchema<T>(schema: z.ZodType<T>): z.ZodType<T> {
  let fast = compiled.get(schema);
  if (fast === undefined) {
    fast = z.compile(schema);
    compiled.set(schema, fast);
  }
  return fast as z.ZodType<T>;
}

export function parseBody<T>(
  text: string,
  contentType: string | string[] | undefined,
  schema: z.ZodType<T>,
  call: UpstreamCall,
): { ok: true; value: T } | { ok: false; error: UpstreamBadResponseError } {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type !== undefined && !/\bjson\b/i.test(type)) {
    return { ok: false, error: new UpstreamBadResponseError(call, 'sent a non-JSON content type') };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const what = text.length === 0 ? 'sent an empty body' : 'sent a body that is not JSON';
    return { ok: false, error: new UpstreamBadResponseError(call, what) };
  }
  const parsed = fastSchema(schema).safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: SchemaIssue[] = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    code: issue.code,
  }));
  const summary = issues.map((i) => `${i.path}:${i.code}`).join(', ');
  return {
    ok: false,
    error: new UpstreamBadResponseError(
      call,
      `sent a payload that does not match its schema (${summary})`,
      {
        issues,
      },
    ),
  };
}
