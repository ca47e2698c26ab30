/**
 * A field that is its parent's property of the same name. Pothos leaves graphql's default
 * resolver out of the built field, so the compiled executor (graphql-jit) reads the property
 * inline instead of calling a resolver with a fresh info object for every value — on a page
 * of 50 edges, 50 resolver calls fewer per such field. The value must not be a function (the
 * default resolver would call it) and may not be a promise the compiled code would not await:
 * use it for plain data only.
 */
import { defaultFieldResolver } from 'graphql';

export function propertyRead<Parent, Key extends keyof Parent>(
  _name: Key,
): (parent: Parent) => Parent[Key] {
  return defaultFieldResolver as never;
}
