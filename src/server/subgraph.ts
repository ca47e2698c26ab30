/**
 * The Apollo Federation subgraph endpoint: a second yoga over the subgraph schema with the same
 * limits, error masking, metrics and per-request loaders as /graphql. A router is pointed at
 * SUBGRAPH_PATH; /graphql keeps serving the stand-alone graph.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import { subgraphSchema } from '../schema/federation.ts';
import { createGateway, type Gateway, type GatewayDeps } from './gateway.ts';

export const SUBGRAPH_PATH = '/subgraph';

/**
 * Persisted operations stay a /graphql matter: a router sends query plans no manifest holds, so
 * the subgraph must be reachable by the router only (README, "Federation"). For the same reason
 * it has no per-client limits: its one client is the router, which limits its own clients.
 */
export function createSubgraph(config: Config, deps: Omit<GatewayDeps, 'schema'>): Gateway {
  const subgraphConfig = { ...config, persistedOperations: { file: undefined, only: false } };
  return createGateway(subgraphConfig, {
    ...deps,
    schema: subgraphSchema(),
    endpoint: SUBGRAPH_PATH,
    clientLimits: false,
    // A router splits @defer itself and never sends it to a subgraph: the directive is unknown here.
    incrementalDelivery: false,
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http handler: SUBGRAPH_PATH to the subgraph, every other path to the gateway. */
export function routeSubgraph(gateway: Gateway, subgraph: Gateway): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === SUBGRAPH_PATH) subgraph(req, res);
    else gateway(req, res);
  };
}
