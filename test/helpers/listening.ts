/**
 * The gateway as `main.ts` starts it (startServer: a real listener, metrics listener, client
 * limits) over the fakes, configured from env-style settings; log lines are collected. With the
 * in-process `startStack` (stack.ts), the one way a test starts a gateway.
 */
import { type Config, configFrom } from '../../src/config.ts';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningServer, startServer } from '../../src/server/main.ts';

type ServerOptions = Omit<NonNullable<Parameters<typeof startServer>[1]>, 'logger'>;

export interface ListeningOptions {
  /** Fakes already running, left open on close; by default fresh ones, closed with the server. */
  fakes?: Fakes;
  /** startServer's other options (sleep, tracing, loaders), given the config. */
  server?: (config: Config) => ServerOptions;
}

export interface Listening {
  running: RunningServer;
  fakes: Fakes;
  config: Config;
  /** Every log line the gateway wrote (pino JSON). */
  lines: string[];
  close(): Promise<void>;
}

export async function startListening(
  env: Record<string, string> = {},
  options: ListeningOptions = {},
): Promise<Listening> {
  const fakes = options.fakes ?? (await startFakes());
  const config = configFrom({
    PORT: '0',
    HOST: '127.0.0.1',
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    ...env,
  });
  const lines: string[] = [];
  let running: RunningServer;
  try {
    running = await startServer(config, {
      logger: createLogger(config, { write: (line: string) => lines.push(line) }),
      ...options.server?.(config),
    });
  } catch (error) {
    if (!options.fakes) await fakes.close();
    throw error;
  }
  return {
    running,
    fakes,
    config,
    lines,
    close: async () => {
      await running.close();
      if (!options.fakes) await fakes.close();
    },
  };
}
