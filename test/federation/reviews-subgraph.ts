/**
 * A second, tiny subgraph for the router test: it extends `Project` (keyed by Beluga's
 * `sourceId`) with a review note and lists featured projects by reference only. Built with
 * @apollo/subgraph and served by yoga on an ephemeral loopback port.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createYoga, type Plugin } from 'graphql-yoga';
import { parse } from '../../src/server/graphql.ts';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Project @key(fields: "sourceId") {
    sourceId: Int!
    reviewNote: String!
  }

  type Query {
    featuredProjects: [Project!]!
  }
`);

export interface ReviewsSubgraph {
  url: string;
  /** Representations per `_entities` request the router sent here, in order. */
  entityBatches: number[];
  close(): Promise<void>;
}

export async function startReviewsSubgraph(featured: number[]): Promise<ReviewsSubgraph> {
  const entityBatches: number[] = [];
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: { featuredProjects: () => featured.map((sourceId) => ({ sourceId })) },
      Project: {
        __resolveReference: (ref: { sourceId: number }) => ({ sourceId: ref.sourceId }),
        reviewNote: (p: { sourceId: number }) => `reviewed project ${p.sourceId}`,
      },
    },
  });
  const countBatches: Plugin = {
    onExecute({ args }) {
      const representations = args.variableValues?.representations;
      if (Array.isArray(representations)) entityBatches.push(representations.length);
    },
  };
  const yoga = createYoga({ schema, logging: false, plugins: [countBatches] });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    entityBatches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
