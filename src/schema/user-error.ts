import type { FieldIssue } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { free } from './cost/types.ts';
import type { UserErrorModel } from './payload-models.ts';

export const UserErrorRef = builder.objectRef<UserErrorModel>('UserError').implement({
  description:
    'Why a mutation did not apply its input, worded for a form. `field` is the path into `input`, null when the error concerns the input as a whole.',
  fields: (t) => ({
    field: t.stringList({
      nullable: true,
      description:
        'Path into the `input` argument, e.g. ["name"] or ["methodArguments", "date_end"].',
      upstreamCalls: free,
      resolve: (e) => e.field,
    }),
    message: t.exposeString('message', { description: 'What is wrong, as one sentence.' }),
  }),
});

/** A message for an upstream sentence that was not plain enough to pass on. */
const REJECTED = 'The value was rejected.';

/** Maps an upstream field path to the input path it came from, or null (the whole input). */
export type FieldMapper = (path: readonly string[]) => string[] | null;

export function userErrorsFrom(issues: readonly FieldIssue[], map: FieldMapper): UserErrorModel[] {
  const errors = issues.map((issue) => ({
    field: issue.path.length > 0 ? map(issue.path) : null,
    message: issue.message ?? REJECTED,
  }));
  return errors.length > 0 ? errors : [{ field: null, message: REJECTED }];
}

/**
 * A mapper from Beluga field names to input names. `nested` input fields pass the caller's own
 * keys through below them (e.g. `kwargs.date_end` → `methodArguments.date_end`), but only keys
 * the caller sent, so an upstream key never reaches the answer.
 */
export function fieldMapper(
  names: Record<string, string>,
  nested: Record<string, unknown> = {},
): FieldMapper {
  return (path) => {
    const [head, ...rest] = path;
    const name = head !== undefined && Object.hasOwn(names, head) ? names[head]! : undefined;
    if (name === undefined) return null;
    let sent: unknown = nested[name];
    const out = [name];
    for (const key of rest) {
      if (sent === null || typeof sent !== 'object' || !Object.hasOwn(sent, key)) break;
      out.push(key);
      sent = (sent as Record<string, unknown>)[key];
    }
    return out;
  };
}
