/**
 * graphql-js, loaded the way Node loads it for yoga and Pothos (the CommonJS `index.js`). Vite
 * (vitest) resolves a bare `graphql` to `index.mjs`, a second copy whose classes fail graphql's
 * own instanceof checks against yoga's ("from another module or realm"). Importing the file
 * explicitly gives one copy under both Node and vitest. Errors from other copies are still
 * recognised by `isGraphQLError` (duck-typed).
 */
export * from 'graphql/index.js';

import type { GraphQLError } from 'graphql/index.js';

export function isGraphQLError(value: unknown): value is GraphQLError {
  return Object.prototype.toString.call(value) === '[object GraphQLError]';
}
