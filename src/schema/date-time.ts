/**
 * The DateTime scalar: graphql-scalars' DateTimeResolver, except that a string value is
 * serialized once per distinct string. Its serialize validates the string with a regular
 * expression and returns a `Date`, which the response's JSON.stringify turns back into the same
 * ISO string; the timestamps in a page are the same few strings on every request (a cached
 * entry's values), so each one's ISO form is remembered. The wire format is unchanged: the
 * remembered string is exactly what JSON.stringify made of the `Date`; an invalid string still
 * throws the library's error, and is not remembered.
 */
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const serialized = new Map<string, string>();
/** Bounded like the normalizer's conversions (normalize/time.ts): cleared when full. */
const MAX_SERIALIZED = 20_000;

export function serializeDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return DateTimeResolver.serialize(value);
  const known = serialized.get(value);
  if (known !== undefined) return known;
  const iso = (DateTimeResolver.serialize(value) as Date).toISOString();
  if (serialized.size >= MAX_SERIALIZED) serialized.clear();
  serialized.set(value, iso);
  return iso;
}

export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: serializeDateTime,
});
