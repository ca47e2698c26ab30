import {
  execute,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.ts';
import { type EarlyLoad, prefetchChildFields } from '../../src/schema/prefetch.ts';
import { selectedFields } from '../../src/schema/selection.ts';

/** A parent whose `items` field declares an early load, and a root that starts it. */
function schemaSeeing(seen: { early: unknown[][]; resolved: unknown[][] }) {
  const earlyLoad: EarlyLoad<unknown, unknown, unknown> = (parent, args, _ctx, selection) => {
    seen.early.push([parent, args, [...selectedFields(selection)]]);
    return Promise.resolve();
  };
  const Parent = new GraphQLObjectType({
    name: 'Parent',
    fields: {
      id: { type: GraphQLInt },
      items: {
        type: new GraphQLList(GraphQLString),
        args: { first: { type: GraphQLInt, defaultValue: 20 } },
        extensions: { earlyLoad },
        resolve: (parent, args, _ctx, info) => {
          seen.resolved.push([parent, args, info.path.key]);
          return ['x'];
        },
      },
      plain: { type: GraphQLString, resolve: () => 'p' },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        parent: {
          type: Parent,
          resolve: (_root, _args, ctx, info) => {
            prefetchChildFields(info, ctx, 'Parent', { id: 7, early: true });
            return { id: 7 };
          },
        },
      },
    }),
  });
}

describe('prefetchChildFields', () => {
  it('runs the early loads with coerced arguments and the selection, never a resolver', async () => {
    const seen = { early: [] as unknown[][], resolved: [] as unknown[][] };
    const result = await execute({
      schema: schemaSeeing(seen),
      document: parse(`query($n: Int, $no: Boolean!) { parent { plain
        a: items(first: $n) ... on Parent { b: items } c: items @skip(if: $no) } }`),
      variableValues: { n: 3, no: true },
      contextValue: {} as GatewayContext,
    });
    expect(result.errors).toBeUndefined();
    expect(seen.early).toEqual([
      [{ id: 7, early: true }, { first: 3 }, []],
      [{ id: 7, early: true }, { first: 20 }, []],
    ]);
    // Only execution ran the resolver, once per response key, on the real parent.
    expect(seen.resolved).toEqual([
      [{ id: 7 }, { first: 3 }, 'a'],
      [{ id: 7 }, { first: 20 }, 'b'],
    ]);
  });

  it('a refused early load (bad arguments) is left to the resolver', async () => {
    const seen = { early: [] as unknown[][], resolved: [] as unknown[][] };
    const result = await execute({
      schema: schemaSeeing(seen),
      document: parse(`{ parent { items(first: "three") } }`),
      contextValue: {} as GatewayContext,
    });
    expect(result.errors?.[0]?.message).toMatch(/Argument "first" has invalid value/);
    expect(seen.early).toEqual([]);
    expect(seen.resolved).toEqual([]);
  });
});
