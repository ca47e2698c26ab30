/**
 * createGateway(config, deps) → a yoga instance. No listen, no process.env: main.ts and the
 * tests own those. Tests call `gateway.fetch(...)` without a port.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { createRequestContext, type GatewayContext, type UpstreamClients } from '../context.ts';
import { schema } from '../schema/index.ts';
import type { CallRecord, UpstreamHealth } from '../upstreams/types.ts';

export interface GatewayDeps {
  clients: UpstreamClients;
  logger: Logger;
  /** Breaker and quota state per upstream, for metrics. */
  health?: () => UpstreamHealth[];
  onCall?: (record: CallRecord) => void;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql,
    logging: false,
    context: ({ request }) => {
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      return createRequestContext({
        config,
        clients: deps.clients,
        logger: deps.logger.child({ requestId }),
        requestId,
        authorization: request.headers.get('authorization') ?? undefined,
        signal: request.signal,
        onCall: deps.onCall,
      });
    },
  });
}
