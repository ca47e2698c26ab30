/**
 * The errors resolvers throw themselves, each with a closed-set `extensions.code`. The message
 * is the client's: a constant sentence that never echoes the input. Upstream failures are mapped
 * elsewhere (`server/errors.ts`).
 */
import { GraphQLError } from 'graphql';

/** The thing exists nowhere the caller can see (gone, or hidden from them). */
export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/** An argument the graph refuses before any upstream call. */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The upstream answered without something its documented payload always holds. */
export function upstreamBadResponse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UPSTREAM_BAD_RESPONSE' } });
}

/** Thrown for every malformed global or source id. */
export function invalidId(): GraphQLError {
  return badUserInput('The id is not a valid id of this graph.');
}
