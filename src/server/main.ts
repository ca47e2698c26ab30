/**
 * Composition root: config → upstreams → gateway → node:http listen, and graceful shutdown.
 * `npm start` runs this file; tests and the demo call `startServer`.
 */
import type { Server } from 'node:http';
import { flushCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { listenErrorMessage } from '../listen-errors.ts';
import { type ComposeOptions, composeGateway } from './compose.ts';
import type { LiveService } from './live.ts';
import { createLogger } from './logger.ts';
import { serveGateway } from './serve.ts';
import { createShutdown } from './shutdown.ts';

export interface RunningServer {
  url: string;
  /** The subscriptions service (its hub's stats for metrics and tests). */
  live: LiveService;
  /** The Prometheus endpoint on METRICS_PORT; undefined when METRICS_PORT is unset. */
  metricsUrl: string | undefined;
  server: Server;
  /**
   * /ready turns 503 while requests are still served for config.shutdownDelayMs (load balancers
   * see the 503 and stop routing), then stop accepting, let in-flight requests finish within
   * config.shutdownTimeoutMs, close pools.
   */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Omit<ComposeOptions, 'isShuttingDown'>> {
  /** Waits out SHUTDOWN_DELAY_MS on close (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** Wires the gateway (compose.ts), listens (serve.ts), and hands back the shutdown (shutdown.ts). */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  const shutdown = createShutdown(config);
  const isShuttingDown = shutdown.started;
  const composed = await composeGateway(config, { ...options, logger, isShuttingDown });
  // A port in use: a caller that goes on (a test, a supervisor in-process) holds nothing of it.
  const serving = await serveGateway(config, composed, { logger, isShuttingDown }).catch(
    async (error: unknown) => {
      await composed.close();
      throw error;
    },
  );
  const parts = { ...composed, ...serving, logger, sleep: options.sleep };
  return {
    url: serving.url,
    live: composed.live,
    metricsUrl: serving.metricsListener?.url,
    server: serving.listener.server,
    close: () => shutdown.close(parts),
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const running = await startServer(config, { logger }).catch((error: unknown) => {
    const message = listenErrorMessage(error, {
      ports: { PORT: config.port, METRICS_PORT: config.metricsPort ?? -1 },
      host: ['HOST', config.host],
    });
    if (!message) throw error;
    process.stderr.write(`gateway: ${message}\n`);
    process.exit(1);
  });
  // With NODE_COMPILE_CACHE (npm start), the next start, or a second replica, reuses it right away.
  flushCompileCache();
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `gateway failed to start: ${error instanceof Error ? error.message : 'unknown error'}\n`,
    );
    process.exit(1);
  });
}
