/**
 * The gateway's listeners: node:http on PORT (GraphiQL's page, compression, the HTTP guard, then
 * the gateway or the subgraph), the WebSocket door on the same server, and Prometheus on
 * METRICS_PORT when set. Resolves once all of them listen.
 */
import type { Config } from '../config.ts';
import type { Composed } from './compose.ts';
import { withCompression } from './compress.ts';
import { withGraphiQL } from './graphiql-serve.ts';
import { createListener, type Handler, type Listener } from './listener.ts';
import type { Logger } from './logger.ts';
import { listenMetrics, type MetricsListener } from './metrics-listener.ts';
import { attachWebSocket, type WebSocketDoor } from './websocket.ts';

export interface Serving {
  url: string;
  listener: Listener;
  webSocket: WebSocketDoor;
  /** Undefined when METRICS_PORT is unset. */
  metricsListener: MetricsListener | undefined;
}

export async function serveGateway(
  config: Config,
  composed: Composed,
  options: { logger: Logger; isShuttingDown: () => boolean },
): Promise<Serving> {
  const { metrics, subgraphPath } = composed;
  const httpLog = options.logger.child({ component: 'http' });
  const listener = createListener(
    withCompression(withPage(config, composed.handler, subgraphPath)),
    {
      requestTimeoutMs: config.requestTimeoutMs,
      isShuttingDown: options.isShuttingDown,
      reject: (rejection) => {
        metrics.observeRejected(rejection.reason);
        httpLog.info(rejection, 'http request refused');
      },
    },
  );
  const webSocket = attachWebSocket(listener.server, composed.gateway, config);
  compactHeap();
  let url: string;
  let metricsListener: MetricsListener | undefined;
  try {
    url = await listener.listen(config.port, config.host);
    metricsListener =
      config.metricsPort === undefined
        ? undefined
        : await listenMetrics(composed.metrics, { port: config.metricsPort, host: config.host });
  } catch (error) {
    // What this file opened; the caller closes what composeGateway opened.
    await webSocket.close();
    if (listener.server.listening) await listener.close(0, () => {});
    throw error;
  }
  options.logger.info(
    {
      url,
      metrics: metricsListener?.url,
      graphiql: config.graphiql,
      introspection: config.introspection,
      tracing: composed.tracing !== undefined,
      subgraph: subgraphPath ? `${url}${subgraphPath}` : undefined,
    },
    'gateway listening',
  );
  return { url, listener, webSocket, metricsListener };
}

/**
 * GraphiQL (GRAPHIQL) straight from the listener: the page's bytes to the socket, no yoga on the
 * way. On /subgraph too, unless SUBGRAPH_SECRET keeps it to the router.
 */
function withPage(config: Config, handler: Handler, subgraphPath: string | undefined): Handler {
  if (!config.graphiql) return handler;
  const open = subgraphPath && !config.federation.secret ? [subgraphPath] : [];
  return withGraphiQL(handler, ['/graphql', ...open]);
}

/**
 * With `--expose-gc` (npm start): one memory-reducing collection before listening. Start-up
 * (modules, the schema, the gateway) leaves garbage and a grown young generation; collecting it
 * once means an idle replica holds its live heap only. Without the flag (tests, the demo) a no-op.
 */
function compactHeap(): void {
  const gc = (globalThis as { gc?: (options: object) => void }).gc;
  gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
