/**
 * A small schema with the graph's shapes (connections with first/last, nodes(ids:), nested lists)
 * whose resolvers call the upstream clients from the context scope. Server tests use it so the
 * limits, masking and deadline are tested independently of the real graph. Its upstream calls
 * are declared as the real graph's are (`extensions.upstreamCalls`): a nested list or connection
 * costs a call on each upstream per parent object, so page sizes and nesting add up quickly.
 */

import type { GatewayContext, UpstreamClients } from '../../src/context.ts';
import {
  connection,
  edgesOfPage,
  nodeOfEdge,
  pageSize,
} from '../../src/schema/cost/connections.ts';
import { CALLS_EXTENSION } from '../../src/schema/cost/plugin.ts';
import { type CostInput, type FieldCalls, free } from '../../src/schema/cost/types.ts';
import {
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from '../../src/server/graphql.ts';

type Calls = FieldCalls<unknown, { first?: number | null; last?: number | null }, unknown>;
const calls = (declared: Calls) => ({ [CALLS_EXTENSION]: declared });

/** One call on each upstream per parent object, for `size` objects each. */
function perObject(input: CostInput<unknown, unknown>, size: number) {
  input.charge('beluga', input.parent.count, 'nested');
  input.charge('wickson', input.parent.count, 'nested');
  return [{ holds: 'plain', count: input.parent.count * size }];
}

/** The one upstream call the field's resolver makes. */
const oneCall = (upstream: 'beluga' | 'wickson'): Calls => ({
  weight: 1,
  predict: (input) => {
    input.charge(upstream, 1, 'resolver');
    return [];
  },
});

const LIST_SIZE = 20;

export function testSchema(clients: UpstreamClients): GraphQLSchema {
  const Node: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: 'Node',
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  });
  const Stats = new GraphQLObjectType({
    name: 'Stats',
    fields: { itemCount: { type: GraphQLInt, extensions: calls(free) } },
  });
  const Collection: GraphQLObjectType = new GraphQLObjectType({
    name: 'Collection',
    interfaces: [Node],
    fields: () => ({
      id: { type: new GraphQLNonNull(GraphQLID), extensions: calls(free) },
      name: { type: GraphQLString, extensions: calls(free) },
      stats: { type: Stats, extensions: calls(free) },
      related: {
        type: new GraphQLList(Collection),
        extensions: calls({ weight: 2, predict: (input) => perObject(input, LIST_SIZE) }),
      },
      children: {
        type: new GraphQLNonNull(Connection),
        args: { first: { type: GraphQLInt } },
        extensions: calls({
          weight: 2,
          predict: (input) => {
            const size = pageSize(input.args);
            return size === null ? [] : connection(perObject(input, size));
          },
        }),
      },
    }),
  });
  const Edge = new GraphQLObjectType({
    name: 'CollectionEdge',
    fields: {
      cursor: { type: GraphQLString, extensions: calls(free) },
      node: { type: Collection, extensions: calls(nodeOfEdge() as Calls) },
    },
  });
  const Connection: GraphQLObjectType = new GraphQLObjectType({
    name: 'CollectionConnection',
    fields: {
      totalCount: { type: GraphQLInt, extensions: calls(free) },
      edges: { type: new GraphQLList(Edge), extensions: calls(edgesOfPage() as Calls) },
    },
  });
  const wicksonList = async (_: unknown, _args: unknown, ctx: GatewayContext) => {
    await clients.wickson.listCollections(ctx.scope);
    return { totalCount: 0, edges: [] };
  };
  return new GraphQLSchema({
    types: [Collection],
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        version: { type: GraphQLString, extensions: calls(free), resolve: () => '1' },
        collections: {
          type: new GraphQLNonNull(Connection),
          args: { first: { type: GraphQLInt }, last: { type: GraphQLInt } },
          extensions: calls({
            weight: 1,
            predict: (input) => {
              input.charge('wickson', 1, 'list');
              const size = pageSize(input.args);
              return size === null ? [] : connection([{ holds: 'plain', count: size }]);
            },
          }),
          resolve: wicksonList,
        },
        nodes: {
          type: new GraphQLNonNull(new GraphQLList(Node)),
          args: {
            ids: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) },
          },
          extensions: calls(oneCall('beluga')),
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            await clients.beluga.getCaptureSet(1, ctx.scope);
            return [];
          },
        },
        beluga: {
          type: GraphQLString,
          extensions: calls(oneCall('beluga')),
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            const set = await clients.beluga.getCaptureSet(1, ctx.scope);
            return set ? String(set.name) : null;
          },
        },
        wickson: {
          type: GraphQLString,
          extensions: calls(oneCall('wickson')),
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            const list = await clients.wickson.listCollections(ctx.scope);
            return JSON.stringify(list).slice(0, 20);
          },
        },
        fast: { type: GraphQLString, extensions: calls(free), resolve: () => 'fast' },
        boom: {
          type: GraphQLString,
          extensions: calls(free),
          resolve: () => {
            throw new Error(`database password hunter2 at ${new Error().stack}`);
          },
        },
        badInput: {
          type: GraphQLString,
          extensions: calls(free),
          resolve: () => {
            throw new GraphQLError('The page size must be between 1 and 100.', {
              extensions: { code: 'BAD_USER_INPUT', secret: 'leak' },
            });
          },
        },
        rawGraphQLError: {
          type: GraphQLString,
          extensions: calls(free),
          resolve: () => {
            throw new GraphQLError('upstream said: internal detail');
          },
        },
      },
    }),
  });
}
