/**
 * Graceful shutdown. From the first close() on, /ready answers 503 and responses carry
 * `Connection: close`, while requests are still served for SHUTDOWN_DELAY_MS (load balancers see
 * the 503 and stop routing); then every subscription completes, the listener stops accepting
 * and lets in-flight requests finish within SHUTDOWN_TIMEOUT_MS, and the metrics listener, the
 * pools and tracing close.
 */
import type { Config } from '../config.ts';
import type { Upstreams } from '../upstreams/index.ts';
import type { Listener } from './listener.ts';
import type { LiveService } from './live.ts';
import type { Logger } from './logger.ts';
import type { MetricsListener } from './metrics-listener.ts';
import type { Tracing } from './tracing/provider.ts';
import type { WebSocketDoor } from './websocket.ts';

/** What shutdown stops, in this order after the delay. */
export interface ShutdownParts {
  logger: Logger;
  /** Waits out SHUTDOWN_DELAY_MS; defaults to a timer (tests pass their own). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  live: LiveService;
  webSocket: WebSocketDoor;
  listener: Listener;
  metricsListener: MetricsListener | undefined;
  upstreams: Pick<Upstreams, 'close'>;
  tracing: Tracing | undefined;
}

export interface Shutdown {
  /** True from the first close() on. */
  started(): boolean;
  /** Runs the sequence once; every later call gets the first call's promise. */
  close(parts: ShutdownParts): Promise<void>;
}

export function createShutdown(config: Config): Shutdown {
  let started = false;
  let closing: Promise<void> | undefined;
  return {
    started: () => started,
    close(parts) {
      if (!closing) {
        started = true;
        closing = shutDown(config, parts);
      }
      return closing;
    },
  };
}

async function shutDown(config: Config, parts: ShutdownParts): Promise<void> {
  const { logger } = parts;
  if (config.shutdownDelayMs > 0) {
    logger.info({ delayMs: config.shutdownDelayMs }, 'not ready; serving until the delay ends');
    await (parts.sleep ?? wait)(config.shutdownDelayMs);
  }
  // Every stream gets its `complete` and every poller stops before the listener closes.
  await parts.live.close();
  await parts.webSocket.close();
  await parts.listener.close(config.shutdownTimeoutMs, (open) =>
    logger.warn({ open }, 'shutdown timeout: closing remaining connections'),
  );
  await parts.metricsListener?.close();
  await parts.upstreams.close();
  await parts.tracing?.shutdown();
  logger.info('gateway stopped');
}

function wait(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
