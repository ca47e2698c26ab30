/**
 * The Apollo Federation subgraph endpoint: a second yoga over the subgraph schema with the same
 * limits, per-client limits, error masking, metrics and per-request loaders as /graphql. A router
 * is pointed at SUBGRAPH_PATH; /graphql keeps serving the stand-alone graph. With SUBGRAPH_SECRET
 * only requests carrying it in `X-Subgraph-Secret` (the router's) are served
 * (plugins/use-router-secret.ts).
 */
import type { Config } from '../config.ts';
import { subgraphSchema } from '../schema/federation.ts';
import { createGateway, type Gateway } from './gateway.ts';
import type { GatewayDeps } from './gateway-parts.ts';
import type { Handler } from './listener.ts';
import { useRouterSecret } from './plugins/use-router-secret.ts';

export const SUBGRAPH_PATH = '/subgraph';

/**
 * Persisted operations stay a /graphql matter: a router sends query plans no manifest holds, so
 * the subgraph should be reachable by the router only (README, "Federation"). Per-client limits
 * hold here as on /graphql: the router's callers are told apart by the tokens it forwards once
 * Beluga vouched for them, else they count as the router's address.
 */
export function createSubgraph(config: Config, deps: Omit<GatewayDeps, 'schema'>): Gateway {
  const subgraphConfig = { ...config, persistedOperations: { file: undefined, only: false } };
  const { secret } = config.federation;
  return createGateway(subgraphConfig, {
    ...deps,
    schema: subgraphSchema(),
    endpoint: SUBGRAPH_PATH,
    // A router splits @defer itself and never sends it to a subgraph: the directive is unknown here.
    incrementalDelivery: false,
    doorPlugins: secret ? [useRouterSecret(secret)] : [],
  });
}

/** A node:http handler: SUBGRAPH_PATH to the subgraph, every other path to the gateway. */
export function routeSubgraph(gateway: Gateway, subgraph: Gateway): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === SUBGRAPH_PATH) subgraph(req, res);
    else gateway(req, res);
  };
}
