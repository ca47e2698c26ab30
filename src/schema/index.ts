// Placeholder until the graph issue lands: exports the executable schema.
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

export const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { version: { type: GraphQLString, resolve: () => '0.1.0' } },
  }),
});
