/**
 * A small schema with the graph's shapes (connections with first/last, nodes(ids:), nested lists)
 * whose resolvers call the upstream clients from the context scope. Server tests use it so the
 * limits, masking and deadline are tested independently of the real graph.
 */

import type { GatewayContext, UpstreamClients } from '../../src/context.ts';
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

export function testSchema(clients: UpstreamClients): GraphQLSchema {
  const Node: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: 'Node',
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  });
  const Stats = new GraphQLObjectType({
    name: 'Stats',
    fields: { itemCount: { type: GraphQLInt } },
  });
  const Collection: GraphQLObjectType = new GraphQLObjectType({
    name: 'Collection',
    interfaces: [Node],
    fields: () => ({
      id: { type: new GraphQLNonNull(GraphQLID) },
      name: { type: GraphQLString },
      stats: { type: Stats },
      related: { type: new GraphQLList(Collection) },
      children: { type: new GraphQLNonNull(Connection), args: { first: { type: GraphQLInt } } },
    }),
  });
  const Edge = new GraphQLObjectType({
    name: 'CollectionEdge',
    fields: { cursor: { type: GraphQLString }, node: { type: Collection } },
  });
  const Connection: GraphQLObjectType = new GraphQLObjectType({
    name: 'CollectionConnection',
    fields: { totalCount: { type: GraphQLInt }, edges: { type: new GraphQLList(Edge) } },
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
        version: { type: GraphQLString, resolve: () => '1' },
        collections: {
          type: new GraphQLNonNull(Connection),
          args: { first: { type: GraphQLInt }, last: { type: GraphQLInt } },
          resolve: wicksonList,
        },
        nodes: {
          type: new GraphQLNonNull(new GraphQLList(Node)),
          args: {
            ids: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) },
          },
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            await clients.beluga.getCaptureSet(1, ctx.scope);
            return [];
          },
        },
        beluga: {
          type: GraphQLString,
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            const set = await clients.beluga.getCaptureSet(1, ctx.scope);
            return set ? String(set.name) : null;
          },
        },
        wickson: {
          type: GraphQLString,
          resolve: async (_: unknown, _args: unknown, ctx: GatewayContext) => {
            const list = await clients.wickson.listCollections(ctx.scope);
            return JSON.stringify(list).slice(0, 20);
          },
        },
        fast: { type: GraphQLString, resolve: () => 'fast' },
        boom: {
          type: GraphQLString,
          resolve: () => {
            throw new Error(`database password hunter2 at ${new Error().stack}`);
          },
        },
        badInput: {
          type: GraphQLString,
          resolve: () => {
            throw new GraphQLError('The page size must be between 1 and 100.', {
              extensions: { code: 'BAD_USER_INPUT', secret: 'leak' },
            });
          },
        },
        rawGraphQLError: {
          type: GraphQLString,
          resolve: () => {
            throw new GraphQLError('upstream said: internal detail');
          },
        },
      },
    }),
  });
}
